## Shared lines: greeting, disclaimer, help, command menu, fallbacks.

disclaimer =
    <b>Health note</b>
    I share general information, not medical advice. Please talk to a qualified health professional before changing your diet or supplements, especially if you have a medical condition or take medication.

start-greeting =
    Hi { $name }! I'm Gut Coach. I help you build three gut-friendly habits over 12 weeks: fermented foods, prebiotic fiber and sublingual vitamin B12.

help =
    <b>What I can do</b>
    /today — tick off habits, add notes
    /plan — this week's targets and tip
    /checkin — rate your week
    /progress — how you're doing, with a chart
    /export, /delete — download or erase your data
    /reminders, /pause, /resume — your reminders
    /settings — language, zone, habits, times
    /start — begin or continue

    { disclaimer }

    See a clinician promptly for blood in stool, unexplained weight loss, severe or lasting pain, persistent diarrhea, or numbness and tingling.

unknown-command = I don't know that command. Send /help to see what I can do.
unknown-text = I didn't catch that. Send /help to see what I can do.
unsupported-message = I can only read text and button taps. Send /help to see what I can do.
error-generic = Sorry, something went wrong on my side. Please try again in a moment.

command-today = Today's checklist
command-plan = This week's targets and tip
command-checkin = Weekly symptom check-in
command-start = Begin or continue
command-help = Help and health note
command-settings = Change language, times, habits
command-reminders = Your reminders
command-pause = Pause reminders
command-resume = Resume reminders
no-time = —

stats =
    📈 <b>Gut Coach today</b>
    Users: { $users }
    Active plans: { $active }
    Completed plans: { $completed }
    Reminders sent today (UTC): { $sent }
    Failed or blocked today: { $failed }

slow-down = Whoa, that's a lot at once! I'll pick up again in a few seconds.
group-private-only = Hi! I coach one person at a time, in a private chat, so I'll stay quiet here. To start your plan, message me directly: @{ $bot }
