"""HR reads the organisation's security log (/beveiliging), filtered by kind, person and period; the
filters are in the address, so a filtered view can be bookmarked or passed on. Only reading: no route
here or anywhere else changes or removes a line (pop/security_log.py)."""
import datetime as dt

from flask import Blueprint, render_template, request, url_for

from .. import clock, security_log
from .people import hr_required

bp = Blueprint("security_log", __name__)


def _day(text: str) -> tuple[dt.date | None, str]:
    """A date from the filter (2026-03-01, as a date field sends it, or 01-03-2026 typed by hand)."""
    text = (text or "").strip()
    if not text:
        return None, ""
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date(), ""
        except ValueError:
            continue
    return None, f"‘{text[:30]}’ is geen datum; gebruik dag-maand-jaar, bijvoorbeeld 01-03-2026."


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of that day in the organisation's zone, as the database stores moments (naive UTC)."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=clock.zone())
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


@bp.route("/beveiliging")
@hr_required
def index():
    args = request.args
    kind = args.get("soort", "")
    if kind not in security_log.KINDS:
        kind = ""
    person = " ".join(args.get("persoon", "").split())[:100]
    start, start_problem = _day(args.get("van", ""))
    end, end_problem = _day(args.get("tot", ""))
    problems = [p for p in (start_problem, end_problem) if p]
    if start and end and end < start:
        problems.append("De datum ‘tot en met’ ligt vóór ‘van’.")
    query = security_log.events(kind, person, _start_of(start) if start else None,
                                _start_of(end + dt.timedelta(days=1)) if end else None)
    total = query.count()
    pages = max(1, -(-total // security_log.PAGE_SIZE))
    try:
        page = min(max(1, int(args.get("pagina", "1"))), pages)
    except ValueError:
        page = 1
    events = list(query.paginate(page, security_log.PAGE_SIZE))
    filters = {k: v for k, v in (("soort", kind), ("persoon", person),
                                 ("van", start.isoformat() if start else ""),
                                 ("tot", end.isoformat() if end else "")) if v}

    def page_url(number: int) -> str:
        return url_for("security_log.index", **filters, **({"pagina": number} if number > 1 else {}))

    return render_template("security/index.html", events=events, kinds=security_log.KINDS,
                           label=security_log.label, kind=kind, person=person, start=start, end=end,
                           problems=problems, total=total, page=page, pages=pages, page_url=page_url,
                           filtered=bool(filters))
