"""Staff pages: the list, the editing form, publishing and versions, feedback, QR codes and PDFs."""

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user

from hubapp import downloads, qr
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.guides import bp, printing, services, viewcount
from hubapp.blueprints.guides.forms import GuideForm, apply_row_op, form_data_from
from hubapp.blueprints.guides.models import ARCHIVED, CATEGORIES, STATUS_LABELS, Matter
from hubapp.blueprints.guides.services import GuideError
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.htmx import render

#: The list's filter for the published guides the home page flags as due for review.
STALE = "stale"


def _matter_or_404(code: str) -> Matter:
    matter = services.get_by_code(code)
    if matter is None:
        abort(404)
    return matter


@bp.get("/")
@staff_required
def index():
    search = request.args.get("q", "").strip()
    category = request.args.get("category", "")
    status = request.args.get("status", "")
    days = services.review_days(current_app.config)
    page = db.paginate(
        services.matter_query(
            search,
            category if category in CATEGORIES else "",
            status if status in STATUS_LABELS else "",
            stale_days=days if status == STALE else None,
        ),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "guides/index.html",
        "guides/_rows.html",
        page=page,
        search=search,
        category=category,
        status_filter=status,
        categories=CATEGORIES,
        statuses={**STATUS_LABELS, STALE: "待复核"},
        stale_ids={m.id for m in page.items if services.is_stale(m, days)},
    )


def _form_page(form: GuideForm, matter: Matter | None, status: int = 200):
    return render("guides/form.html", "guides/_form.html", status=status, form=form, matter=matter)


def _with_row_op(matter: Matter | None):
    """A row button was pressed: add/remove/move the row and show the form again, nothing saved."""
    formdata = apply_row_op(request.form, request.form["row_op"])
    form = GuideForm(formdata=formdata)
    if matter is not None:
        form.code.data = matter.code
    return _form_page(form, matter)


def _save_errors(form: GuideForm, error: GuideError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        flash(error.message, "error")


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    if request.method == "POST" and "row_op" in request.form:
        return _with_row_op(None)
    form = GuideForm()
    if request.method == "GET":
        for name in ("materials", "steps"):
            getattr(form, name).append_entry()
    if form.validate_on_submit():
        try:
            matter = services.create_matter(current_user.id, form.code.data, form.guide_data())
        except GuideError as error:
            db.session.rollback()
            _save_errors(form, error)
        else:
            flash("已保存为草稿。补全内容后可发布。", "success")
            return redirect(url_for("guides.detail", code=matter.code))
    return _form_page(form, None, 422 if request.method == "POST" else 200)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@staff_required
def edit(code: str):
    matter = _matter_or_404(code)
    if request.method == "GET" and matter.status == ARCHIVED:
        flash("已归档的指南不能修改，请先恢复为草稿。", "error")
        return redirect(url_for("guides.detail", code=matter.code))
    if request.method == "POST" and "row_op" in request.form:
        return _with_row_op(matter)
    form = GuideForm(data=form_data_from(matter)) if request.method == "GET" else GuideForm()
    # The code is printed on QR codes: it is shown, never taken from the form.
    form.code.data = matter.code
    if form.validate_on_submit():
        try:
            changed = services.update_matter(matter, current_user.id, form.guide_data())
        except GuideError as error:
            db.session.rollback()
            _save_errors(form, error)
        else:
            if not changed:
                flash("没有修改。", "info")
            elif matter.status == "published":
                flash("已保存：" + "、".join(changed) + "。公开页面在重新发布后才会更新。", "success")
            else:
                flash("已保存：" + "、".join(changed) + "。", "success")
            return redirect(url_for("guides.detail", code=matter.code))
    return _form_page(form, matter, 422 if request.method == "POST" else 200)


@bp.get("/<code>")
@staff_required
def detail(code: str):
    # Before the first read: on SQLite the request's snapshot starts there, and should see them.
    viewcount.flush()
    matter = _matter_or_404(code)
    days = services.review_days(current_app.config)
    return render(
        "guides/detail.html",
        matter=matter,
        missing=services.missing_for_publication(matter),
        unpublished=services.has_unpublished_changes(matter),
        stale=services.is_stale(matter, days),
        review_days=days,
        views=services.daily_views(matter, 30),
        total_views=services.total_views(matter),
        summary=services.feedback_summary(matter),
        recent_feedback=db.session.scalars(services.feedback_query(matter).limit(5)).all(),
        public_url=printing.guide_url(matter),
        qr_svg=qr.svg(printing.guide_url(matter)),
    )


def _state_change(code: str, action, done: str):
    matter = _matter_or_404(code)
    try:
        action(matter)
    except GuideError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("guides.detail", code=matter.code))


@bp.post("/<code>/publish")
@staff_required
def publish(code: str):
    return _state_change(code, lambda m: services.publish(m, current_user.id), "已发布，公开页面已更新。")


@bp.post("/<code>/archive")
@staff_required
def archive(code: str):
    return _state_change(code, lambda m: services.archive(m, current_user.id), "已归档，扫码将提示该指南已下线。")


@bp.post("/<code>/reopen")
@staff_required
def reopen(code: str):
    return _state_change(code, lambda m: services.reopen(m, current_user.id), "已恢复为草稿。")


@bp.post("/<code>/review")
@staff_required
def review(code: str):
    return _state_change(code, lambda m: services.mark_reviewed(m, current_user.id), "已记录复核日期。")


@bp.post("/<code>/versions/<int:number>/restore")
@staff_required
def restore(code: str, number: int):
    return _state_change(
        code,
        lambda m: services.restore_version(m, number, current_user.id),
        f"已将第{number}版内容恢复到编辑稿，检查无误后请发布。",
    )


@bp.get("/<code>/versions/<int:number>")
@staff_required
def version(code: str, number: int):
    matter = _matter_or_404(code)
    found = services.get_version(matter, number)
    if found is None:
        abort(404)
    return render("guides/version.html", matter=matter, version=found, doc=found.content)


@bp.get("/<code>/preview")
@staff_required
def preview(code: str):
    """The working copy as the public will see it once published."""
    matter = _matter_or_404(code)
    return render("guides/version.html", matter=matter, version=None, doc=services.snapshot(matter))


@bp.get("/<code>/diff")
@staff_required
def diff(code: str):
    """Two versions side by side; ``to=current`` compares with the unpublished working copy."""
    matter = _matter_or_404(code)
    numbers = [v.number for v in matter.versions]
    if not numbers:
        flash("还没有发布过的版本。", "info")
        return redirect(url_for("guides.detail", code=code))
    old_number = request.args.get("from", type=int) or (numbers[1] if len(numbers) > 1 else numbers[0])
    to = request.args.get("to", "current" if len(numbers) == 1 else str(numbers[0]))
    old = services.get_version(matter, old_number)
    if old is None:
        abort(404)
    if to == "current":
        new_content, new_label = services.snapshot(matter), "编辑稿"
    else:
        new = services.get_version(matter, int(to)) if to.isdigit() else None
        if new is None:
            abort(404)
        new_content, new_label = new.content, f"第{new.number}版"
    return render(
        "guides/diff.html",
        matter=matter,
        numbers=numbers,
        old_number=old_number,
        to=to,
        new_label=new_label,
        changes=services.diff(old.content, new_content),
    )


@bp.get("/<code>/feedback")
@staff_required
def feedback(code: str):
    matter = _matter_or_404(code)
    page = db.paginate(services.feedback_query(matter), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render(
        "guides/feedback.html", "guides/_feedback_rows.html", matter=matter, page=page,
        summary=services.feedback_summary(matter),
    )  # fmt: skip


def _qr_target(code: str) -> str:
    return qr.public_url(url_for("guides_public.public_guide", code=_matter_or_404(code).code))


@bp.get("/<code>/qr.svg")
@staff_required
def qr_svg(code: str):
    response = make_response(qr.svg_bytes(_qr_target(code)))
    response.mimetype = "image/svg+xml"
    response.headers["Content-Disposition"] = f"attachment; filename=guide-{code}.svg"
    return response


@bp.get("/<code>/qr.png")
@staff_required
def qr_png(code: str):
    response = make_response(qr.png_bytes(_qr_target(code)))
    response.mimetype = "image/png"
    response.headers["Content-Disposition"] = f"attachment; filename=guide-{code}.png"
    return response


@bp.get("/qr-sheet.pdf")
@staff_required
def qr_sheet():
    category = request.args.get("category", "")
    if category and category not in CATEGORIES:
        abort(404)
    data = printing.qr_sheet_pdf(services.published_matters(category), CATEGORIES.get(category))
    name = f"办事指南二维码-{CATEGORIES[category]}.pdf" if category else "办事指南二维码.pdf"
    return downloads.pdf_response(data, name)


@bp.get("/<code>/poster.pdf")
@staff_required
def poster(code: str):
    matter = _matter_or_404(code)
    if matter.status == ARCHIVED:
        chinese_abort(409, "该指南已归档，扫码将提示已下线，不再打印海报。如需使用，请先恢复为草稿并重新发布。")
    return downloads.pdf_response(printing.poster_pdf(matter), f"{matter.name}-指南海报.pdf")
