## /plan, the weekly check-in and the plan's finale.

plan-title = <b>Your plan</b>
plan-phase = Phase: { $phase }
plan-fermented = • Fermented foods: { $servings } servings this week, any kind counts.
plan-fermented-no-natto = • Fermented foods: { $servings } servings this week, any kind but natto.
plan-fiber = • Prebiotic fiber: about { $grams } g a day.
plan-fiber-slow = • Prebiotic fiber: about { $grams } g a day, slowly: resistant starch and gentle foods first (cooled potatoes or rice, oats); onions, garlic and inulin later.
plan-b12 = • Sublingual B12: daily, dose as on the label or as your clinician advised.
plan-b12-ask = Ask your clinician before any supplement.
plan-ahead = <b>Coming up</b>
plan-ahead-line = Week { $week }: { $targets }
plan-ahead-fermented = { $servings } servings of fermented food
plan-ahead-fiber = { $grams } g fiber a day
plan-ahead-b12 = B12 daily
plan-over = 🎉 You've finished the 12 weeks. Keep going with the same habits, or start a new plan: tap a button below.

weekly-title = 🗓 <b>Week { $week } check-in</b>
weekly-intro = How was this week? Tap a number for each; it takes a few seconds.
weekly-progress = Question { $step } of { $total }
weekly-compared = Compared with when you started:
weekly-thanks = Thanks! Send /plan to see next week's targets.
weekly-digestion-held-fermented-fiber = Your digestion was uncomfortable this week, so next week's fiber target stays at about { $grams } g and fermented foods stay where they are. Go gently.
weekly-digestion-held-fiber = Your digestion was uncomfortable this week, so next week's fiber target stays at about { $grams } g. Go gently.
weekly-digestion-held-fermented = Your digestion was uncomfortable this week, so fermented foods stay where they are next week. Go gently.
weekly-red-flags = Some scores dropped a lot. If you notice blood in stool, unexplained weight loss, severe or lasting pain, persistent diarrhea, or numbness and tingling, please see a clinician promptly.
symptom-change = { $symptom } { $before } → { $after } { $trend }
trend-up = ↑
trend-down = ↓
trend-same = =

finale-title = 🎉 <b>You've finished the 12-week plan!</b>
finale-compared = Where you started, and where you are now:
finale-next = What next? Keep going with the same habits at your final targets, or start a new 12-week plan from today.
button-maintenance = Keep going
button-new-plan = Start a new plan
finale-maintenance = 👍 Maintenance it is: the same habits, your final targets, no more ramp.
finale-again = 🌱 A new 12-week plan starts today.
finale-again-confirm = Start a new 12-week plan from today? Your habit log and your very first ratings stay, so the new weeks show how far you've come. This plan's weekly ratings are cleared.
button-new-plan-confirm = Yes, start again
button-weekly-change = ✏️ Change an answer
weekly-change-which = Which answer would you like to change?
weekly-rated = { $symptom }: { $score }
weekly-digestion-held-long = Digestion has been uncomfortable for { $weeks } weeks in a row, so the plan is waiting for it to settle before it steps up. That's fine: there is no hurry. If it doesn't get better, or you're unsure why, please talk to a clinician.
