## 첫 설정: 메시지 하나에 짧은 질문 하나.

language-name-en = English
language-name-ko = 한국어

habit-fermented = 발효 식품
habit-fiber = 프리바이오틱 식이섬유
habit-b12 = 설하 비타민 B12

symptom-energy = 활력
symptom-clarity = 머리 맑음
symptom-digestion = 소화 편안함
symptom-mood = 기분
symptom-nails = 손톱

safety-blood_thinner = 항응고제 복용
safety-histamine = 히스타민 불내증
safety-ibs = 과민성 대장 / FODMAP
safety-pregnant_or_minor = 임신·수유 / 18세 미만

toggle-on = ✅ { $label }
toggle-off = ▫️ { $label }
answered = ✓ { $answer }

intake-progress = <i>{ $total }단계 중 { $step }단계</i>

intake-language-ask = 어떤 언어로 안내할까요?

intake-consent-ask =
    시작하기 전에 꼭 읽어 주세요:

    { disclaimer }

    이 내용에 동의하고 계속할까요?
button-agree = 동의해요
button-not-now = 다음에 할게요
intake-declined = 괜찮아요. 언어 설정 외에는 아무것도 저장하지 않았어요. 시작하고 싶을 때 /start 를 보내 주세요.

intake-timezone-ask =
    어느 시간대에 계신가요? 현지 시간에 맞춰 알림을 보내려면 필요해요.

    <b>내 위치 보내기</b>나 아래 도시를 누르거나, 도시(서울, 뉴욕), 시간대(Asia/Seoul), UTC 오프셋(UTC+9)을 입력해 주세요.
button-share-location = 📍 내 위치 보내기
zone-seoul = 서울
zone-tokyo = 도쿄
zone-new-york = 뉴욕
zone-chicago = 시카고
zone-los-angeles = 로스앤젤레스
zone-london = 런던
zone-berlin = 베를린
zone-sydney = 시드니
intake-timezone-invalid = 그 시간대를 찾지 못했어요. 도시(서울), 시간대(Asia/Seoul), 오프셋(UTC+9) 중 하나로 입력해 주세요.
intake-location-invalid = 그 위치로는 시간대를 알 수 없었어요. 도시를 누르거나 입력해 주세요.
intake-timezone-confirm = 시간대를 정했어요: { $zone }. 지금 현지 시각: <b>{ $time }</b>

intake-safety-ask =
    아래 중 해당하는 것이 있나요? 해당하는 항목을 모두 누른 뒤 <b>완료</b>를 눌러 주세요.

    • 와파린 같은 항응고제를 복용 중
    • 히스타민 불내증
    • 과민성 대장 증후군(IBS) 또는 FODMAP 민감
    • 임신 또는 수유 중, 또는 18세 미만
button-safety-none = 해당 없음
intake-safety-none-ticked = 이미 선택한 항목이 있어서 그대로 두었어요. 해당하지 않는 항목은 선택을 해제한 뒤 완료를 눌러 주세요.
button-done = 완료
intake-safety-unchanged = 고마워요. 플랜에서 바꿀 부분은 없어요.
intake-safety-changed = <b>플랜을 이렇게 조정했어요:</b>
safety-change-blood_thinner = • 낫토는 추천하지 않아요. 낫토에는 비타민 K2가 매우 많아 항응고제 작용에 영향을 줄 수 있어요. 식단을 바꾸기 전에 담당 의료진과 상의하세요.
safety-change-histamine = • 발효 식품은 히스타민 증상을 일으킬 수 있어서 적은 양부터 시작해요. 이 습관을 끄셔도 괜찮아요.
safety-change-ibs = • 이눌린은 더부룩함을 줄 수 있어서 식이섬유를 더 천천히 늘리고, 저항성 전분과 순한 음식부터 시작해요.
safety-change-pregnant_or_minor = • B12를 포함한 영양제는 복용 전에 꼭 의료진과 상의하세요.

intake-habits-ask = 어떤 습관을 함께할까요? 세 가지 모두 켜져 있어요. 끄려면 눌러 주시고, 다 되면 <b>계속</b>을 눌러 주세요.
intake-habits-histamine-hint = 히스타민 불내증이 있다면 발효 식품은 꺼 두어도 좋아요.
button-continue = 계속
intake-habits-none = 습관을 하나 이상 켜 주세요.

intake-time-ask = <b>{ $habit }</b> 알림을 언제 보내 드릴까요? 시간을 누르거나 <b>다른 시간</b>을 골라 주세요.
preset-waking = 기상 직후 { $time }
preset-breakfast = 아침 식사 { $time }
preset-lunch = 점심 식사 { $time }
preset-dinner = 저녁 식사 { $time }
button-other-time = 다른 시간
intake-time-type = { $habit } 알림 시간을 입력해 주세요. 예: 8:15, 저녁 7시 반, 20:15
intake-time-invalid = 시간을 읽지 못했어요. 8:15, 오전 8시, 20:15처럼 입력해 주세요.
intake-time-set = { $habit }: { $time }

intake-baseline-intro = 마지막 단계예요. 요즘 상태는 어떤가요? 1(나쁨)부터 5(좋음)까지 골라 주세요. 12주 동안 이 값과 비교해요.
baseline-energy = <b>활력</b>: 1 = 몹시 지침, 5 = 활력이 넘침
baseline-clarity = <b>머리 맑음</b>: 1 = 매우 멍함, 5 = 또렷함
baseline-digestion = <b>소화 편안함</b>: 1 = 자주 더부룩함, 5 = 편안함
baseline-mood = <b>기분</b>: 1 = 가라앉음, 5 = 아주 좋음
baseline-nails = <b>손톱</b>: 1 = 잘 부러짐, 5 = 튼튼함

summary-title = <b>플랜이 준비됐어요!</b> { $date } 오늘부터 { $weeks }주 플랜의 첫 주가 시작돼요. 단계: { phase-start }.
summary-title-later = <b>내 플랜:</b> { $weeks }주 중 { $week }주차. 단계: { $phase }.
phase-start = 가볍게 시작
phase-build = 늘려 가기
phase-sustain = 꾸준히 유지
summary-fermented = • { habit-fermented } { $time }: 이번 주 { $servings }회
summary-fermented-small = , 처음엔 적은 양으로
summary-fermented-no-natto = , 낫토 제외
summary-fiber = • { habit-fiber } { $time }: 하루 약 { $grams }g
summary-fiber-slow = , 천천히 늘리기
summary-b12 = • { habit-b12 } { $time }: 매일, 용량은 제품 라벨이나 의료진 안내대로
summary-b12-ask = . 시작 전에 의료진과 상의하세요.
summary-footer =
    이 시간에 알려 드릴게요. 바꾸고 싶으면 /settings 를 보내 주세요.

    <i>일반 정보이며 의학적 조언이 아니에요. 식단이나 영양제를 바꾸기 전에 의료진과 상의하세요.</i>

restart-in-progress = 설정을 진행하는 중이에요. 이어서 할까요, 처음부터 다시 할까요?
restart-done = 플랜이 진행 중이에요: { $weeks }주 중 { $week }주차. 계속할까요, 처음부터 다시 할까요?
button-start-over = 처음부터 다시
restart-confirm = 처음부터 다시 할까요? 답변, 처음 매긴 점수, 알림이 모두 지워져요.
button-confirm-start-over = 네, 지울게요
button-keep = 아니요, 그대로 둘게요
restart-kept = 그대로 두었어요.

tap-stale = 이전 질문의 버튼이에요. 가장 최근 메시지를 이용해 주세요.
tap-unknown = 더 이상 쓸 수 없는 버튼이에요. /start 를 보내 이어서 하세요.
intake-use-buttons = 위 질문의 버튼 중 하나를 눌러 주세요. 질문이 안 보이면 /start 를 보낸 뒤 계속을 누르면 돼요.
intake-time-which = { $habit } 알림은 몇 시로 할까요?
summary-first = 첫 알림은 { $when }에 와요: { $habit }. 습관은 /today 로 언제든 체크할 수 있어요.
