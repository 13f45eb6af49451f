"""Time as the organisation reads it. Stored times are UTC (models.now()); pages, exports and mails show
them in the organisation's time zone, POP_TIMEZONE (default Europe/Amsterdam), never in the server's
own. "Today" is the organisation's today as well: a server on UTC must not call 00:30 in Amsterdam
yesterday."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/Amsterdam"
TIME_FORMAT = "%d-%m-%Y %H:%M"


def zone_name() -> str:
    return _zone()[0]


def zone() -> ZoneInfo:
    name, known = _zone()
    if known is None:
        raise RuntimeError(f"POP_TIMEZONE={name!r} is geen bekende tijdzone (bijvoorbeeld {DEFAULT_ZONE})")
    return known


def _zone() -> tuple[str, ZoneInfo | None]:
    # Read once per request (kept in its WSGI environ, which no other request shares): a kept page
    # asks for the zone and the day on every request, and reading the setting was most of their time.
    from flask import has_request_context, request

    if not has_request_context():
        return _read_zone()
    environ = request.environ
    known = environ.get(_ENVIRON_KEY)
    if known is None:
        known = environ[_ENVIRON_KEY] = _read_zone()
    return known


_ENVIRON_KEY = "pop.clock.zone"


def _read_zone() -> tuple[str, ZoneInfo | None]:
    """The setting, and its zone (None: no zone by that name; zone() says so)."""
    from . import config  # the app's setting, or outside an app the environment's (pop/config.py)
    name = config.current("POP_TIMEZONE")
    try:
        return name, ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return name, None


def utc_now() -> dt.datetime:
    """Now in UTC, naive, to the second: what the database stores."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def local(moment: dt.datetime) -> dt.datetime:
    """A stored moment (naive UTC, or aware) in the organisation's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone())


def format_time(moment, fmt: str = TIME_FORMAT) -> str:
    """'15-01-2026 13:00' for a stored moment; a date prints as a date; None as ''."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, dt.datetime):
        return local(moment).strftime(fmt)
    if isinstance(moment, dt.date):
        return moment.strftime("%d-%m-%Y")
    return str(moment)


def today() -> dt.date:
    return dt.datetime.now(zone()).date()
