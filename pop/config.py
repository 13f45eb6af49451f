"""The settings operations give POP, and the one rule that sets them.

Every setting has one name, POP_<WHAT> (DATABASE_URL keeps the name every tool knows), written alike in
the environment, in the optional instance/config.py and as the key of app.config. Where a value comes
from, the first that has it:

    create_app(test_config)    the tests
    the environment            POP_* variables: systemd's EnvironmentFile (deploy/pop.env), a container
    instance/config.py         Python assignments (POP_SMTP_PORT = 25), read when the file exists
    the defaults below

Values are read once, at start, into their types (whole numbers, seconds, on/off); a value that cannot
be read stops the start with a message naming the setting and where it came from, instead of failing
at the first mail or PDF hours later. A POP_ name that is no setting (usually a typo) is logged as a
warning. The README's table and deploy/pop.env list every setting here (tests/test_config.py holds
both to this list).

Why not Flask's from_prefixed_env: it strips the prefix (POP_SMTP_HOST would be app.config["SMTP_HOST"],
another name than the one in the README, the code and the messages), reads values as JSON ("0123" stays
text, "1e3" becomes a number) and takes any POP_ variable without a word. This list knows each name,
its type and its default.

Not here: HR's settings, which HR changes on the settings pages and which live in the database
(pop/settings.py)."""
from __future__ import annotations

import os
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INSTANCE_FILE = "config.py"  # in the instance folder
# The test suite's own switches (tests/databases.py, .ci/run) are no settings of the app.
NOT_SETTINGS = ("POP_TEST_", "POP_REQUIRE_", "POP_SEEDS", "POP_E2E_")

ON = ("1", "true", "yes", "on", "ja", "aan")
OFF = ("0", "false", "no", "off", "nee", "uit", "")


class ConfigError(RuntimeError):
    """A setting that cannot be read; the message names it, where it came from and what it should be."""


# ---------------------------------------------------------------- kinds of value

def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("geen tekst")
    return value


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ON + OFF:
        return value.strip().lower() in ON
    raise ValueError("geen aan of uit: schrijf 1 of 0")


def whole(minimum: int, maximum: int | None = None, empty: bool = False) -> Callable[[Any], int | None]:
    """A whole number within bounds; with empty=True nothing (None: the setting's own default applies)."""
    def parse(value: Any) -> int | None:
        if empty and (value is None or (isinstance(value, str) and not value.strip())):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("geen geheel getal")
        try:
            number = int(value.strip()) if isinstance(value, str) else value
        except ValueError:
            raise ValueError("geen geheel getal") from None
        if number < minimum:
            raise ValueError(f"kleiner dan {minimum}")
        if maximum is not None and number > maximum:
            raise ValueError(f"groter dan {maximum}")
        return number
    return parse


def seconds(minimum: float = 0.0, above: bool = True) -> Callable[[Any], float]:
    """A number of seconds, a fraction allowed ("2.5", the Dutch "2,5" too); more than minimum, or at
    least minimum with above=False."""
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError("geen aantal seconden")
        try:
            number = float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)
        except ValueError:
            raise ValueError("geen aantal seconden") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("geen aantal seconden")
        if number < minimum or (above and number == minimum):
            raise ValueError(f"moet {'meer dan' if above else 'minstens'} {minimum:g} zijn")
        return number
    return parse


def web_address(value: Any) -> str:
    value = text(value).strip()
    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
        raise ValueError("geen webadres: begin met https:// (of http://) en een servernaam")
    return value


def database_address(value: Any) -> str:
    value = text(value).strip()
    if "://" not in value:
        raise ValueError("geen database-adres: sqlite:///pad/pop.sqlite3 of postgresql://gebruiker@server/pop")
    return value


def queue_address(value: Any) -> str:
    value = text(value).strip()
    if value and value != "immediate" and not value.startswith(("redis://", "rediss://", "unix://", "sqlite:///")):
        raise ValueError("geen wachtrij: laat het leeg (SQLite in de instance-map), of geef "
                         "redis://server:6379/0, sqlite:///pad/queue.sqlite3 of immediate")
    return value


def time_zone(value: Any) -> str:
    value = text(value).strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("geen bekende tijdzone (bijvoorbeeld Europe/Amsterdam)") from None
    return value


def names(value: Any) -> tuple[str, ...]:
    """A comma-separated list ("mail,uid"); a list or tuple from instance/config.py or a test."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(v.strip() for v in text(value).split(",") if v.strip())


def log_level(value: Any) -> str:
    value = text(value).strip().upper()
    if value not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError("kies DEBUG, INFO, WARNING of ERROR")
    return value


# ---------------------------------------------------------------- the settings

@dataclass(frozen=True)
class Setting:
    name: str  # in the environment and instance/config.py
    default: Any
    parse: Callable[[Any], Any] = text
    key: str = ""  # app.config's key, when it is Flask's own (SECRET_KEY); else the name
    secret: bool = False  # never repeated in a message

    @property
    def config_key(self) -> str:
        return self.key or self.name


SETTINGS = (
    Setting("DATABASE_URL", None, database_address, secret=True),  # default: SQLite in the instance folder
    Setting("POP_SECRET_KEY", "", key="SECRET_KEY", secret=True),  # default: generated into the instance folder
    Setting("POP_SECURE_COOKIES", False, flag, key="SESSION_COOKIE_SECURE"),
    Setting("POP_TRUSTED_PROXIES", 0, whole(0, 10)),
    Setting("POP_BASE_URL", "", web_address),
    Setting("POP_TIMEZONE", "Europe/Amsterdam", time_zone),
    Setting("POP_LOG_LEVEL", "INFO", log_level),
    # Mail (reminders, invitations, resets, colleagues' feedback)
    Setting("POP_SMTP_HOST", ""),
    Setting("POP_SMTP_PORT", 587, whole(1, 65535)),
    Setting("POP_SMTP_STARTTLS", True, flag),
    Setting("POP_SMTP_USER", ""),
    Setting("POP_SMTP_PASSWORD", "", secret=True),
    Setting("POP_SMTP_FROM", ""),
    Setting("POP_REMINDER_AKKOORD_DAYS", 7, whole(1, 365)),
    Setting("POP_FEEDBACK_REMINDER_DAYS", 7, whole(1, 365)),
    # Log-in
    Setting("POP_LOCAL_PASSWORDS", True, flag),
    Setting("POP_LDAP_URL", ""),
    Setting("POP_LDAP_STARTTLS", False, flag),
    Setting("POP_LDAP_CA_FILE", ""),
    Setting("POP_LDAP_BASE_DN", ""),
    Setting("POP_LDAP_BIND_DN", ""),
    Setting("POP_LDAP_BIND_PASSWORD", "", secret=True),
    Setting("POP_LDAP_LOGIN_ATTRIBUTES", ("mail", "sAMAccountName", "userPrincipalName"), names),
    Setting("POP_LDAP_USER_FILTER", "(objectClass=person)"),
    Setting("POP_LDAP_MAIL_ATTRIBUTE", "mail"),
    Setting("POP_LDAP_GIVEN_NAME_ATTRIBUTE", "givenName"),
    Setting("POP_LDAP_SURNAME_ATTRIBUTE", "sn"),
    Setting("POP_LDAP_GROUP_DN", ""),
    Setting("POP_LDAP_TIMEOUT", 5, whole(1, 300)),  # whole seconds: ldap3's socket time-out is an int
    Setting("POP_OIDC_ISSUER", "", web_address),
    Setting("POP_OIDC_CLIENT_ID", ""),
    Setting("POP_OIDC_CLIENT_SECRET", "", secret=True),
    Setting("POP_OIDC_NAME", ""),
    Setting("POP_OIDC_EMAIL_CLAIM", "email"),
    Setting("POP_OIDC_TIMEOUT", 10.0, seconds()),
    # PDF (LibreOffice) and uploaded templates
    Setting("POP_PDF_SOFFICE", ""),  # default: soffice on PATH
    Setting("POP_PDF_UNO_PYTHON", ""),  # default: LibreOffice's own Python, else /usr/bin/python3
    Setting("POP_PDF_MAX_PARALLEL", None, whole(1, empty=True)),  # default: pop/cpus.py
    Setting("POP_PDF_TIMEOUT", 20.0, seconds()),
    Setting("POP_PDF_WAIT", 5.0, seconds(above=False)),
    Setting("POP_PDF_WARM", True, flag),
    Setting("POP_PDF_SLOT_DIR", ""),  # default: instance/pdf-slots
    Setting("POP_TEMPLATE_TIMEOUT", 5.0, seconds()),
    Setting("POP_TEMPLATE_CHECK_TIMEOUT", 15.0, seconds()),
    Setting("POP_TEMPLATE_MEMORY_MB", 1024, whole(100)),
    Setting("POP_TEMPLATE_CHILDREN", 2, whole(1, 32)),
    Setting("POP_EXPORT_WORKERS", None, whole(0, 64, empty=True)),  # default: pop/cpus.py; 0: in-process
    # The task queue and its worker (pop/queue.py, pop/jobs.py)
    Setting("POP_QUEUE_URL", "", queue_address, secret=True),  # default: SQLite in the instance folder
    Setting("POP_JOB_HEARTBEAT", 10.0, seconds()),
)
BY_NAME = {s.name: s for s in SETTINGS}
BY_KEY = {s.config_key: s for s in SETTINGS}


def _read(setting: Setting, value: Any, source: str) -> Any:
    try:
        return setting.parse(value)
    except ValueError as error:
        shown = "" if setting.secret else f"={value!r}"
        raise ConfigError(f"{setting.name}{shown} ({source}): {error}.") from None


def _instance_values(instance_path: str) -> tuple[dict[str, Any], str]:
    """The upper-case names instance/config.py assigns (as Flask's from_pyfile reads them)."""
    path = Path(instance_path, INSTANCE_FILE)
    if not path.is_file():
        return {}, str(path)
    module = types.ModuleType("config")
    module.__file__ = str(path)
    try:
        exec(compile(path.read_bytes(), str(path), "exec"), module.__dict__)
    except Exception as error:  # a syntax error, a failed import: say which file
        raise ConfigError(f"{path} kan niet worden gelezen: {error}") from error
    return {k: v for k, v in vars(module).items() if k.isupper()}, str(path)


@dataclass
class Loaded:
    values: dict[str, Any]  # app.config's keys, typed
    other: dict[str, Any]  # instance/config.py's names that are no POP setting (Flask's own), as given
    unknown: list[str]  # POP_ names that are no setting, with where they were found


def load(instance_path: str, environ: dict[str, str] | None = None,
         test_config: dict[str, Any] | None = None) -> Loaded:
    """Every setting by the rule above, typed. Raises ConfigError for the first value that cannot be
    read."""
    environ = os.environ if environ is None else environ
    raw: dict[str, tuple[Any, str]] = {s.name: (s.default, "standaard") for s in SETTINGS}
    raw["DATABASE_URL"] = ("sqlite:///" + os.path.join(instance_path, "pop.sqlite3"), "standaard")
    other, unknown = {}, []
    from_file, file_name = _instance_values(instance_path)
    for name, value in from_file.items():
        if name in BY_NAME:
            raw[name] = (value, file_name)
        elif name in BY_KEY:  # Flask's name of one of ours: SECRET_KEY
            unknown.append(f"{name} ({file_name}; schrijf {BY_KEY[name].name})")
        elif name.startswith("POP_"):
            unknown.append(f"{name} ({file_name})")
        else:
            other[name] = value
    for name, value in environ.items():
        if name in BY_NAME:
            raw[name] = (value, "omgevingsvariabele")
        elif name.startswith("POP_") and not name.startswith(NOT_SETTINGS):
            unknown.append(f"{name} (omgevingsvariabele)")
    values = {BY_NAME[name].config_key: _read(BY_NAME[name], value, source)
              for name, (value, source) in raw.items()}
    for key, value in (test_config or {}).items():
        setting = BY_KEY.get(key) or BY_NAME.get(key)
        if setting is not None:
            values[setting.config_key] = _read(setting, value, "test_config")
        else:
            values[key] = value
    return Loaded(values, other, unknown)


def apply(app, test_config: dict[str, Any] | None = None) -> list[str]:
    """Put every setting into app.config by the rule; returns the warnings to log once logging is set
    up (the POP_ names that are no setting)."""
    loaded = load(app.instance_path, test_config=test_config)
    app.config.update(loaded.other)
    app.config.update(loaded.values)
    return [f"{name} is geen instelling van POP en wordt genegeerd (verschreven?)." for name in loaded.unknown]


def current(name: str) -> Any:
    """A setting's value where code may run outside the app too (the exports, a bench): the app's
    config inside an app, else the environment by the same rule (without instance/config.py, which
    belongs to an app)."""
    setting = BY_NAME[name]
    try:
        from flask import current_app, has_app_context
        if has_app_context() and setting.config_key in current_app.config:
            return current_app.config[setting.config_key]
    except ImportError:  # pragma: no cover - flask is a dependency
        pass
    if name in os.environ:
        return _read(setting, os.environ[name], "omgevingsvariabele")
    return setting.default

