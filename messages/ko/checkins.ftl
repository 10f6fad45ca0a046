## 기록: 후속 질문, /today, 메모, 적응 규칙.

habit-short-fermented = 발효 식품
habit-short-fiber = 식이섬유
habit-short-b12 = B12
check-mark-done = ✓ { $habit }
check-mark-skipped = – { $habit }
check-mark-open = ○ { $habit }

food-kimchi = 김치
food-kefir = 케피어
food-sauerkraut = 사워크라우트
food-yogurt = 생요구르트
food-miso = 된장·미소
food-natto = 낫토
food-other = 기타
amount-less = 적게
amount-target = 목표만큼
amount-more = 많이
amount-too-much = 😣 너무 많아요

checkin-answer = 기록: { $answer }.
checkin-which-food = 어떤 걸 드셨나요? 고르지 않아도 괜찮아요. 어느 것이든 1회로 기록돼요.
checkin-how-much = 오늘 목표 약 { $grams }g과 비교하면 얼마나 드셨나요?
checkin-note-shown = 📝 <i>{ $note }</i>
button-note = 📝 메모

tolerance-gentle = 며칠은 천천히 줄이면서 장이 편해지도록 해 주세요.
tolerance-fiber-held = 알겠어요. 장이 적응할 수 있게 다음 주 식이섬유 목표는 늘리지 않고 약 { $grams }g으로 유지할게요.
tolerance-fiber-back = 알겠어요. 장이 적응할 수 있게 다음 주 식이섬유 목표를 약 { $grams }g으로 한 단계 낮출게요.
tolerance-fermented-held = 알겠어요. 장이 적응할 수 있게 다음 주 목표는 늘리지 않고 { $servings }회로 유지할게요.
tolerance-fermented-back = 알겠어요. 장이 적응할 수 있게 다음 주 목표를 { $servings }회로 한 단계 낮출게요.
reminder-fiber-held = 장이 편해지도록 지난주 양을 유지해요.
reminder-fiber-back = 장이 편해지도록 지난주보다 한 단계 낮췄어요.
reminder-fermented-held = 장이 편해지도록 지난주 목표를 유지해요.
reminder-fermented-back = 장이 편해지도록 지난주보다 한 단계 낮췄어요.

week-of-plan = <i>{ $weeks }주 중 { $week }주차</i>
week-maintenance = <i>유지 단계: 마지막 목표 그대로, 더 늘리지 않아요</i>

today-title = <b>오늘, { $day }</b>
today-title-past = <b>{ $day }</b> (지난 날 기록)
today-no-habits = 켜진 습관이 없어요. /settings 에서 켜 주세요.
today-line-done = ✓ { $habit }
today-line-answer = : { $answer }
today-line-skipped = – { $habit }: 건너뜀
today-line-open = ○ { $habit }
today-line-open-fiber = ○ { $habit }: 약 { $grams }g
today-hint = 마친 습관을 눌러 기록하세요. 체크된 습관을 누르면 바꾸거나 메모를 남길 수 있어요.
button-earlier-day = ◀ 전날
button-later-day = 다음 날 ▶
button-today = 오늘 ▶

note-ask = 📝 { $day } { $habit }에 대한 짧은 메모를 남겨 주세요. 무엇을 먹었는지, 장은 어땠는지요. { $limit }자까지 쓸 수 있어요.
note-invalid = 메모는 { $limit }자 이내로 써 주세요.
note-gone = 그 기록이 취소되어 메모를 붙일 곳이 없어요.
note-saved = 📝 { $day } { $habit } 메모를 저장했어요.
