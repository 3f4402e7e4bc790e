"""工作简报 pages: the list of issues with their prints, a new issue for a chosen period, the text
to edit, the draft preview, 重新生成 and 印发, and each print as it was printed. Thin: parse the form,
run the service in one unit of work (``hubapp.actions``), render."""

from flask import abort, request, url_for
from flask_login import current_user

from hubapp import actions, clock, concurrency, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.reports import briefing_printing, briefings, forms
from hubapp.blueprints.reports import briefings_bp as bp
from hubapp.blueprints.reports.models import Briefing, BriefingPrint
from hubapp.blueprints.reports.periods import BAD_PERIOD, Period
from hubapp.downloads import pdf_response
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import render


@bp.get("/")
@staff_required
def index():
    return render(
        "reports/briefings.html", "reports/_briefing_rows.html", page=params.page_of(briefings.briefings_query())
    )


def _period_choices(form: forms.NewBriefingForm, asked: Period | None) -> None:
    groups = {
        year: options([(p.slug, f"{p.label}（{briefings.kind_label(p)}）") for p in periods])
        for year, periods in briefings.choosable_periods(clock.today())
    }
    if asked is not None and not any(asked.slug == choice.value for group in groups.values() for choice in group):
        # A period further back, asked for by its address: offered too.
        groups = {"所选期间": options([(asked.slug, asked.label)]), **groups}
    form.period.choices = groups


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    asked = None
    if request.args.get("period"):
        try:
            asked = Period.parse(request.args["period"])
        except ValueError:
            chinese_abort(400, BAD_PERIOD)
    form = forms.NewBriefingForm()
    _period_choices(form, asked)
    if request.method == "GET":
        form.period.data = asked.slug if asked else None
        return render("reports/briefing_new.html", form=form)
    outcome = actions.submit(form, lambda: briefings.create(current_user, briefings.chosen_period(form.period.data)))
    if not outcome.ok:
        return render("reports/briefing_new.html", form=form, status=outcome.status)
    found = outcome.value
    return actions.done(
        f"已生成工作简报{found.issue_label}，请核对正文后印发。", url_for("briefings.detail", briefing_id=found.id)
    )


def _text_form(briefing: Briefing, saved: bool = False) -> forms.BriefingTextForm:
    form = forms.BriefingTextForm(formdata=None) if saved else forms.BriefingTextForm()
    if saved or request.method == "GET":
        concurrency.stamp(form, briefing)
        form.text.data = briefing.text
    return form


def _stamped(form_class, briefing: Briefing):
    form = form_class(formdata=None)
    concurrency.stamp(form, briefing)
    return form


def _detail(briefing: Briefing, status: int = 200, conflict=None, **given):
    page = {
        "text_form": _text_form(briefing, saved=True),
        "regenerate_form": _stamped(forms.RegenerateForm, briefing),
        "print_form": _stamped(forms.PrintForm, briefing),
        "delete_form": _stamped(forms.DeleteBriefingForm, briefing),
        "why_not_deletable": briefings.why_not_deletable(briefing),
    } | given
    return render(
        "reports/briefing.html", briefing=briefing, period=briefing.period, conflict=conflict,
        status=status, **page,
    )  # fmt: skip


def _with_message(form, outcome):
    if outcome.conflict:
        form.add_error(outcome.message)
    return form


@bp.route("/<int:briefing_id>", methods=["GET", "POST"])
@staff_required
def detail(briefing_id: int):
    briefing = db.get_or_404(Briefing, briefing_id)
    if request.method == "GET":
        return _detail(briefing)
    form = _text_form(briefing)
    outcome = actions.submit(
        form, lambda: briefings.save_text(current_user, briefing, form.text.data, concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _text_form(briefing, saved=True))
        return _detail(briefing, outcome.status, conflict, text_form=form)
    return actions.done("正文已保存。", url_for("briefings.detail", briefing_id=briefing.id))


@bp.post("/<int:briefing_id>/regenerate")
@staff_required
def regenerate(briefing_id: int):
    briefing = db.get_or_404(Briefing, briefing_id)
    form = forms.RegenerateForm()
    outcome = actions.submit(form, lambda: briefings.regenerate(current_user, briefing, concurrency.submitted(form)))
    if not outcome.ok:
        return _detail(briefing, outcome.status, regenerate_form=_with_message(form, outcome))
    return actions.done("已按最新数据重新生成正文。", url_for("briefings.detail", briefing_id=briefing.id))


@bp.post("/<int:briefing_id>/print")
@staff_required
def print_issue(briefing_id: int):
    briefing = db.get_or_404(Briefing, briefing_id)
    form = forms.PrintForm()
    outcome = actions.submit(
        form, lambda: briefings.print_briefing(current_user, briefing, concurrency.submitted(form))
    )
    if not outcome.ok:
        return _detail(briefing, outcome.status, print_form=_with_message(form, outcome))
    return actions.done(
        f"工作简报{briefing.issue_label}已印发（第{len(briefing.prints)}次），PDF已留存。",
        url_for("briefings.detail", briefing_id=briefing.id),
    )


@bp.post("/<int:briefing_id>/delete")
@staff_required
def delete(briefing_id: int):
    briefing = db.get_or_404(Briefing, briefing_id)
    issue = briefing.issue_label
    form = forms.DeleteBriefingForm()
    outcome = actions.submit(form, lambda: briefings.delete(current_user, briefing, concurrency.submitted(form)))
    if not outcome.ok:
        return _detail(briefing, outcome.status, delete_form=_with_message(form, outcome))
    return actions.done(f"已删除工作简报{issue}。", url_for("briefings.index"))


@bp.get("/<int:briefing_id>/preview.pdf")
@staff_required
def preview(briefing_id: int):
    briefing = db.get_or_404(Briefing, briefing_id)
    return pdf_response(briefing_printing.briefing_pdf(briefing), briefing_printing.file_name(briefing))


@bp.get("/<int:briefing_id>/prints/<int:print_id>.pdf")
@staff_required
def printed(briefing_id: int, print_id: int):
    kept = db.get_or_404(BriefingPrint, print_id)
    if kept.briefing_id != briefing_id:
        abort(404)
    number = [p.id for p in kept.briefing.prints].index(kept.id) + 1
    return pdf_response(kept.pdf, briefing_printing.file_name(kept.briefing, number))
