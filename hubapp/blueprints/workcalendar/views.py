"""The working-day calendar page: a year's holidays and make-up working days, a form to add a run,
one to paste the State Council's notice, and a removal per run (after a confirmation)."""

from datetime import date

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, clock
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.workcalendar import bp, services
from hubapp.blueprints.workcalendar.forms import NoticeForm, RunForm
from hubapp.errors import chinese_abort
from hubapp.htmx import render
from hubapp.params import year_arg


def _page(year: int, run_form=None, notice_form=None, status=200):
    if notice_form is None:
        notice_form = NoticeForm(formdata=None, year=year)
    years = sorted({*services.listed_years(), clock.today().year, clock.today().year + 1, year}, reverse=True)
    return render(
        "workcalendar/index.html", status=status, year=year, years=years, runs=services.runs(year),
        run_form=run_form or RunForm(formdata=None), notice_form=notice_form,
    )  # fmt: skip


@bp.get("/")
@staff_required
def index():
    return _page(year_arg(default=clock.today().year))


@bp.post("/runs")
@staff_required
def add_run():
    form = RunForm()
    outcome = actions.submit(
        form,
        lambda: services.add_run(
            current_user,
            services.Run(form.first.data, form.last.data or form.first.data, form.kind.data, form.name.data),
        ),
    )
    year = form.first.data.year if form.first.data else clock.today().year
    if not outcome.ok:
        return _page(year, run_form=form, status=outcome.status)
    return actions.done("已登记。", url_for("workcalendar.index", year=year))


@bp.post("/runs/delete")
@staff_required
def remove_run():
    try:
        first, last = (
            date.fromisoformat(request.form.get("first", "")),
            date.fromisoformat(request.form.get("last", "")),
        )
    except ValueError:
        chinese_abort(400, "日期不正确。")
    outcome = actions.attempt(lambda: services.remove_run(current_user, first, last))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("workcalendar.index", year=first.year))
    return actions.done(f"已删除{outcome.value}天的安排。", url_for("workcalendar.index", year=first.year))


@bp.post("/notice")
@staff_required
def import_notice():
    form = NoticeForm()
    outcome = actions.submit(form, lambda: services.import_notice(current_user, form.year.data, form.text.data))
    year = form.year.data if form.year.data and not form.year.errors else clock.today().year
    if not outcome.ok:
        return _page(year, notice_form=form, status=outcome.status)
    added = outcome.value
    if not added:
        return actions.done("这些安排都已登记，没有新增。", url_for("workcalendar.index", year=year))
    days = sum(run.days for run in added)
    return actions.done(f"已导入{len(added)}段安排，共{days}天。", url_for("workcalendar.index", year=year))
