"""HR reads a plan's log. Only reading: no route here or anywhere else changes or removes an entry."""
from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from .. import answers, audit, cycle
from ..access import can_read_log
from ..models import Plan

bp = Blueprint("audit", __name__)


@bp.route("/plans/<int:plan_id>/logboek")
@login_required
def log(plan_id: int):
    plan = Plan.get_or_none(Plan.id == plan_id)
    # 404 also for the plan's own employee and manager: to them the log does not exist, as with a
    # plan someone may not see (pop/access.py).
    if plan is None or not can_read_log(current_user, plan):
        abort(404)
    return render_template("plans/logboek.html", plan=plan, definition=answers.form_of(plan),
                           readable=cycle.may(current_user, plan, "lezen"),
                           entries=list(audit.entries(plan)), label=audit.label)


@bp.app_context_processor
def _log_link():
    # For the link on the plan overview, without the overview's view having to know about the log.
    return {"may_read_log": lambda plan: current_user.is_authenticated
            and can_read_log(current_user, plan)}
