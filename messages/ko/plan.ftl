## /plan, 주간 체크인, 플랜 마무리.

plan-title = <b>내 플랜</b>
plan-phase = 단계: { $phase }
plan-fermented = • 발효 식품: 이번 주 { $servings }회, 어떤 종류든 괜찮아요.
plan-fermented-no-natto = • 발효 식품: 이번 주 { $servings }회, 낫토만 빼고 어떤 종류든 괜찮아요.
plan-fiber = • 프리바이오틱 식이섬유: 하루 약 { $grams }g.
plan-fiber-slow = • 프리바이오틱 식이섬유: 하루 약 { $grams }g, 천천히: 저항성 전분과 순한 음식부터(식힌 감자나 밥, 귀리), 양파·마늘·이눌린은 나중에.
plan-b12 = • 설하 B12: 매일, 용량은 제품 라벨이나 의료진 안내대로.
plan-b12-ask = 영양제는 먹기 전에 의료진과 상의하세요.
plan-ahead = <b>다가오는 주</b>
plan-ahead-line = { $week }주차: { $targets }
plan-ahead-fermented = 발효 식품 { $servings }회
plan-ahead-fiber = 식이섬유 하루 { $grams }g
plan-ahead-b12 = B12 매일
plan-over = 🎉 12주를 모두 마쳤어요. 같은 습관을 이어 갈지, 새 플랜을 시작할지 아래 버튼으로 골라 주세요.

weekly-title = 🗓 <b>{ $week }주차 체크인</b>
weekly-intro = 이번 주는 어떠셨나요? 항목마다 숫자를 눌러 주세요. 몇 초면 끝나요.
weekly-progress = 질문 { $step } / { $total }
weekly-compared = 처음과 비교하면:
weekly-thanks = 고마워요! 다음 주 목표는 /plan 에서 볼 수 있어요.
weekly-digestion-held-fermented-fiber = 이번 주 소화가 불편하셨으니 다음 주 식이섬유 목표는 약 { $grams }g으로 유지하고, 발효 식품도 늘리지 않을게요. 천천히 가요.
weekly-digestion-held-fiber = 이번 주 소화가 불편하셨으니 다음 주 식이섬유 목표는 약 { $grams }g으로 유지할게요. 천천히 가요.
weekly-digestion-held-fermented = 이번 주 소화가 불편하셨으니 다음 주 발효 식품은 늘리지 않을게요. 천천히 가요.
weekly-red-flags = 몇몇 점수가 많이 떨어졌어요. 혈변, 원인 모를 체중 감소, 심하거나 오래가는 통증, 계속되는 설사, 손발 저림이 있다면 바로 의료진을 찾아가세요.
symptom-change = { $symptom } { $before } → { $after } { $trend }
trend-up = ↑
trend-down = ↓
trend-same = =

finale-title = 🎉 <b>12주 플랜을 모두 마쳤어요!</b>
finale-compared = 처음과 지금을 비교하면:
finale-next = 이제 어떻게 할까요? 마지막 목표 그대로 같은 습관을 이어 가거나, 오늘부터 새 12주 플랜을 시작할 수 있어요.
button-maintenance = 계속 이어 가기
button-new-plan = 새 플랜 시작
finale-maintenance = 👍 유지 단계로 갈게요. 같은 습관, 마지막 목표 그대로, 더 늘리지 않아요.
finale-again = 🌱 오늘부터 새 12주 플랜이 시작돼요.
finale-again-confirm = 오늘부터 새 12주 플랜을 시작할까요? 습관 기록과 처음 매긴 점수는 남아서 새 주차와 비교해 얼마나 달라졌는지 보여 드려요. 이번 플랜의 주간 평가는 지워져요.
button-new-plan-confirm = 네, 새로 시작할게요
button-weekly-change = ✏️ 답 고치기
weekly-change-which = 어떤 답을 고칠까요?
weekly-rated = { $symptom }: { $score }
weekly-digestion-held-long = 소화가 { $weeks }주 연속 불편했어요. 그래서 플랜은 소화가 편해질 때까지 단계를 올리지 않고 기다리고 있어요. 서두를 필요는 없어요. 나아지지 않거나 이유가 궁금하면 의료진과 상담해 보세요.
