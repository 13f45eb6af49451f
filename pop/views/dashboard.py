"""HR's dashboard (/dashboard): the figures of pop/dashboard.py, each a link to its list, with SVG charts.
A page of its own rather than HR's first page: that page is the plan list HR works through, and its
to-do table already counts per department and state; the dashboard adds what needs a picture."""
from flask import Blueprint, render_template, request

from exports.context import amount_text

from .. import clock, dashboard, fragments
from ..plans import current_period, periods
from .people import hr_required

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@hr_required
def index():
    period = _period()
    figures = dashboard.figures(period)
    listed = periods()
    return fragments.page(("dashboard", figures.key(), tuple(listed)), lambda: _draw(figures, listed))


def _draw(figures, listed):
    state_bars, state_height = dashboard.bars(
        [(label, figures.by_state.get(state, 0), figures.plans_link(state)) for state, label in figures.states.items()])
    department_bars, department_height, legend = dashboard.stacked(figures)
    completion = [(definition, plans, rows, figures.plans_link(form=definition.key),
                   *dashboard.completion_bars(plans, rows, figures.plans_link(form=definition.key)))
                  for definition, plans, rows in figures.completion()]
    return render_template("dashboard/index.html", f=figures, periods=listed, state_bars=state_bars,
                           state_height=state_height, department_bars=department_bars,
                           department_height=department_height, legend=legend, chart=dashboard,
                           amount=amount_text, completion=completion)


def _period() -> str:
    return (request.args.get("periode") or "").strip() or current_period()


@bp.route("/dashboard/gesprekken-verlopen")
@hr_required
def overdue():
    """The plans behind the dashboard's 'talks overdue': whose talk, which one, since when."""
    period = _period()
    today = clock.today()
    return render_template("dashboard/overdue.html", period=period, today=today,
                           found=dashboard.overdue_plans(period, today))
