# /announce, ADMIN_IDS 전용: 이 카탈로그의 메시지를 활성 사용자 모두에게 보내요.

announce-usage =
    📣 <b>공지</b>
    <code>/announce 이름</code>을 보내면 공지 내용과 받을 사용자 수를 보여 드려요. 보내기를 누르기 전에는 아무것도 나가지 않아요.
    이름: { $names }
announce-unknown = “{ $name }”라는 공지는 없어요. 있는 이름: { $names }
announce-preview = 📣 <b>{ $name }</b>, 관리자님 언어로 보면:
announce-audience = 활성 사용자 { $count }명에게 갈 거예요(영어 { $english }명, 한국어 { $korean }명). 브로드캐스트 속도로 보내요. 보내기를 누르기 전에는 아무것도 나가지 않아요.
announce-nobody = 📣 <b>{ $name }</b>: 지금 활성 사용자가 없어서 받을 사람이 없어요.
announce-send-button = { $count }명에게 보내기
announce-cancel-button = 취소
announce-cancelled = 취소했어요. 아무것도 보내지 않았어요.
announce-sending = 📣 <b>{ $name }</b> 공지를 { $count }명에게 브로드캐스트 속도로 보내는 중이에요. 끝나면 알려 드릴게요.
announce-busy = 다른 공지를 보내는 중이에요. 그 보고를 먼저 기다려 주세요.
announce-already-sent = 이 미리보기의 { $name } 공지는 이미 보냈어요. 다시 보내려면 /announce { $name } 부터 새로 시작해 주세요.
announce-done = 📣 <b>{ $name }</b> 완료: { $sent }명에게 보냈고, { $blocked }명은 봇을 차단했고, { $failed }명은 실패했어요.
announce-stopped = 📣 <b>{ $name }</b>: 봇이 멈춰서 중단됐어요. { $sent }명에게 보냈고 { $left }명에게는 못 보냈어요. 다시 보내면 이미 받은 사람까지 모두에게 다시 가요.

# 공지 자체. 모든 언어에 announcement-이름 으로 추가하세요.

announcement-maintenance =
    🔧 <b>잠시 점검 중이에요</b>
    오늘 Gut Coach를 업데이트하느라 잠시 답하지 못할 수 있어요. 플랜, 체크인, 메모는 안전하게 남아 있고, 그동안 온 알림은 제가 돌아오면 도착해요.
announcement-checking-in =
    👋 <b>잘 지내고 계신가요?</b>
    준비되시면 언제든 플랜이 기다리고 있어요. 오늘의 체크리스트는 /today, 지금까지의 변화는 /progress, 쉬고 싶으시면 /pause를 보내 주세요.
