## Check-ins: the follow-up questions, /today, notes and the tolerance rule.

habit-short-fermented = Fermented
habit-short-fiber = Fiber
habit-short-b12 = B12
check-mark-done = ✓ { $habit }
check-mark-skipped = – { $habit }
check-mark-open = ○ { $habit }

food-kimchi = Kimchi
food-kefir = Kefir
food-sauerkraut = Sauerkraut
food-yogurt = Live yogurt
food-miso = Miso
food-natto = Natto
food-other = Something else
amount-less = Less
amount-target = On target
amount-more = More
amount-too-much = 😣 Too much

checkin-answer = Logged: { $answer }.
checkin-which-food = Which one? (optional, any of them counts)
checkin-how-much = How much, against today's target of about { $grams } g?
checkin-note-shown = 📝 <i>{ $note }</i>
button-note = 📝 Note

tolerance-gentle = Go gently: ease off for a few days and let your gut settle.
tolerance-fiber-held = Noted. Next week your fiber target stays at about { $grams } g instead of rising, so your gut can adapt.
tolerance-fiber-back = Noted. Next week your fiber target steps back to about { $grams } g, so your gut can adapt.
tolerance-fermented-held = Noted. Next week's goal stays at { $servings } servings instead of rising, so your gut can adapt.
tolerance-fermented-back = Noted. Next week's goal steps back to { $servings } servings, so your gut can adapt.
reminder-fiber-held = Held at last week's amount, so your gut can settle.
reminder-fiber-back = A step lower than last week, so your gut can settle.
reminder-fermented-held = Held at last week's goal, so your gut can settle.
reminder-fermented-back = A step lower than last week, so your gut can settle.

week-of-plan = <i>Week { $week } of { $weeks }</i>
week-maintenance = <i>Maintenance: your final targets, no ramp</i>

today-title = <b>Today, { $day }</b>
today-title-past = <b>{ $day }</b> (logging a past day)
today-no-habits = No habits are on. Switch one on in /settings.
today-line-done = ✓ { $habit }
today-line-answer = : { $answer }
today-line-skipped = – { $habit }: skipped
today-line-open = ○ { $habit }
today-line-open-fiber = ○ { $habit }: about { $grams } g
today-hint = Tap a habit when it's done. Tap a ticked one to change it or add a note.
button-earlier-day = ◀ Day before
button-later-day = Next day ▶
button-today = Today ▶

note-ask = 📝 Write a short note about { $habit } on { $day }: what you ate, how your gut felt. Up to { $limit } characters.
note-invalid = Please keep the note to { $limit } characters or fewer.
note-gone = That log was undone, so there was nothing to attach the note to.
note-saved = 📝 Saved your note on { $habit } for { $day }.
