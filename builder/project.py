"""A project's config file (`cpd-demo.toml`): how the engine reaches a Django project it knows
nothing else about. Read with the standard library's tomllib; every mistake is one sentence naming
the file and the key. docs/plug-in.md describes every key.

    [project]   settings, python (interpreter or virtualenv), path, timezone, database (the demo database's
                name), database_settings (over the engine's database entry: OPTIONS, CONN_MAX_AGE, …), overrides
    [scenario]  command (a management command and its arguments) or callable ("module:function"),
                anchor ("now", "clock" or a fixed instant), env, media
    [rules]     the dated columns' rules, inline or in a file (builder/rules/compiler.py has the grammar)
    [demo]      optional parts: checks, status, tailor, logins, login_password, host and home (the host the
                project's pages answer and the page `/` leads to when the tool serves them), open_url (where
                the platform runs elsewhere: each demo's address, "https://{name}.demo.example.com/")

Standard library only. The engine's runner inside the project's own Django does not read it: the
host hands the runner what it needs.
"""

import re
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.errors import UserError
from builder.settings import CONFIG_FILE, ENGINE_ROOT, SETTINGS

PLACEHOLDERS = ("seed", "scale", "anchor", "media_root", "password")
ANCHORS = ("now", "clock")


@dataclass(frozen=True)
class Scenario:
    """What makes the data: a management command with its arguments, or a dotted callable."""

    command: tuple[str, ...] = ()
    callable: str = ""
    # "now": the build's anchor is passed ({anchor}); "clock": it reads the clock itself (the instant
    # it ran is recorded); an ISO instant: it is always generated around that one.
    anchor: str = "now"
    env: dict[str, str] = field(default_factory=dict)
    media: bool = False

    def fixed_anchor(self) -> datetime | None:
        return None if self.anchor in ANCHORS else datetime.fromisoformat(self.anchor).astimezone(timezone.utc)


@dataclass(frozen=True)
class Project:
    file: Path
    name: str
    settings: str
    python: str
    path: tuple[Path, ...]
    timezone: str
    database: str
    overrides: dict[str, Any]
    scenario: Scenario
    rules: dict[str, Any]
    rules_file: Path
    checks: str = ""
    status: str = ""
    tailor: Path | None = None
    logins: Any = None
    login_password: str = ""  # printed under the logins; {password} is the build's demo password
    database_settings: dict[str, Any] = field(default_factory=dict)  # over the engine's database entry
    host: str = ""  # the host its pages answer ("": from its settings)
    home: str = ""  # where `/` leads when the project has no page there ("": its admin)
    open_url: str = ""  # a demo's address where the platform runs elsewhere ({name}: the demo's); "": served here

    @property
    def root(self) -> Path:
        return self.file.parent


def locate(given: str | None = None) -> Path:
    """--config, else CPD_DEMO_CONFIG, else cpd-demo.toml here, else the engine's own (the CPD demo)."""
    for candidate in (given, SETTINGS.config):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise UserError(f"The config file {candidate} does not exist (expected a {CONFIG_FILE}).")
            return path.resolve()
    for path in (Path.cwd() / CONFIG_FILE, ENGINE_ROOT / CONFIG_FILE):
        if path.is_file():
            return path.resolve()
    raise UserError(f"No {CONFIG_FILE} here: pass --config PATH or set CPD_DEMO_CONFIG (docs/plug-in.md).")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} cannot be read: {exc}.") from None


class _Section:
    """One table of the config, read key by key; unknown keys are refused (a typo is never silent)."""

    def __init__(self, file: Path, name: str, data: Any, known: tuple[str, ...]):
        if not isinstance(data, dict):
            raise UserError(f"{file}: [{name}] must be a table.")
        unknown = set(data) - set(known)
        if unknown:
            raise UserError(f"{file}: [{name}] has unknown key(s) {', '.join(sorted(unknown))} "
                            f"(known: {', '.join(known)}).")
        self.file, self.name, self.data = file, name, data

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise UserError(f"{self.file}: [{self.name}] {key} must be a string.")
        return value

    def path(self, key: str) -> Path | None:
        value = self.text(key)
        return (self.file.parent / value).resolve() if value else None


def load(given: str | None = None) -> Project:
    file = locate(given)
    data = _read(file)
    unknown = set(data) - {"project", "scenario", "rules", "demo"}
    if unknown:
        raise UserError(f"{file}: unknown section(s) {', '.join(sorted(unknown))} "
                        "(expected project, scenario, rules, demo).")
    p = _Section(file, "project", data.get("project", {}),
                 ("name", "settings", "python", "path", "timezone", "database", "database_settings", "overrides"))
    s = _Section(file, "scenario", data.get("scenario", {}), ("command", "callable", "anchor", "env", "media"))
    d = _Section(file, "demo", data.get("demo", {}),
                 ("checks", "status", "tailor", "logins", "login_password", "host", "home", "open_url"))
    settings_module = p.text("settings")
    if not re.fullmatch(r"[A-Za-z_][\w.]*", settings_module):
        raise UserError(f"{file}: [project] settings must name the Django settings module (e.g. mysite.settings).")
    zone = p.text("timezone", "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"{file}: [project] timezone {zone!r} is not a known timezone.") from None
    paths = p.data.get("path", ["."])
    if isinstance(paths, str):
        paths = [paths]
    overrides = p.data.get("overrides", {})
    if not isinstance(overrides, dict):
        raise UserError(f"{file}: [project] overrides must be a table of Django settings.")
    database = p.text("database", "demo")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", database):
        raise UserError(f"{file}: [project] database {database!r} must be a lowercase identifier.")
    rules, rules_file = _rules(file, data.get("rules", {}))
    entry = p.data.get("database_settings", {})
    if not isinstance(entry, dict) or {"ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"} & set(entry):
        raise UserError(f"{file}: [project] database_settings is a table of Django database settings other than "
                        "ENGINE, NAME, USER, PASSWORD, HOST and PORT (the engine's own).")
    host, home = d.text("host"), d.text("home")
    if host and not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host):
        raise UserError(f"{file}: [demo] host must be a host name, with a port if it needs one (got {host!r}).")
    if home and not home.startswith("/"):
        raise UserError(f"{file}: [demo] home must be a path on the project's site, starting with / (got {home!r}).")
    open_url = d.text("open_url")
    rest = open_url.replace("{name}", "")
    if open_url and (not re.fullmatch(r"https?://\S+", open_url) or rest == open_url or "{" in rest or "}" in rest):
        raise UserError(f"{file}: [demo] open_url must be an http(s) address with {{name}} where the demo's name goes, "
                        f"e.g. https://{{name}}.demo.example.com/ (got {open_url!r}).")
    return Project(file=file, name=p.text("name", file.parent.name), settings=settings_module,
                   python=_python(file, p.text("python")), path=tuple((file.parent / x).resolve() for x in paths),
                   timezone=zone, database=database, overrides=overrides, scenario=_scenario(file, s),
                   rules=rules, rules_file=rules_file, checks=d.text("checks"), status=d.text("status"),
                   tailor=d.path("tailor"), logins=d.data.get("logins"), login_password=d.text("login_password"),
                   database_settings=dict(entry), host=host, home=home, open_url=open_url)


def _python(file: Path, value: str) -> str:
    """The interpreter that runs the project's Django: a path to it, to a virtualenv, or this one."""
    if not value:
        return sys.executable
    path = (file.parent / value).expanduser()
    if path.is_dir():
        path = path / "bin" / "python"
    if not path.exists():
        raise UserError(f"{file}: [project] python {value!r} is neither an interpreter nor a virtualenv.")
    return str(path)


def _scenario(file: Path, s: _Section) -> Scenario:
    command = s.data.get("command", [])
    if isinstance(command, str):
        command = command.split()
    if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
        raise UserError(f"{file}: [scenario] command must be a list of strings (a management command and its "
                        "arguments).")
    dotted = s.text("callable")
    if bool(command) == bool(dotted):
        raise UserError(f"{file}: [scenario] needs a command or a callable (one of them).")
    if dotted and not re.fullmatch(r"[\w.]+:[\w.]+", dotted):
        raise UserError(f"{file}: [scenario] callable must look like package.module:function.")
    anchor = s.text("anchor", "now")
    if anchor not in ANCHORS:
        try:
            parsed = datetime.fromisoformat(anchor)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise UserError(f"{file}: [scenario] anchor must be now, clock or an ISO instant with its offset "
                            f"(got {anchor!r}).")
    env = s.data.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise UserError(f"{file}: [scenario] env must be a table of strings.")
    for text in [*command, *env.values()]:
        for name in re.findall(r"\{(\w+)\}", text):
            if name not in PLACEHOLDERS:
                raise UserError(f"{file}: [scenario] {{{name}}} is not a placeholder "
                                f"(known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}).")
    if "{password}" in " ".join(command):
        raise UserError(f"{file}: [scenario] {{password}} may go in env, never on the command line.")
    return Scenario(command=tuple(command), callable=dotted, anchor=anchor, env=dict(env),
                    media=bool(s.data.get("media", False)))


def _rules(file: Path, section: Any) -> tuple[dict[str, Any], Path]:
    if not isinstance(section, dict):
        raise UserError(f"{file}: [rules] must be a table.")
    if "file" not in section:
        return section, file
    rest = set(section) - {"file"}
    if rest:
        raise UserError(f"{file}: [rules] names a file; put {', '.join(sorted(rest))} in that file.")
    path = (file.parent / section["file"]).resolve()
    if not path.is_file():
        raise UserError(f"{file}: [rules] file {section['file']} does not exist.")
    return _read(path), path
