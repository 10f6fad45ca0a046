"""One home for the helpers tests and benchmarks share.

- bot.py: the real bot in this process (RunningBot, FakeClock, settings, start and stop).
- databases.py: throwaway PostgreSQL databases, emptying one.
- flows.py: walking a fake user through the intake and other flows, as a person taps.
- seeding.py: rows written straight to a database (enrolled users, due reminders, clones).
- services.py: the services built as the bot builds them, for service-level tests.
- processes.py: the bot as a real `coach run` / `coach webhook` process.
- rows.py: reading back what the bot stored.
- views.py: progress views built by hand, for the chart and PDF tests.

The fake Bot API server lives in tests/fakebot/.
"""
