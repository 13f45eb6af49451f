"""The next talk of a plan: shown on the overview, and offered as a calendar invitation (.ics)."""
import io
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, request, send_file, url_for
from flask_login import current_user, login_required

from exports.filenames import plan_filename

from .. import answers, clock, cycle, rhythm
from .plans import plan_or_404, readable_or_403

bp = Blueprint("rhythm", __name__)


@bp.app_context_processor
def _helpers():
    return {"next_talk": rhythm.next_talk, "dutch_long_date": rhythm.dutch_long_date,
            "talk_on_page": lambda plan, definition, values: rhythm.on_page(plan, definition, values,
                                                                            clock.today()),
            "may_now": lambda plan, right: cycle.may(current_user, plan, right)}


@bp.app_template_filter("tijd")
def _time(moment, fmt: str = clock.TIME_FORMAT) -> str:
    """{{ plan.updated_at | tijd }}: a stored (UTC) moment in the organisation's time zone, the one
    way every page shows a time."""
    return clock.format_time(moment, fmt)


def uid_host() -> str:
    # The site's own name makes the UID globally unique, as RFC 5545 asks; POP_BASE_URL when set, so
    # that the UID does not change with the name a browser happened to use.
    return urlsplit(current_app.config.get("POP_BASE_URL") or "").hostname or request.host.split(":")[0]


@bp.route("/plans/<int:plan_id>/volgend-gesprek.ics")
@login_required
def calendar(plan_id: int):
    plan = plan_or_404(plan_id)
    readable_or_403(plan)
    talk = rhythm.next_talk(answers.form_of(plan), answers.load(plan), plan.status)
    if talk is None:
        abort(404)
    data = rhythm.invitation(plan, talk, plan.employee, rhythm.current_manager(plan.employee),
                             url_for("plans.overview", plan_id=plan.id, _external=True), uid_host())
    name = plan_filename(plan, "ics").replace("POP_", "Gesprek_POP_", 1)
    return send_file(io.BytesIO(data), mimetype="text/calendar", as_attachment=True, download_name=name,
                     max_age=0)
