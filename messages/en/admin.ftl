# /announce, for ADMIN_IDS only: a message from this catalog to every active user.

announce-usage =
    📣 <b>Announcements</b>
    Send <code>/announce NAME</code> to see one and how many users it would reach; nothing goes out until you tap Send.
    Names: { $names }
announce-unknown = There is no announcement called “{ $name }”. The names: { $names }
announce-preview = 📣 <b>{ $name }</b>, as it reads in your language:
announce-audience = It would go to { $count ->
        [one] 1 active user
       *[other] { $count } active users
    } ({ $english } in English, { $korean } in Korean), at the broadcast pace. Nothing is sent until you tap Send.
announce-nobody = 📣 <b>{ $name }</b> would reach nobody: no user is active right now.
announce-send-button = Send to { $count }
announce-cancel-button = Cancel
announce-cancelled = Cancelled: nothing was sent.
announce-sending = 📣 Sending <b>{ $name }</b> to { $count ->
        [one] 1 user
       *[other] { $count } users
    } at the broadcast pace. I'll tell you when it's done.
announce-busy = An announcement is already on its way. Wait for its report first.
announce-already-sent = This preview of { $name } was sent already. To send it again, start over with /announce { $name }.
announce-done = 📣 <b>{ $name }</b> is done: { $sent } sent, { $blocked } had blocked the bot, { $failed } failed.
announce-stopped = 📣 <b>{ $name }</b> stopped with the bot: { $sent } sent, { $left } not sent. Sending it again would reach everyone again, those already sent included.

# The announcements themselves. Add one in every language, named announcement-NAME.

announcement-maintenance =
    🔧 <b>A short break for maintenance</b>
    Gut Coach is being updated today and may not answer for a little while. Your plan, check-ins and notes are safe, and reminders due meanwhile arrive when I'm back.
announcement-checking-in =
    👋 <b>Just checking in</b>
    Your plan is here whenever you're ready. Send /today for today's checklist, /progress to see how far you've come, or /pause if you need a break.
