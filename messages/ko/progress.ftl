## /progress, 주간 요약, 최종 리포트, /export, /delete.

progress-title = 📊 <b>나의 진행 상황</b>: { $weeks }주 중 { $week }주차, { $phase }
progress-title-over = 📊 <b>나의 { $weeks }주</b>, { $start } 시작
progress-habit = <b>{ $habit }</b>
progress-adherence = 이번 주 { $week } · 전체 { $overall }
progress-adherence-overall = 전체 { $overall }
progress-adherence-week = 이번 주 { $week }
progress-percent = { $value }%
progress-unknown = –
progress-streak-days = 🔥 { $streak }일 연속 (최고 { $best }일)
progress-streak-weeks = 🔥 { $streak }주 연속 목표 달성 (최고 { $best }주)
progress-best-days = 최고 { $best }일 연속
progress-best-weeks = 최고 { $best }주 연속 목표 달성
progress-strength = 🌱 습관 정착 { $strength }%
progress-not-started = 아직 시작 전이에요. 체크하는 하루하루가 쌓여요.
progress-parts = { $first } · { $second }
progress-symptoms = <b>몸 상태</b> (시작 → 최근)
progress-symptoms-none = /checkin 으로 이번 주를 평가하면 시작할 때와 비교해 드려요.
progress-no-habits = 켜진 습관이 없어요. /settings 에서 골라 주세요.
progress-footer = 🌱 습관 정착은 습관이 얼마나 자리 잡았는지 보여 줘요. 실천한 날마다 올라가고, 놓친 날은 조금 내려가며, 건너뛴 날은 그대로예요.
drawing-busy = ⏳ 지난번 차트나 리포트를 아직 만들고 있어요. 곧 보내 드릴게요.
progress-chart-caption = 한눈에 보는 플랜: 습관은 날마다, 몸 상태는 주마다.
progress-not-ready = 플랜이 시작되면 진행 상황을 보여 드려요. /start 로 초기 설정을 마쳐 주세요.

digest-title = 🗞 <b>주간 요약</b>
digest-footer = 차트는 /progress 로 볼 수 있어요. 이 요약은 /settings 에서 끌 수 있어요.

finale-adherence = <b>12주 동안의 습관</b>
finale-adherence-line = { $habit }: 플랜 목표의 { $overall }
finale-helped-title = <b>도움이 됐을 수 있는 것</b>
finale-helped = { $habits } 습관을 꾸준히 지켰고, { $symptoms } 점수가 좋아졌어요. 습관과 몸 상태가 함께 움직인 점은 눈여겨볼 만하지만, 무엇이 원인인지 증명하지는 못해요.
finale-helped-kept = { $habits } 습관을 꾸준히 지켰어요. 점수는 크게 변하지 않았어요. 12주보다 오래 걸리는 변화도 있고, 다른 원인이 있을 수도 있으니 의료진과 확인해 보세요.
finale-helped-improved = 습관을 매일 지키기는 어려웠지만 { $symptoms } 점수가 좋아졌어요.
finale-helped-none = 이번에는 습관을 지키기가 어려웠어요. 그것도 알아 두면 좋은 점이에요. 습관 하나로 작게 시작하는 편이 더 잘 되는 경우가 많아요.
finale-next-steps = <b>다음 단계</b>
    • 좋았던 습관은 이어 가세요. 식이섬유와 살아 있는 균은 음식으로 먹는 것이 오래가는 기본이에요.
    • 증상이 나아지지 않았다면 특히, 이 리포트(/export 로 PDF)를 의료진에게 보여 주세요.
    • B12 수치 검사가 필요한지 의료진과 상의해 보세요.
list-and = { $first }, { $second }

export-intro = 📦 제가 보관하는 모든 정보예요: 습관 기록, 메모, 증상 점수, 설정이 담긴 CSV 파일과 의료진에게 보여 줄 수 있는 PDF 리포트.
export-intro-csv = 📦 제가 보관하는 모든 정보예요: 답변과 설정이 담긴 CSV 파일. PDF 리포트는 플랜이 시작되면 받을 수 있어요.
export-nothing = 아직 보관 중인 정보가 없어요.
export-csv-caption = 내 데이터 (CSV)
export-pdf-caption = 진행 상황 리포트 (PDF)

delete-ask = 🗑 제가 보관하는 모든 정보를 삭제할까요? 답변, 습관 기록, 메모, 점수, 알림이 영구히 지워지고 되돌릴 수 없어요.
delete-confirm-button = 네, 모두 삭제
delete-cancel-button = 취소
delete-done = 삭제했어요. 보관하던 정보가 모두 지워졌어요. 다시 시작하려면 언제든 /start 를 보내 주세요.
delete-cancelled = 아무것도 삭제하지 않았어요.
delete-nothing = 보관 중인 정보가 없어요.

command-progress = 진행 상황과 차트
command-export = 내 데이터 내려받기
command-delete = 내 데이터 삭제
