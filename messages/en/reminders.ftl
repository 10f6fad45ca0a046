## Reminders and their buttons.

reminder-fermented = ⏰ Time for <b>fermented foods</b>: kimchi, kefir, sauerkraut, live yogurt or miso. Variety helps. Goal this week: { $servings } servings.
reminder-fermented-no-natto = ⏰ Time for <b>fermented foods</b>: kimchi, kefir, sauerkraut, live yogurt or miso (no natto). Goal this week: { $servings } servings.
reminder-fermented-small = Start with a small serving.
reminder-fiber = ⏰ Time for <b>prebiotic fiber</b>: about { $grams } g today, from onions, oats, cooled potatoes or a powder. Go slowly if you feel bloated.
reminder-fiber-slow = Resistant starch and gentle foods first.
reminder-b12 = ⏰ Time for your <b>sublingual B12</b>: let it dissolve under your tongue. Dose as on the label or as your clinician advised.
reminder-week = <i>Week { $week } of 12</i>
button-skip-today = Skip today
button-snooze = Snooze
button-snooze-30 = 30 min
button-snooze-60 = 1 hour
button-undo = Undo
reminder-logged-done = ✓ { $habit }: done for { $day }.
reminder-logged-skipped = Skipped { $habit } for { $day }. Tomorrow is a new day.
reminder-undone = Undone. { $habit } for { $day } is open again.
reminder-snoozed = 💤 Snoozed. I'll remind you about { $habit } again at { $time }.
reminder-snooze-gone = This reminder can't be snoozed again.
reminder-too-old = That reminder is too old to change now.
reminder-snooze-ask = 💤 Remind me again in…
