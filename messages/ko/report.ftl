## /progress 차트와 /export PDF 리포트. 이미지와 PDF에는 HTML이 보이지 않으니 일반 텍스트로.

chart-title = { $weeks }주 중 { $week }주차 · { $phase } 단계
chart-title-over = { $weeks }주 플랜을 마쳤어요
chart-week = 주차
chart-done = 완료
chart-skipped = 건너뜀
chart-missed = 놓침
chart-today = 오늘
chart-ahead = 남은 날
chart-off = 켜기 전
chart-met = 주간 목표 달성
chart-no-habits = 켜진 습관이 없어요.
chart-symptoms-title = 몸 상태 (1 = 가장 나쁨, 5 = 가장 좋음)
chart-symptoms-axis = 주차 (0 = 시작 전)
chart-baseline = 시작 전 (점선)
chart-no-ratings = 아직 평가가 없어요. 주간 체크인을 하면 여기에 나타나요.
chart-no-checkins = 주간 체크인을 하면 여기에 나타나요.

pdf-title = Gut Coach 진행 상황 리포트
pdf-started = 플랜 시작일: { $date }
pdf-week = { $weeks }주 중 { $week }주차
pdf-over = 플랜 완료 ({ $weeks }주)
pdf-phase = 단계: { $phase }
pdf-as-of = 기준일: { $date }
pdf-habits-title = 플랜 주차별 실천한 날 (실천 / 목표)
pdf-habit = 습관
pdf-week-short = { $week }주
pdf-habits-note = * 진행 중인 이번 주.   – 아직 시작하지 않은 주.
pdf-scores-title = 습관 요약
pdf-overall = 전체
pdf-this-week = 이번 주
pdf-streak = 연속
pdf-best-streak = 최고 연속
pdf-strength = 습관 정착
pdf-percent = { $value }%
pdf-days = { $count }일
pdf-weeks = { $count }주
pdf-scores-note = 전체: 지금까지 플랜 목표 대비 실천한 날의 비율. 연속: 이어서 실천한 날 수(주 단위 목표가 있는 습관은 목표를 채운 주 수). 습관 정착(0–100%): 실천한 날마다 올라가고 놓친 날에는 조금 내려가며, 건너뛴 날에는 그대로예요.
pdf-symptoms-title = 증상 점수 (1 = 가장 나쁨, 5 = 가장 좋음)
pdf-symptom = 항목
pdf-baseline = 시작 전
pdf-no-ratings = 아직 평가가 없어요.
pdf-no-habits = 켜진 습관이 없어요.
pdf-page = { $page } / { $pages }쪽
