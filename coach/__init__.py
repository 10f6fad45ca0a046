"""Gut Coach: a Telegram bot that coaches a 12-week gut-health plan."""

__version__ = "0.1.0"
