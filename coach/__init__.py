"""Gut Coach: a Telegram bot that coaches a 12-week gut-health plan."""

from importlib.metadata import PackageNotFoundError, version

try:  # one source of the version: pyproject.toml, through the installed package's metadata
    __version__ = version("gut-coach")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
