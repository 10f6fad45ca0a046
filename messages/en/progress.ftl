## /progress, the weekly digest, the final report, /export and /delete.

progress-title = 📊 <b>Your progress</b>: week { $week } of { $weeks }, { $phase }
progress-title-over = 📊 <b>Your { $weeks } weeks</b>, from { $start }
progress-habit = <b>{ $habit }</b>
progress-adherence = This week { $week } · overall { $overall }
progress-adherence-overall = Overall { $overall }
progress-adherence-week = This week { $week }
progress-percent = { $value }%
progress-unknown = –
progress-streak-days = 🔥 { $streak ->
        [one] 1 day
       *[other] { $streak } days
    } in a row (best { $best })
progress-streak-weeks = 🔥 { $streak ->
        [one] 1 week
       *[other] { $streak } weeks
    } on target (best { $best })
progress-best-days = Best run: { $best ->
        [one] 1 day
       *[other] { $best } days
    }
progress-best-weeks = Best run: { $best ->
        [one] 1 week
       *[other] { $best } weeks
    } on target
progress-strength = 🌱 Taking root { $strength }%
progress-not-started = Not started yet: each day you tick counts.
progress-parts = { $first } · { $second }
progress-symptoms = <b>How you feel</b> (start → latest)
progress-symptoms-none = Rate your week with /checkin to compare how you feel with the start.
progress-no-habits = No habits are switched on. Choose them in /settings.
progress-footer = 🌱 shows how well a habit is taking root: it grows with each done day, a missed day lowers it a little, and a skipped day leaves it as it was.
drawing-busy = ⏳ Still working on your last chart or report: it will arrive in a moment.
progress-chart-caption = Your plan at a glance: each habit day by day, and how you feel week by week.
progress-not-ready = Your progress shows once your plan has started. Send /start to finish the intake.

digest-title = 🗞 <b>Your weekly summary</b>
digest-footer = Send /progress for the chart. You can turn this summary off in /settings.

finale-adherence = <b>Your habits over 12 weeks</b>
finale-adherence-line = { $habit }: { $overall } of the plan's target
finale-helped-title = <b>What seemed to help</b>
finale-helped = You kept up { $habits } most of the time, and { $symptoms } improved. Habits and feelings moving together is worth noticing, though it can't prove what caused what.
finale-helped-kept = You kept up { $habits } most of the time. Your scores didn't change much; some changes take longer than 12 weeks, and some have other causes worth checking with a clinician.
finale-helped-improved = { $symptoms } improved, even though the habits were hard to keep every day.
finale-helped-none = The habits were hard to keep this time, and that's useful to know: a smaller start with one habit often works better.
finale-next-steps = <b>Next steps</b>
    • Keep the habits that felt good; food sources of fiber and live cultures are the long-term base.
    • Bring this report (send /export for a PDF) to your clinician, especially if symptoms haven't improved.
    • Ask your clinician whether checking your B12 level makes sense for you.
list-and = { $first } and { $second }

export-intro = 📦 Here is everything I keep about you: a CSV file with your habit log, notes, symptom scores and settings, and a PDF report you can show your clinician.
export-intro-csv = 📦 Here is everything I keep about you: a CSV file with your answers and settings. The PDF report comes once your plan has started.
export-nothing = I don't have any data about you yet.
export-csv-caption = Your data (CSV)
export-pdf-caption = Your progress report (PDF)

delete-ask = 🗑 Delete everything I keep about you? Your answers, habit log, notes, scores and reminders are erased for good. This can't be undone.
delete-confirm-button = Yes, delete everything
delete-cancel-button = Cancel
delete-done = Done: everything about you is deleted. Send /start if you ever want to begin again.
delete-cancelled = Nothing was deleted.
delete-nothing = I don't have any data about you.

command-progress = How you're doing, with a chart
command-export = Download your data
command-delete = Delete your data
