## 알림과 버튼.

reminder-fermented = ⏰ <b>발효 식품</b> 먹을 시간이에요: 김치, 케피어, 사워크라우트, 살아있는 유산균 요구르트, 된장. 다양하게 먹을수록 좋아요. 이번 주 목표: { $servings }회.
reminder-fermented-no-natto = ⏰ <b>발효 식품</b> 먹을 시간이에요: 김치, 케피어, 사워크라우트, 살아있는 유산균 요구르트, 된장(낫토 제외). 이번 주 목표: { $servings }회.
reminder-fermented-small = 적은 양부터 시작하세요.
reminder-fiber = ⏰ <b>프리바이오틱 식이섬유</b> 시간이에요: 오늘은 약 { $grams }g, 양파, 귀리, 식힌 감자나 파우더로 챙겨요. 더부룩하면 천천히 늘리세요.
reminder-fiber-slow = 저항성 전분과 순한 음식부터 시작해요.
reminder-b12 = ⏰ <b>설하 B12</b> 시간이에요: 혀 밑에서 녹여 주세요. 용량은 제품 라벨이나 의료진 안내대로 하세요.
reminder-week = <i>12주 중 { $week }주차</i>
button-skip-today = 오늘은 건너뛰기
button-snooze = 나중에
button-snooze-30 = 30분 뒤
button-snooze-60 = 1시간 뒤
button-undo = 되돌리기
reminder-logged-done = ✓ { $habit }: { $day } 완료.
reminder-logged-skipped = { $day } { $habit }은(는) 건너뛰었어요. 내일 다시 해 봐요.
reminder-undone = 되돌렸어요. { $day } { $habit }을(를) 다시 기록할 수 있어요.
reminder-snoozed = 💤 { $time }에 { $habit } 알림을 다시 보내 드릴게요.
reminder-snooze-gone = 이 알림은 더 미룰 수 없어요.
reminder-too-old = 너무 지난 알림이라 지금은 바꿀 수 없어요.
reminder-snooze-ask = 💤 언제 다시 알려 드릴까요?
