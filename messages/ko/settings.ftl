## /settings: 첫 설정의 답을 나중에 바꾸기.

settings-title = <b>내 설정</b>
settings-language = 언어: { $language }
settings-timezone = 시간대: { $zone }, 지금 { $time }
settings-habit = { $habit }: { $time }
settings-habit-off = { $habit }: 꺼짐
settings-safety = 건강 관련 답변: { $answers }
settings-safety-none = 없음
settings-pick = 무엇을 바꿀까요?
button-settings-language = 언어
button-settings-timezone = 시간대
button-settings-habits = 습관
button-settings-times = 알림 시간
button-settings-safety = 건강 관련 답변
button-close = 닫기
button-back = 뒤로
settings-language-ask = 어떤 언어로 안내할까요?
settings-habits-ask = 습관을 눌러 켜거나 끄세요. 알림에 바로 반영돼요.
settings-times-ask = 어떤 알림 시간을 바꿀까요?
settings-safety-ask = 해당하는 것을 눌러 주세요. 계획이 바로 조정돼요.
settings-saved = 저장했어요. 알림에 바로 반영돼요.
settings-closed = 설정을 닫았어요. 언제든 /settings 를 보내 주세요.
settings-finish-intake = 먼저 첫 설정을 마쳐 주세요: /start 를 보내 주세요.
