## The /progress chart and the /export PDF report. Plain text: images and PDFs show no HTML.

chart-title = Week { $week } of { $weeks } · { $phase } phase
chart-title-over = Your { $weeks } weeks: plan complete
chart-week = Week
chart-done = Done
chart-skipped = Skipped
chart-missed = Missed
chart-today = Today
chart-ahead = Still to come
chart-off = Not on yet
chart-met = Week’s goal met
chart-no-habits = No habits are switched on.
chart-symptoms-title = How you feel (1 = worst, 5 = best)
chart-symptoms-axis = Week (0 = before you started)
chart-baseline = Start (dashed)
chart-no-ratings = No ratings yet. Your weekly check-ins will show here.
chart-no-checkins = Your weekly check-ins will show here.

pdf-title = Gut Coach progress report
pdf-started = Plan started { $date }
pdf-week = Week { $week } of { $weeks }
pdf-over = Plan complete ({ $weeks } weeks)
pdf-phase = Phase: { $phase }
pdf-as-of = As of { $date }
pdf-habits-title = Days done per plan week (done / target)
pdf-habit = Habit
pdf-week-short = W{ $week }
pdf-habits-note = * this week, still under way.   – not started yet.
pdf-scores-title = Habit summary
pdf-overall = Overall
pdf-this-week = This week
pdf-streak = Streak
pdf-best-streak = Best streak
pdf-strength = Taking root
pdf-percent = { $value }%
pdf-days = { $count ->
        [one] 1 day
       *[other] { $count } days
    }
pdf-weeks = { $count ->
        [one] 1 week
       *[other] { $count } weeks
    }
pdf-scores-note = Overall: days done against the plan's target so far. Streak: days in a row done (for a habit with a weekly target, weeks on target). Taking root (0–100%): grows with each done day and dips a little with a missed one; a skipped day leaves it unchanged.
pdf-symptoms-title = Symptom ratings (1 = worst, 5 = best)
pdf-symptom = Symptom
pdf-baseline = Start
pdf-no-ratings = No ratings yet.
pdf-no-habits = No habits are switched on.
pdf-page = Page { $page } of { $pages }
