"""The dispatcher (claims due reminders, sends, records outcomes) and the broadcast limiter."""
