"""Staff pages: the list, the editing form, publishing and versions, feedback, QR codes and PDFs.

Thin: parse the form, call the service inside one unit of work (``hubapp.actions``), render the
page or redirect to the one that shows the result."""

from dataclasses import fields
from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hubapp import actions, clock, concurrency, downloads, params, qr
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.guides import bp, content, printing, reading, viewcount, visitors, writing
from hubapp.blueprints.guides.content import GuideContent, Material, Question, Step
from hubapp.blueprints.guides.forms import GuideForm, KeywordsForm, apply_row_op, form_data_from
from hubapp.blueprints.guides.models import ARCHIVED, CATEGORIES, GUIDE_STATES, PUBLISHED, Matter
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.formatting import days_label
from hubapp.htmx import render
from hubapp.params import page_of

#: The list's filter for the published guides the home page flags as due for review.
STALE = "stale"
#: The list's filter for guides with negative feedback not yet handled (the home page's to-do).
CRITICISED = "criticised"
#: The elements the form holds as row lists; the others map one field to one element.
ROW_ELEMENTS = ("materials", "steps", "faq")


def _matter_or_404(code: str) -> Matter:
    """Staff addresses name a guide by the code on its QR code (unique), not by its id."""
    return db.one_or_404(select(Matter).where(Matter.code == code))


def _content_from(form: GuideForm) -> GuideContent:
    """The guide as typed; rows left without a name are dropped (an empty row is a blank line)."""
    values = {f.name: form[f.name].data for f in fields(GuideContent) if f.name not in ROW_ELEMENTS}
    values["official_code"] = values["official_code"] or None
    values["fee_free"] = form.fee_free.data == "1"
    return GuideContent(
        **values,
        materials=[
            Material(row["name"] or "", row["form"], row["copies"], row["required"], row["notes"] or "")
            for row in form.materials.data
            if (row["name"] or "").strip()
        ],
        steps=[Step(row["title"], row["detail"] or "") for row in form.steps.data if (row["title"] or "").strip()],
        faq=[Question(row["question"], row["answer"] or "") for row in form.faq.data if (row["question"] or "").strip()],
    )


@bp.get("/")
@staff_required
def index():
    search = request.args.get("q", "").strip()
    category = request.args.get("category", "")
    status = request.args.get("status", "")
    days = reading.review_days(current_app.config)
    page = page_of(
        reading.matter_query(
            search,
            category if category in CATEGORIES else "",
            status if status in GUIDE_STATES else "",
            stale_days=days if status == STALE else None,
            criticised=status == CRITICISED,
        )
    )
    return render(
        "guides/index.html",
        "guides/_rows.html",
        page=page,
        search=search,
        category=category,
        status_filter=status,
        categories=CATEGORIES,
        statuses={**GUIDE_STATES, STALE: "待复核", CRITICISED: "有差评待处理"},
        stale_ids={m.id for m in page.items if reading.is_stale(m, days)},
    )


def _form_page(form: GuideForm, matter: Matter | None, status: int = 200, conflict=None):
    return render("guides/form.html", "guides/_form.html", status=status, form=form, matter=matter, conflict=conflict)


def _saved_form(matter: Matter) -> GuideForm:
    """The edit form as the working copy is saved now, with its version."""
    form = GuideForm(formdata=None, data=form_data_from(matter))
    concurrency.stamp(form, matter)
    return form


def _with_row_op(matter: Matter | None):
    """A row button was pressed: add/remove/move the row and show the form again, nothing saved."""
    formdata = apply_row_op(request.form, request.form["row_op"])
    form = GuideForm(formdata=formdata)
    if matter is not None:
        form.code.data = matter.code
    return _form_page(form, matter)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    if request.method == "POST" and "row_op" in request.form:
        return _with_row_op(None)
    form = GuideForm()
    if request.method == "GET":
        for name in ("materials", "steps"):
            getattr(form, name).append_entry()
        return _form_page(form, None)
    outcome = actions.submit(form, lambda: writing.create_matter(current_user, form.code.data, _content_from(form)))
    if not outcome.ok:
        return _form_page(form, None, outcome.status)
    return actions.done("已保存为草稿。补全内容后可发布。", url_for("guides.detail", code=outcome.value.code))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@staff_required
def edit(code: str):
    matter = _matter_or_404(code)
    back = url_for("guides.detail", code=matter.code)
    if request.method == "GET" and matter.status == ARCHIVED:
        flash("已归档的指南不能修改，请先恢复为草稿。", "error")
        return redirect(back)
    if request.method == "POST" and "row_op" in request.form:
        return _with_row_op(matter)
    form = _saved_form(matter) if request.method == "GET" else GuideForm()
    # The code is printed on QR codes: it is shown, never taken from the form.
    form.code.data = matter.code
    if request.method == "GET":
        return _form_page(form, matter)
    outcome = actions.submit(
        form,
        lambda: writing.update_matter(
            current_user, matter, _content_from(form), concurrency.submitted(form)
        ),
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _saved_form(matter))
        return _form_page(form, matter, outcome.status, conflict)
    changed = outcome.value
    if not changed:
        flash("没有修改。", "info")
        return redirect(back, 303)
    message = "已保存：" + "、".join(changed) + "。"
    if matter.status == PUBLISHED:
        message += "公开页面在重新发布后才会更新。"
    return actions.done(message, back)


@bp.get("/<code>")
@staff_required
def detail(code: str):
    # Before the first read: on SQLite the request's snapshot starts there, and should see them.
    viewcount.flush()
    matter = _matter_or_404(code)
    days = reading.review_days(current_app.config)
    return render(
        "guides/detail.html",
        matter=matter,
        missing=content.missing_for_publication(matter),
        unpublished=reading.has_unpublished_changes(matter),
        stale=reading.is_stale(matter, days),
        review_days=days,
        views=visitors.daily_views(matter, 30),
        total_views=visitors.total_views(matter),
        summary=visitors.feedback_summary(matter),
        recent_feedback=visitors.recent_feedback(matter, 5),
        public_url=printing.guide_url(matter),
        qr_svg=qr.svg(printing.guide_url(matter)),
    )


def _state_change(code: str, change, message: str):
    """A button on the detail page: the change, then that page with what came of it."""
    matter = _matter_or_404(code)
    back = url_for("guides.detail", code=matter.code)
    outcome = actions.attempt(lambda: change(matter))
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done(message, back)


@bp.post("/<code>/publish")
@staff_required
def publish(code: str):
    return _state_change(code, lambda m: writing.publish(current_user, m), "已发布，公开页面已更新。")


@bp.post("/<code>/archive")
@staff_required
def archive(code: str):
    return _state_change(code, lambda m: writing.archive(current_user, m), "已归档，扫码将提示该指南已下线。")


@bp.post("/<code>/reopen")
@staff_required
def reopen(code: str):
    return _state_change(code, lambda m: writing.reopen(current_user, m), "已恢复为草稿。")


@bp.post("/<code>/review")
@staff_required
def review(code: str):
    return _state_change(code, lambda m: writing.mark_reviewed(current_user, m), "已记录复核日期。")


@bp.post("/<code>/adopt")
@staff_required
def adopt(code: str):
    return _state_change(
        code, lambda m: writing.adopt_demo(current_user, m),
        "已去掉示例内容标记。" + ("重新发布后，公开页面不再显示该标记。" if _matter_or_404(code).status == "published" else ""),
    )  # fmt: skip


@bp.post("/<code>/keywords")
@staff_required
def keywords(code: str):
    matter = _matter_or_404(code)
    form = KeywordsForm()
    outcome = actions.submit(form, lambda: writing.set_keywords(current_user, matter, form.keywords.data))
    back = url_for("guides.detail", code=matter.code, _anchor="keywords")
    if not outcome.ok:
        return actions.refused(form.keywords.errors[0] if form.keywords.errors else outcome.message, back)
    return actions.done("已保存搜索关键词，公开搜索即时生效。", back)


@bp.get("/searches")
@staff_required
def searches():
    """What enterprises searched for on /g/ and found nothing: the words to add as keywords."""
    return render("guides/searches.html", misses=visitors.search_misses())


@bp.get("/views")
@staff_required
def views():
    """How often each guide was read over ``?since=&until=`` (by default this year up to today):
    the list the dashboard's 指南查看 links to, adding up to its figure."""
    days = params.between_args()
    if days is None:
        today = clock.today()
        days = (date(today.year, 1, 1), today + timedelta(days=1))
    start, end = days
    rows = visitors.views_by_guide_between(start, end)
    return render(
        "guides/views.html", rows=rows, total=sum(count for _, count in rows), period=days_label(start, end),
        since=start, until=end - timedelta(days=1),
    )  # fmt: skip


@bp.post("/<code>/versions/<int:number>/restore")
@staff_required
def restore(code: str, number: int):
    return _state_change(
        code,
        lambda m: writing.restore_version(current_user, m, number, concurrency.based_on(request.form.get("version"))),
        f"已将第{number}版内容恢复到编辑稿，检查无误后请发布。",
    )


@bp.get("/<code>/versions/<int:number>")
@staff_required
def version(code: str, number: int):
    matter = _matter_or_404(code)
    found = reading.get_version(matter, number)
    if found is None:
        abort(404)
    return render("guides/version.html", matter=matter, version=found, doc=found.content)


@bp.get("/<code>/preview")
@staff_required
def preview(code: str):
    """The working copy as the public will see it once published."""
    matter = _matter_or_404(code)
    return render("guides/version.html", matter=matter, version=None, doc=content.snapshot(matter))


@bp.get("/<code>/diff")
@staff_required
def diff(code: str):
    """Two versions side by side; ``to=current`` compares with the unpublished working copy."""
    matter = _matter_or_404(code)
    numbers = [v.number for v in matter.versions]
    if not numbers:
        flash("还没有发布过的版本。", "info")
        return redirect(url_for("guides.detail", code=code))
    old_number = params.int_arg("from") or (numbers[1] if len(numbers) > 1 else numbers[0])
    old = reading.get_version(matter, old_number)
    if old is None:
        abort(404)
    if request.args.get("to", "current" if len(numbers) == 1 else "") == "current":
        to, new_doc, new_label = "current", content.snapshot(matter), "编辑稿"
    else:
        new = reading.get_version(matter, params.int_arg("to", numbers[0]))
        if new is None:
            abort(404)
        to, new_doc, new_label = str(new.number), new.content, f"第{new.number}版"
    return render(
        "guides/diff.html",
        matter=matter,
        numbers=numbers,
        old_number=old_number,
        to=to,
        new_label=new_label,
        changes=content.diff(old.content, new_doc),
    )


@bp.get("/<code>/feedback")
@staff_required
def feedback(code: str):
    matter = _matter_or_404(code)
    return render(
        "guides/feedback.html", "guides/_feedback_rows.html", matter=matter,
        page=page_of(visitors.feedback_query(matter)), summary=visitors.feedback_summary(matter),
    )  # fmt: skip


def _qr_target(code: str) -> str:
    return qr.public_url(url_for("guides_public.public_guide", code=_matter_or_404(code).code))


@bp.get("/<code>/qr.svg")
@staff_required
def qr_svg(code: str):
    return downloads.file_response(qr.svg_bytes(_qr_target(code)), f"guide-{code}.svg", "image/svg+xml")


@bp.get("/<code>/qr.png")
@staff_required
def qr_png(code: str):
    return downloads.file_response(qr.png_bytes(_qr_target(code)), f"guide-{code}.png", "image/png")


@bp.get("/qr-sheet.pdf")
@staff_required
def qr_sheet():
    category = request.args.get("category", "")
    if category and category not in CATEGORIES:
        abort(404)
    data = printing.qr_sheet_pdf(reading.published_matters(category), CATEGORIES.get(category))
    name = f"办事指南二维码-{CATEGORIES[category]}.pdf" if category else "办事指南二维码.pdf"
    return downloads.pdf_response(data, name)


@bp.get("/<code>/poster.pdf")
@staff_required
def poster(code: str):
    matter = _matter_or_404(code)
    if matter.status == ARCHIVED:
        chinese_abort(409, "该指南已归档，扫码将提示已下线，不再打印海报。如需使用，请先恢复为草稿并重新发布。")
    return downloads.pdf_response(printing.poster_pdf(matter), f"{matter.name}-指南海报.pdf")
