## The intake: one short question per message.

language-name-en = English
language-name-ko = 한국어

habit-fermented = Fermented foods
habit-fiber = Prebiotic fiber
habit-b12 = Sublingual B12

symptom-energy = Energy
symptom-clarity = Mental clarity
symptom-digestion = Digestion comfort
symptom-mood = Mood
symptom-nails = Nails

safety-blood_thinner = Blood thinner
safety-histamine = Histamine issues
safety-ibs = IBS / FODMAP
safety-pregnant_or_minor = Pregnant/nursing/≤17

toggle-on = ✅ { $label }
toggle-off = ▫️ { $label }
answered = ✓ { $answer }

intake-progress = <i>Step { $step } of { $total }</i>

intake-language-ask = Which language should I use?

intake-consent-ask =
    Before we begin, please read this:

    { disclaimer }

    Shall we go on?
button-agree = Agree
button-not-now = Not now
intake-declined = No problem. I've kept only your language, nothing else. Send /start whenever you'd like to begin.

intake-timezone-ask =
    Which time zone are you in? I need it to remind you at the right local time.

    Tap <b>Share my location</b> or a city below, or type a city (Seoul, New York), a zone (Asia/Seoul) or a UTC offset (UTC+9).
button-share-location = 📍 Share my location
zone-seoul = Seoul
zone-tokyo = Tokyo
zone-new-york = New York
zone-chicago = Chicago
zone-los-angeles = Los Angeles
zone-london = London
zone-berlin = Berlin
zone-sydney = Sydney
intake-timezone-invalid = I couldn't find that time zone. Try a city (Berlin), a zone (Europe/Berlin) or an offset (UTC+1).
intake-location-invalid = I couldn't tell the time zone from that location. Please tap a city or type one.
intake-timezone-confirm = Time zone set: { $zone }. Your local time now is <b>{ $time }</b>.

intake-safety-ask =
    Do any of these apply to you? Tap all that apply, then <b>Done</b>.

    • you take a blood thinner such as warfarin
    • histamine intolerance
    • IBS or sensitivity to FODMAPs
    • pregnant or breastfeeding, or under 18
button-safety-none = None of these
intake-safety-none-ticked = You have ticked something here, so I kept it. Untick anything that doesn't apply, then tap Done.
button-done = Done
intake-safety-unchanged = Thanks. Nothing in the plan needs to change for you.
intake-safety-changed = <b>I've adjusted your plan:</b>
safety-change-blood_thinner = • No natto suggestions: natto is very high in vitamin K2, which can change how blood thinners work. Please ask your clinician before changing your diet.
safety-change-histamine = • Fermented foods can trigger histamine symptoms, so start with a small serving. You may also leave that habit off.
safety-change-ibs = • Inulin can bloat, so your fiber ramps up more slowly, with resistant starch and gentle foods first.
safety-change-pregnant_or_minor = • Please ask a clinician before taking any supplement, including B12.

intake-habits-ask = Which habits should I coach? All three are on; tap one to switch it off, then <b>Continue</b>.
intake-habits-histamine-hint = With histamine intolerance you may prefer to switch fermented foods off.
button-continue = Continue
intake-habits-none = Please keep at least one habit on.

intake-time-ask = When should I remind you about <b>{ $habit }</b>? Tap a time or choose <b>Other time</b>.
preset-waking = On waking { $time }
preset-breakfast = Breakfast { $time }
preset-lunch = Lunch { $time }
preset-dinner = Dinner { $time }
button-other-time = Other time
intake-time-type = Type a time for { $habit }, like 8:15, 8:15 pm or 20:15.
intake-time-invalid = I couldn't read that time. Try 8:15, 8am or 20:15.
intake-time-set = { $habit }: { $time }

intake-baseline-intro = Last step: how do you feel these days? Rate each from 1 (poor) to 5 (great). We'll compare against this for 12 weeks.
baseline-energy = <b>Energy</b>: 1 = exhausted, 5 = full of energy
baseline-clarity = <b>Mental clarity</b>: 1 = very foggy, 5 = sharp
baseline-digestion = <b>Digestion comfort</b>: 1 = often bloated, 5 = comfortable
baseline-mood = <b>Mood</b>: 1 = low, 5 = great
baseline-nails = <b>Nails</b>: 1 = brittle, 5 = strong

summary-title = <b>Your plan is set!</b> Week 1 of { $weeks } starts today, { $date }. Phase: { phase-start }.
summary-title-later = <b>Your plan:</b> week { $week } of { $weeks }. Phase: { $phase }.
phase-start = start low
phase-build = build
phase-sustain = sustain
summary-fermented = • { habit-fermented } at { $time }: { $servings } servings this week
summary-fermented-small = , small ones to start
summary-fermented-no-natto = , no natto
summary-fiber = • { habit-fiber } at { $time }: about { $grams } g a day
summary-fiber-slow = , ramping slowly
summary-b12 = • { habit-b12 } at { $time }: daily, dose as on the label or as your clinician advised
summary-b12-ask = . Ask a clinician before you start.
summary-footer =
    I'll remind you at these times. Change anything with /settings.

    <i>General information, not medical advice. Check with a clinician before changing your diet or supplements.</i>

restart-in-progress = You're partway through setup. Continue where you left off, or start over?
restart-done = Your plan is running: week { $week } of { $weeks }. Continue, or start over?
button-start-over = Start over
restart-confirm = Start over? This erases your answers, starting ratings and reminders.
button-confirm-start-over = Yes, erase
button-keep = No, keep them
restart-kept = Kept everything as it was.

tap-stale = That button is from an earlier question. Please use the latest message.
tap-unknown = That button no longer works. Send /start to carry on.
intake-use-buttons = Please tap one of the buttons on the question above. Lost it? Send /start and tap Continue.
intake-time-which = Which time for { $habit }?
summary-first = Your first reminder comes { $when }: { $habit }. You can tick habits any time with /today.
