"""Where the non-Python parts of the project live (the project is installed editable)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MESSAGES_DIR = PROJECT_ROOT / "messages"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
PLAN_FILE = MESSAGES_DIR / "plan.toml"
