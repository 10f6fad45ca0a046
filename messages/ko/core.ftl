## 공통 문구: 인사, 건강 안내, 도움말, 명령 메뉴, 예외 응답.

disclaimer =
    <b>건강 안내</b>
    저는 일반적인 정보를 알려 드려요. 의학적 조언이 아니에요. 식단이나 영양제를 바꾸기 전에, 특히 질환이 있거나 약을 복용 중이라면 꼭 의료진과 상담하세요.

start-greeting =
    안녕하세요, { $name }님! 저는 Gut Coach예요. 12주 동안 장 건강에 좋은 세 가지 습관을 함께 만들어요: 발효 식품, 프리바이오틱 식이섬유, 설하 비타민 B12.

help =
    <b>할 수 있는 일</b>
    /today — 오늘의 습관 기록, 메모
    /plan — 이번 주 목표와 팁
    /checkin — 이번 주 컨디션 평가
    /progress — 진행 상황과 차트
    /export, /delete — 내 데이터 내려받기, 삭제
    /reminders, /pause, /resume — 알림 보기, 쉬기, 다시 받기
    /settings — 언어, 시간대, 습관, 알림 시간
    /start — 시작하거나 이어서 하기

    { disclaimer }

    혈변, 원인 모를 체중 감소, 심하거나 오래가는 통증, 계속되는 설사, 손발 저림이 있다면 바로 의료진을 찾아가세요.

unknown-command = 모르는 명령이에요. /help 를 보내면 할 수 있는 일을 알려 드려요.
unknown-text = 잘 이해하지 못했어요. /help 를 보내면 할 수 있는 일을 알려 드려요.
unsupported-message = 저는 글과 버튼만 읽을 수 있어요. /help 를 보내면 할 수 있는 일을 알려 드려요.
error-generic = 죄송해요, 제 쪽에서 문제가 생겼어요. 잠시 후 다시 시도해 주세요.

command-today = 오늘의 체크리스트
command-plan = 이번 주 목표와 팁
command-checkin = 주간 증상 체크인
command-start = 시작하거나 이어서 하기
command-help = 도움말과 건강 안내
command-settings = 언어, 시간, 습관 바꾸기
command-reminders = 내 알림 보기
command-pause = 알림 잠시 쉬기
command-resume = 알림 다시 받기
no-time = —

stats =
    📈 <b>오늘의 Gut Coach</b>
    사용자: { $users }
    진행 중인 플랜: { $active }
    완료한 플랜: { $completed }
    오늘 보낸 알림 (UTC): { $sent }
    오늘 실패하거나 차단된 알림: { $failed }

slow-down = 잠깐만요, 메시지가 한꺼번에 너무 많이 왔어요! 몇 초 뒤에 다시 답할게요.
group-private-only = 안녕하세요! 저는 한 사람씩 개인 채팅에서만 코칭해서, 여기서는 조용히 있을게요. 플랜을 시작하려면 저에게 직접 메시지를 보내 주세요: @{ $bot }
