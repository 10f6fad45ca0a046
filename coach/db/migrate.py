"""Run Alembic migrations: the only way the schema is made, in tests too."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from coach.paths import MIGRATIONS_DIR


def alembic_config(database_url: str) -> Config:
    """An Alembic config for our migrations/ folder and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an ini option: ini interpolation would mangle '%' in passwords.
    config.attributes["database_url"] = database_url
    return config


def revisions() -> list[str]:
    """Every revision this version knows, the latest first."""
    scripts = ScriptDirectory.from_config(alembic_config(""))
    return [script.revision for script in scripts.walk_revisions()]


def upgrade_to_head(database_url: str) -> None:
    """`alembic upgrade head`. Blocking: it runs its own event loop, so call it off the loop."""
    command.upgrade(alembic_config(database_url), "head")


def move_to(database_url: str, current: str | None, target: str) -> None:
    """Upgrade or downgrade from `current` to `target`, both revisions this version knows.
    Blocking, like upgrade_to_head."""
    order = revisions()
    config = alembic_config(database_url)
    if current is None or order.index(target) < order.index(current):
        command.upgrade(config, target)
    elif target != current:
        command.downgrade(config, target)
