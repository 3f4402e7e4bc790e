"""The dashboard (工作概览): the centre's figures for a period, grouped in cards, each a link to
the list it counts, with the charts by month."""

from flask import request, url_for

from hubapp import clock
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.reports import bp, charts
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.periods import BAD_PERIOD, KINDS, MONTH, QUARTER, YEAR, Period
from hubapp.errors import chinese_abort
from hubapp.htmx import render

#: Where each group's records are added, offered while the group counts nothing yet.
ADD_LINKS = {
    "企业与网格": ("添加企业", "directory.new_enterprise"),
    "企业诉求": ("登记诉求", "demands.new"),
    "办理成效": ("登记诉求", "demands.new"),
    "主题活动与场地": ("新建主题活动", "sessions.create"),
    "党建引领": ("新增党组织", "party.new_organisation"),
    "产学研合作": ("登记实习实训", "cooperation.new_placement"),
    "议事协商": ("新建会议", "meetings.new"),
}
#: How many periods of each kind the chooser offers, the latest first.
CHOICES = {YEAR: 5, QUARTER: 8, MONTH: 24}


def _period() -> Period:
    """``?period=`` as a slug ("2026", "2026-q4", "2026-11"), this year when none is given."""
    slug = request.args.get("period", "").strip()
    if not slug:
        return Period.containing(YEAR, clock.today())
    try:
        return Period.parse(slug)
    except ValueError:
        chinese_abort(400, BAD_PERIOD)


def _choices(period: Period) -> list[Period]:
    """The periods of ``period``'s kind up to this one, the latest first, with ``period`` itself
    even when it lies further back or ahead."""
    latest = Period.containing(period.kind, clock.today())
    choices = [latest]
    while len(choices) < CHOICES[period.kind]:
        try:
            choices.append(choices[-1].previous())
        except ValueError:  # before the first year a period can name
            break
    if period not in choices:
        choices.append(period)
        choices.sort(key=lambda p: p.start, reverse=True)
    return choices


def _neighbour(step, today) -> Period | None:
    """The period before or after, when it can be named and has begun: nothing is counted ahead."""
    try:
        found = step()
    except ValueError:
        return None
    return found if found.start <= today else None


@bp.get("/")
@staff_required
def dashboard():
    period, today = _period(), clock.today()
    figures = centre_figures(period, today)
    groups = [
        (
            title,
            shown,
            None if any(figure.value for figure in shown) else (ADD_LINKS[title][0], url_for(ADD_LINKS[title][1])),
        )
        for title, shown in figures.groups()
    ]
    return render(
        "reports/dashboard.html",
        "reports/_overview.html",
        figures=figures,
        groups=groups,
        period=period,
        kinds={kind: Period.containing(kind, today) for kind in KINDS},
        kind_labels=KINDS,
        choices=_choices(period),
        previous=_neighbour(period.previous, today),
        following=_neighbour(period.following, today),
        charts=[charts.demands_by_month(figures, today), charts.person_times_by_month(period, today)],
        running=period.start <= today < period.end,
    )
