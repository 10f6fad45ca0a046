## /settings: change any intake answer later.

settings-title = <b>Your settings</b>
settings-language = Language: { $language }
settings-timezone = Time zone: { $zone }, now { $time }
settings-habit = { $habit }: { $time }
settings-habit-off = { $habit }: off
settings-safety = Health answers: { $answers }
settings-safety-none = none
settings-pick = What would you like to change?
button-settings-language = Language
button-settings-timezone = Time zone
button-settings-habits = Habits
button-settings-times = Reminder times
button-settings-safety = Health answers
button-close = Close
button-back = Back
settings-language-ask = Which language should I use?
settings-habits-ask = Tap a habit to switch it on or off. Reminders follow at once.
settings-times-ask = Which reminder would you like to move?
settings-safety-ask = Tap what applies to you. Your plan adjusts at once.
settings-saved = Saved. Reminders follow the change.
settings-closed = Settings closed. Send /settings any time.
settings-finish-intake = Let's finish setting up first: send /start.
