"""The deployment files in deploy/, checked without Docker, systemd or Caddy.

compose.yaml is read with PyYAML, the Dockerfile with a small line-based reader, the systemd
unit with configparser, and .env.example against coach.config.Settings.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
CADDYFILE = DEPLOY / "Caddyfile"
UNIT_FILE = DEPLOY / "gut-coach.service"
ENV_EXAMPLE = DEPLOY / ".env.example"

METRICS_PORT = 8321
WEBHOOK_PORT = 8080
BOT_SERVICES = ("bot1", "bot2")
SERVICES = ("postgres", "migrate", *BOT_SERVICES, "proxy")
MIN_STOP_GRACE_SECONDS = 15  # the bot needs up to 10 s to finish and release its reminders

# Every variable the bot's command line documents, whether or not Settings has it yet.
BOT_VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "DATABASE_URL",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "ADMIN_IDS",
    "DEFAULT_LANGUAGE",
    "TELEGRAM_API_URL",
    "WEBHOOK_URL",
    "WEBHOOK_PATH",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_SECRET",
    "METRICS_LISTEN",
    "METRICS_PORT",
    "REMINDER_GRACE_MINUTES",
    "BROADCAST_RATE",
    "DELIVERY_LEASE_SECONDS",
)
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")

DOCKERFILE_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
ROOT_USERS = frozenset({"root", "0"})


# ---- readers ----


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines; blank lines and lines starting with # are skipped. Duplicates fail."""
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), f"{path.name}:{number}: {raw!r}"
        assert key not in values, f"{path.name}:{number}: {key} is set twice"
        values[key] = value
    return values


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    arguments: str


def read_dockerfile(text: str) -> list[Instruction]:
    """Instructions with their continuation lines joined; comment lines (also those inside a
    continuation, and parser directives) and blank lines are dropped."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not pending:
            start = number
        continued = line.endswith("\\")
        pending.append(line[:-1].strip() if continued else line)
        if continued:
            continue
        keyword, *rest = " ".join(part for part in pending if part).split(None, 1)
        instructions.append(Instruction(start, keyword.upper(), rest[0] if rest else ""))
        pending = []
    if pending:
        raise ValueError(f"line {start}: a continuation runs past the end of the file")
    return instructions


def split_flags(arguments: str) -> tuple[dict[str, str], list[str]]:
    """`--flag=value` options, then the rest: a JSON array or whitespace-separated words."""
    flags: dict[str, str] = {}
    rest = arguments.strip()
    while match := re.match(r"--([a-z-]+)(?:=(\S*))?\s*", rest):
        flags[match.group(1)] = match.group(2) or ""
        rest = rest[match.end() :]
    words = json.loads(rest) if rest.startswith("[") else rest.split()
    return flags, words


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    """The build stages, each starting with its FROM."""
    result: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def duration_seconds(value: object) -> float:
    """A compose duration ('20s', '1m30s', '1500ms') in seconds."""
    units = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    text = str(value).strip()
    parts = re.findall(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"not a duration: {value!r}"
    return sum(float(number) * units[unit] for number, unit in parts)


def systemd_seconds(value: str) -> float:
    """A systemd time span ('20', '20s', '1min 30s') in seconds."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "ms": 1e-3}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value)
    assert parts, f"not a time span: {value!r}"
    return sum(float(number) * units[unit] for number, unit in parts)


def port_numbers(spec: str) -> set[int]:
    """'9090' or '9090-9092' as the set of ports it names."""
    low, _, high = spec.partition("-")
    return set(range(int(low), int(high or low) + 1))


def published_ports(entry: object) -> tuple[set[int], set[int] | None]:
    """A compose `ports` entry as (container ports, host ports; None means a random one)."""
    if isinstance(entry, dict):
        published = entry.get("published")
        return port_numbers(str(entry["target"])), (
            port_numbers(str(published)) if published is not None else None
        )
    parts = str(entry).split("/")[0].rsplit(":", 2)
    return port_numbers(parts[-1]), port_numbers(parts[-2]) if len(parts) >= 2 else None


def as_argv(command: object) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command or ()]


def variables_in(value: Any) -> set[str]:
    """Names of the ${VAR} and $VAR references in every string of a YAML document ($$ escapes)."""
    if isinstance(value, dict):
        return set().union(*(variables_in(k) | variables_in(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(variables_in(v) for v in value))
    if isinstance(value, str):
        return {
            braced or plain
            for braced, plain in re.findall(
                r"(?<!\$)\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))", value.replace("$$", "")
            )
        }
    return set()


def settings_variables() -> set[str]:
    from coach.config import Settings

    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add((alias if isinstance(alias, str) else name).upper())
    return names


# ---- fixtures ----


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - depends on the environment
        pytest.fail("PyYAML is needed to read deploy/compose.yaml: add it to the test extra")
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return read_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return read_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final_stage(dockerfile: list[Instruction]) -> list[Instruction]:
    return stages(dockerfile)[-1]


@pytest.fixture(scope="module")
def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys keep case
    parser.read_string(UNIT_FILE.read_text(encoding="utf-8"), source=str(UNIT_FILE))
    return parser


# ---- compose.yaml ----


def test_compose_has_the_services_and_no_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose, "the compose spec has no top-level version"
    assert set(SERVICES) <= set(compose["services"])


def test_bots_run_webhook_after_migrate_and_a_healthy_postgres(services: dict) -> None:
    for name in BOT_SERVICES:
        bot = services[name]
        assert as_argv(bot.get("command"))[-2:] == ["coach", "webhook"], name
        depends = bot.get("depends_on")
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert bot.get("restart") == "unless-stopped", name
        assert bot.get("env_file") in (".env", [".env"]), name
        assert "postgres:5432" in bot["environment"]["DATABASE_URL"], name
        assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://"), name


def test_migrate_runs_once_after_a_healthy_postgres(services: dict) -> None:
    migrate = services["migrate"]
    assert as_argv(migrate.get("command"))[-2:] == ["coach", "migrate"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart", "no") == "no", "a one-off job must not be restarted"
    assert migrate["environment"]["DATABASE_URL"] == services["bot1"]["environment"]["DATABASE_URL"]


def test_bots_stop_gracefully_and_report_health(services: dict) -> None:
    for name in BOT_SERVICES:
        bot = services[name]
        assert duration_seconds(bot.get("stop_grace_period", "10s")) >= MIN_STOP_GRACE_SECONDS
        check = bot.get("healthcheck") or {}
        assert not check.get("disable"), name
        test = " ".join(as_argv(check.get("test")))
        assert f"127.0.0.1:{METRICS_PORT}/healthz" in test, name


def test_postgres_is_checked_and_keeps_its_data_in_a_named_volume(
    compose: dict[str, Any], services: dict
) -> None:
    postgres = services["postgres"]
    assert str(postgres["image"]).startswith("postgres:16")
    assert "pg_isready" in " ".join(as_argv(postgres["healthcheck"]["test"]))
    sources = [
        str(v).split(":")[0] if isinstance(v, str) else v["source"] for v in postgres["volumes"]
    ]
    assert any(source in (compose.get("volumes") or {}) for source in sources), sources


def test_the_image_is_built_from_the_repository_root(services: dict) -> None:
    built = [s for s in services.values() if "build" in s]
    assert built, "no service builds the bot image"
    for service in built:
        build = service["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert context == REPO
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE
    images = {services[name].get("image") for name in ("migrate", *BOT_SERVICES)}
    assert len(images) == 1, f"migrate and the bots must run the same image: {images}"
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert images == {f"gut-coach:{version}"}, "tagged by the version, so a rollback can name one"


def test_no_service_publishes_the_metrics_port(services: dict) -> None:
    for name, service in services.items():
        assert service.get("network_mode") != "host", f"{name} shares the host's network"
        for entry in service.get("ports") or ():
            container, host = published_ports(entry)
            assert METRICS_PORT not in container, f"{name} publishes {entry!r}"
            assert host is None or METRICS_PORT not in host, f"{name} publishes {entry!r}"


def test_only_the_proxy_publishes_ports(services: dict) -> None:
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"proxy"}
    published = set()
    for entry in services["proxy"]["ports"]:
        published |= published_ports(entry)[1] or set()
    assert {80, 443} <= published


def test_compose_variables_are_in_the_env_example(
    compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    referenced = variables_in(compose)
    assert {"DOMAIN", "POSTGRES_PASSWORD"} <= referenced
    assert referenced - set(env_example) == set()


def test_env_files_have_an_example(services: dict) -> None:
    for name, service in services.items():
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            path = env_file if isinstance(env_file, str) else env_file["path"]
            example = DEPLOY / f"{path}.example"
            assert example.is_file(), f"{name}: {path} has no {example.name} to copy"


# ---- Caddyfile ----


def caddy_upstreams() -> list[str]:
    text = CADDYFILE.read_text(encoding="utf-8")
    lines = [line.split("#")[0].split() for line in text.splitlines()]
    proxies = [words for words in lines if words[:1] == ["reverse_proxy"]]
    assert len(proxies) == 1, "expected one reverse_proxy"
    return [word for word in proxies[0][1:] if word != "{"]


def test_caddy_balances_the_webhook_path_over_every_bot(services: dict) -> None:
    text = CADDYFILE.read_text(encoding="utf-8")
    upstreams = caddy_upstreams()
    bots = sorted(name for name in services if name.startswith("bot"))
    assert bots and sorted(upstreams) == [f"{bot}:{WEBHOOK_PORT}" for bot in bots]
    assert re.search(r"^\s*handle \{\$WEBHOOK_PATH(:[^}]*)?\} \{", text, re.MULTILINE)
    assert re.search(r"^\{\$DOMAIN\} \{", text, re.MULTILINE)
    assert re.search(r"^\s*lb_policy round_robin$", text, re.MULTILINE)
    assert re.search(r"^\s*health_uri /healthz$", text, re.MULTILINE)
    assert re.search(rf"^\s*health_port {METRICS_PORT}$", text, re.MULTILINE)


def test_caddy_refuses_a_body_over_1_mb_on_the_webhook_path() -> None:
    """The bot refuses one itself, but Caddy must not buffer 95 MB for it first."""
    text = CADDYFILE.read_text(encoding="utf-8")
    handle = text[text.index("handle {$WEBHOOK_PATH") :]
    block = handle[: handle.index("reverse_proxy")]
    assert re.search(r"request_body \{\s*max_size 1MB\s*\}", block)


def test_caddy_logs_no_webhook_secret() -> None:
    """Telegram sends the secret in a header on every update; Caddy's access log would keep it."""
    from coach.bot.ingress import SECRET_HEADER

    text = CADDYFILE.read_text(encoding="utf-8")
    logs = re.findall(r"\blog \{(.*?)\n\t\}", text, re.DOTALL)
    assert logs, "the site has an access log"
    for block in logs:
        assert re.search(rf"request>headers>{SECRET_HEADER}\s+delete", block), block
        assert re.search(r"format filter \{\s*wrap json", block), block


def test_caddy_never_proxies_the_metrics_port() -> None:
    assert all(not upstream.endswith(f":{METRICS_PORT}") for upstream in caddy_upstreams())
    text = CADDYFILE.read_text(encoding="utf-8")
    lines_with_port = [
        line.strip() for line in text.splitlines() if str(METRICS_PORT) in line.split("#")[0]
    ]
    assert lines_with_port == [f"health_port {METRICS_PORT}"]


def test_the_proxy_gets_the_caddyfile_and_its_variables(services: dict) -> None:
    proxy = services["proxy"]
    assert str(proxy["image"]).startswith("caddy:2")
    mounts = [str(v).split(":") for v in proxy["volumes"]]
    caddyfiles = [m for m in mounts if m[1:2] == ["/etc/caddy/Caddyfile"]]
    assert caddyfiles and (DEPLOY / caddyfiles[0][0]).resolve() == CADDYFILE
    used = set(re.findall(r"\{\$([A-Za-z_]\w*)", CADDYFILE.read_text(encoding="utf-8")))
    assert used and used <= set(proxy.get("environment") or {})


# ---- Dockerfile ----


def test_dockerfile_reader_joins_continuations_and_drops_comments() -> None:
    text = "# syntax=docker/dockerfile:1\nFROM a AS b\nRUN one \\\n  # note\n  two\n\nUSER 1\n"
    assert read_dockerfile(text) == [
        Instruction(2, "FROM", "a AS b"),
        Instruction(3, "RUN", "one two"),
        Instruction(7, "USER", "1"),
    ]
    with pytest.raises(ValueError, match="continuation"):
        read_dockerfile("FROM a\nRUN b \\\n")


def test_dockerfile_instructions_are_known_and_from_comes_first(
    dockerfile: list[Instruction],
) -> None:
    unknown = [i for i in dockerfile if i.keyword not in DOCKERFILE_INSTRUCTIONS]
    assert not unknown
    before_from = []
    for instruction in dockerfile:
        if instruction.keyword == "FROM":
            break
        before_from.append(instruction.keyword)
    assert dockerfile and set(before_from) <= {"ARG"}, "only ARG may come before FROM"


def test_the_final_image_is_slim_python_without_build_tools(
    final_stage: list[Instruction],
) -> None:
    base = final_stage[0].arguments.split()[0]
    assert base == "python:3.11-slim"
    build_tools = re.compile(r"\b(gcc|g\+\+|build-essential|make|[\w.+-]+-dev)\b")
    for instruction in final_stage:
        if instruction.keyword == "RUN" and re.search(
            r"apt-get install|apk add", instruction.arguments
        ):
            assert not build_tools.search(instruction.arguments), instruction


def test_the_image_prunes_only_what_never_runs(dockerfile: list[Instruction]) -> None:
    """The builder drops test suites, other locales, unused fonts and the installers; the
    fonts the report reads and the catalogs' languages stay."""
    from coach.config import SUPPORTED_LANGUAGES
    from coach.report import fonts

    builder = stages(dockerfile)[0]
    prune = next(
        i.arguments for i in builder if i.keyword == "RUN" and "locale-data" in i.arguments
    )
    assert "pip uninstall --yes pip setuptools" in prune
    for language in SUPPORTED_LANGUAGES:
        assert f"! -name '{language}.dat'" in prune and f"! -name '{language}_*.dat'" in prune
    deleted_fonts = re.findall(r"fonts/(\S+?\.ttf)", prune)
    assert deleted_fonts and not {fonts.REGULAR, fonts.BOLD} & set(deleted_fonts)


def test_a_fixed_non_root_user_runs_the_command(final_stage: list[Instruction]) -> None:
    user = None
    commands = 0
    for instruction in final_stage:
        if instruction.keyword == "USER":
            user = instruction.arguments.split(":")[0]
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            commands += 1
            assert user is not None, f"line {instruction.line}: runs as root"
            assert user not in ROOT_USERS, f"line {instruction.line}: runs as root"
            assert user.isdigit(), "a numeric uid (runAsNonRoot and volume ownership need it)"
    assert commands, "no CMD or ENTRYPOINT"


def test_the_image_runs_the_webhook_and_checks_health(final_stage: list[Instruction]) -> None:
    env = " ".join(i.arguments for i in final_stage if i.keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env and "PYTHONUNBUFFERED=1" in env
    exposed = {p for i in final_stage if i.keyword == "EXPOSE" for p in i.arguments.split()}
    assert {str(WEBHOOK_PORT), str(METRICS_PORT)} <= exposed
    checks = [i for i in final_stage if i.keyword == "HEALTHCHECK"]
    assert len(checks) == 1 and not checks[0].arguments.upper().startswith("NONE")
    # The port may come from METRICS_PORT at run time ({port} in the check's f-string).
    assert re.search(
        rf"http://127\.0\.0\.1:(\{{port\}}|{METRICS_PORT})/healthz", checks[0].arguments
    )
    assert "urllib" in checks[0].arguments
    command = [i for i in final_stage if i.keyword in ("CMD", "ENTRYPOINT")][-1]
    assert "coach webhook" in " ".join(split_flags(command.arguments)[1])


def copied_sources(dockerfile: list[Instruction]) -> list[str]:
    sources = []
    for instruction in dockerfile:
        if instruction.keyword in ("COPY", "ADD"):
            flags, words = split_flags(instruction.arguments)
            if "from" not in flags:
                sources += words[:-1]
    return sources


def test_every_copied_path_exists_in_the_repository(dockerfile: list[Instruction]) -> None:
    sources = copied_sources(dockerfile)
    assert sources
    for source in sources:
        assert not source.startswith(("/", "..")), source
        matches = list(REPO.glob(source.rstrip("/"))) if "*" in source else [REPO / source]
        assert matches and all(path.exists() for path in matches), source


def test_the_ignore_file_lets_every_copied_path_through(dockerfile: list[Instruction]) -> None:
    rules = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if "**" not in rules and "*" not in rules:
        return  # nothing is excluded wholesale
    allowed = {rule[1:].strip("/") for rule in rules if rule.startswith("!")}
    for source in copied_sources(dockerfile):
        assert source.strip("/") in allowed, f"{source} is excluded from the build context"


def test_the_package_is_installed_next_to_messages_and_migrations(
    dockerfile: list[Instruction], final_stage: list[Instruction]
) -> None:
    # coach/paths.py looks for messages/ and migrations/ in the directory above coach/, so the
    # install is editable and the three directories are copied side by side.
    installs = [i for i in dockerfile if i.keyword == "RUN" and "pip install" in i.arguments]
    assert any(re.search(r"(\s-e\s|--editable)", i.arguments) for i in installs)
    workdir = PurePosixPath("/")
    destinations: dict[str, PurePosixPath] = {}
    for instruction in final_stage:
        if instruction.keyword == "WORKDIR":
            workdir = workdir / instruction.arguments
        if instruction.keyword == "COPY":
            flags, words = split_flags(instruction.arguments)
            if "from" not in flags and len(words) == 2:
                destinations[words[0].strip("/")] = workdir / words[1]
    parents = {destinations[name] for name in ("coach", "messages", "migrations")}
    assert len({path.parent for path in parents}) == 1, destinations
    assert {path.name for path in parents} == {"coach", "messages", "migrations"}


# ---- systemd unit ----


def test_the_unit_has_its_sections(unit: configparser.ConfigParser) -> None:
    assert {"Unit", "Service", "Install"} <= set(unit.sections())
    assert unit["Install"].get("WantedBy") == "multi-user.target"


def test_the_unit_runs_long_polling_as_a_dedicated_user(unit: configparser.ConfigParser) -> None:
    service = unit["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[0] == "/opt/gut-coach/.venv/bin/coach" and argv[1:] == ["run"]
    assert service.get("User", "root") not in ROOT_USERS
    assert service.get("WorkingDirectory") == "/opt/gut-coach"
    assert service.get("EnvironmentFile", "").lstrip("-") == "/etc/gut-coach/env"
    assert service.get("Restart") == "on-failure"
    assert service.get("KillSignal", "SIGTERM") == "SIGTERM"
    assert systemd_seconds(service.get("TimeoutStopSec", "90")) >= MIN_STOP_GRACE_SECONDS


def test_the_unit_is_hardened(unit: configparser.ConfigParser) -> None:
    service = unit["Service"]
    assert service.get("NoNewPrivileges") in ("true", "yes")
    assert service.get("ProtectSystem") == "strict"
    assert service.get("PrivateTmp") in ("true", "yes")
    assert service.get("ProtectHome") in ("true", "yes", "read-only", "tmpfs")


def test_the_unit_can_write_the_sqlite_directory(
    unit: configparser.ConfigParser, env_example: dict[str, str]
) -> None:
    from sqlalchemy.engine import make_url

    database = make_url(env_example["DATABASE_URL"]).database
    assert database and database.startswith("/"), "the unit needs an absolute SQLite path"
    service = unit["Service"]
    writable = [path.lstrip("-+") for path in service.get("ReadWritePaths", "").split()]
    writable += [f"/var/lib/{name}" for name in service.get("StateDirectory", "").split()]
    directory = PurePosixPath(database).parent
    assert any(directory.is_relative_to(path) for path in writable), (directory, writable)


# ---- .env.example ----


def test_the_env_example_lists_every_setting(env_example: dict[str, str]) -> None:
    missing = settings_variables() - set(env_example)
    assert not missing, f"not in deploy/.env.example: {sorted(missing)}"


def test_the_env_example_lists_every_documented_variable(env_example: dict[str, str]) -> None:
    missing = set(BOT_VARIABLES) - set(env_example)
    assert not missing, f"not in deploy/.env.example: {sorted(missing)}"


def test_the_env_example_holds_placeholders_not_secrets(env_example: dict[str, str]) -> None:
    token = env_example["TELEGRAM_BOT_TOKEN"]
    assert "replace" in token and not re.fullmatch(r"\d+:[A-Za-z0-9_-]{35}", token)
    for name in ("WEBHOOK_SECRET", "POSTGRES_PASSWORD"):
        value = env_example[name]
        assert "replace" in value, f"{name} must be an obvious placeholder"
        assert WEBHOOK_SECRET_PATTERN.fullmatch(value), f"{name}: {value!r}"


def test_the_unedited_env_example_is_refused_until_its_placeholders_are_replaced(
    env_example: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.config import ConfigError, Settings

    for name in env_example:
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN still holds a placeholder"):
        settings.token()
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET still holds the example's placeholder"):
        settings.webhook()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    monkeypatch.setenv("WEBHOOK_SECRET", "0f9c2b7e5d1a48c3b6e2f0a9d8c7b6a5")
    edited = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    assert edited.token() and edited.webhook()[0] == "https://bot.example.com/telegram"


def test_the_env_example_suits_one_instance_and_compose_divides_for_its_bots(
    env_example: dict[str, str], services: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """systemd copies .env.example for its one instance; compose runs several on it."""
    from coach.config import Settings

    for name in env_example:
        monkeypatch.delenv(name, raising=False)
    single = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for name in ("broadcast_rate", "flood_max_updates"):
        assert getattr(single, name) == getattr(defaults, name), name
    compose_env = {k: str(v) for k, v in services[BOT_SERVICES[0]]["environment"].items()}
    for name in ("BROADCAST_RATE", "FLOOD_MAX_UPDATES"):
        monkeypatch.setenv(name, compose_env[name])
    shared = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    bots = len(BOT_SERVICES)
    assert shared.broadcast_rate * bots <= 30, "instances pace themselves"
    assert shared.flood_max_updates * bots <= defaults.flood_max_updates
