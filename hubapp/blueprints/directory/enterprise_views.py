"""The enterprise register's pages: the list (search, grid, kind and status), an enterprise's page
with its history, adding and editing one, deactivating it (after a confirmation page that asks
why) and reactivating it, and the Excel template, export and import (upload → preview →
confirm). Thin: each reads the request, asks ``services``, ``register``, ``imports`` or
``exports``, and renders."""

from dataclasses import dataclass
from math import ceil

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, audit, clock, concurrency, downloads, params
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory import bp, exports, forms, imports, register, services, sheet
from hubapp.blueprints.directory.layout import COLUMNS
from hubapp.blueprints.directory.models import ENTERPRISE_KINDS, Enterprise
from hubapp.blueprints.directory.register import FIELDS, EnterpriseData
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.forms import options
from hubapp.htmx import render
from hubapp.params import page_of

#: Room for the multipart wrapping around the file itself.
UPLOAD_OVERHEAD = 64 * 1024
PREVIEW_PAGE_SIZE = 100


def _party_of(enterprises) -> dict:
    """Each enterprise's party organisation, as the party module's records hold it."""
    from hubapp.blueprints.party import organisations as party

    return party.covering_of(e.id for e in enterprises)


def _filters() -> dict:
    args = request.args
    return {
        "search": args.get("q", ""),
        "grid_id": params.int_arg("grid"),
        "kind": args.get("kind") if args.get("kind") in ENTERPRISE_KINDS else None,
        "status": args.get("status") if args.get("status") in services.STATUS_FILTERS else services.ALL,
        "above_size": args.get("size") == "above",
    }


@bp.get("/enterprises")
def enterprises():
    filters = _filters()
    page = page_of(services.enterprise_query(**filters))
    return render(
        "directory/enterprises.html", "directory/_enterprise_rows.html",
        page=page, filters=filters, grids=services.grids(), kinds=ENTERPRISE_KINDS, statuses=services.STATUS_FILTERS,
        party_of=_party_of(page.items),
        register_empty=page.total == 0 and not services.has_enterprises(),
    )  # fmt: skip


@bp.get("/enterprises/<int:enterprise_id>")
def enterprise(enterprise_id: int):
    found = db.get_or_404(Enterprise, enterprise_id)
    history = list(reversed(audit.entries_for("enterprise", found.id)))
    return render(
        "directory/enterprise.html", enterprise=found, history=history, party=_party_of([found]).get(found.id),
        names=accounts.display_names(entry.actor_id for entry in history),
    )  # fmt: skip


# --- adding and editing ----------------------------------------------------------------------


def _with_grids(form: forms.EnterpriseForm) -> forms.EnterpriseForm:
    form.grid_id.choices = options([(0, "未划分网格")] + [(g.id, g.label) for g in services.grids()])
    return form


def _enterprise_form(enterprise: Enterprise | None = None, saved: bool = False) -> forms.EnterpriseForm:
    """The form as submitted; drawn from ``enterprise`` (and stamped with its version) when the
    edit page is first shown, or, ``saved``, as the record is saved now (for the conflict table)."""
    form = _with_grids(forms.EnterpriseForm(formdata=None) if saved else forms.EnterpriseForm())
    if enterprise is not None and (saved or request.method == "GET"):
        concurrency.stamp(form, enterprise)
        for name in FIELDS:
            form[name].data = getattr(enterprise, name)
        form.grid_id.data = enterprise.grid_id or 0
    return form


def _data_from(form: forms.EnterpriseForm) -> EnterpriseData:
    return EnterpriseData(
        name=form.name.data or "", uscc=form.uscc.data or "", kind=form.kind.data or "",
        short_name=form.short_name.data, grid_id=form.grid_id.data or None, address=form.address.data,
        industry=form.industry.data, above_designated_size=bool(form.above_designated_size.data),
        contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data, notes=form.notes.data,
    )  # fmt: skip


def _form_page(form, enterprise: Enterprise | None, outcome=None, conflict=None):
    status = actions.form_status(form, outcome, conflict)
    return render(
        "directory/enterprise_form.html", status=status, form=form, enterprise=enterprise,
        industries=services.industries(), conflict=conflict,
    )  # fmt: skip


@bp.route("/enterprises/new", methods=["GET", "POST"])
@staff_required
def new_enterprise():
    form = _enterprise_form()
    if request.method == "GET":
        form.grid_id.data = params.int_arg("grid", 0)
        return _form_page(form, None)
    outcome = actions.submit(form, lambda: register.create_enterprise(current_user, _data_from(form)))
    if not outcome.ok:
        return _form_page(form, None, outcome)
    made = outcome.value
    return actions.done(f"已新增企业{quoted(made.name)}。", url_for("directory.enterprise", enterprise_id=made.id))


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_enterprise(enterprise_id: int):
    found = db.get_or_404(Enterprise, enterprise_id)
    form = _enterprise_form(found)
    if request.method == "GET":
        return _form_page(form, found)
    outcome = actions.submit(
        form, lambda: register.update_enterprise(current_user, found, _data_from(form), concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _enterprise_form(found, saved=True))
        return _form_page(form, found, outcome, conflict)
    return actions.done("企业信息已保存。", url_for("directory.enterprise", enterprise_id=found.id))


# --- deactivating and reactivating -----------------------------------------------------------


@bp.route("/enterprises/<int:enterprise_id>/deactivate", methods=["GET", "POST"])
@staff_required
def deactivate_enterprise(enterprise_id: int):
    found = db.get_or_404(Enterprise, enterprise_id)
    back = url_for("directory.enterprise", enterprise_id=found.id)
    form = forms.DeactivateForm()
    if request.method == "GET":
        if not found.active:
            return actions.refused("该企业已停用。", back)
        return render("directory/deactivate.html", form=form, enterprise=found)
    outcome = actions.submit(form, lambda: register.deactivate(current_user, found, form.reason.data))
    if outcome.conflict:
        return actions.refused(outcome.message, back)
    if not outcome.ok:
        return render("directory/deactivate.html", status=outcome.status, form=form, enterprise=found)
    return actions.done(f"已停用{quoted(found.name)}：其诉求、报名、走访记录均保留，选择企业时不再列出。", back)


@bp.post("/enterprises/<int:enterprise_id>/reactivate")
@staff_required
def reactivate_enterprise(enterprise_id: int):
    found = db.get_or_404(Enterprise, enterprise_id)
    back = url_for("directory.enterprise", enterprise_id=found.id)
    outcome = actions.attempt(lambda: register.reactivate(current_user, found))
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done(f"已重新启用{quoted(found.name)}。", back)


# --- Excel -------------------------------------------------------------------------------------


@bp.get("/enterprises/template.xlsx")
@staff_required
def enterprise_template():
    return downloads.xlsx_response(exports.template_workbook(services.grids()), "企业名录导入模板.xlsx")


@bp.get("/enterprises/export.xlsx")
@staff_required
def enterprise_export():
    rows = list(db.session.scalars(services.enterprise_query(**_filters())))
    party_names = {enterprise_id: o.name for enterprise_id, o in _party_of(rows).items()}
    data = exports.register_workbook(rows, services.grids(), party_names)
    return downloads.xlsx_response(data, f"企业名录-{clock.today():%Y%m%d}.xlsx")


def _upload_page(form, status: int = 200):
    return render(
        "directory/import.html", status=status, form=form, columns=COLUMNS, max_mb=sheet.MAX_BYTES // 1024 // 1024,
        max_rows=sheet.MAX_ROWS,
    )  # fmt: skip


@bp.route("/enterprises/import", methods=["GET", "POST"])
@staff_required
def import_upload():
    # Set before the form reads the body: a larger upload is refused without being stored.
    request.max_content_length = sheet.MAX_BYTES + UPLOAD_OVERHEAD
    if request.method == "POST" and (request.content_length or 0) > request.max_content_length:
        form = forms.UploadForm(formdata=None)
        form.add_error(f"文件超过{sheet.MAX_BYTES // 1024 // 1024}MB，请分成几个文件导入。", "file")
        return _upload_page(form, 413)
    form = forms.UploadForm()
    if request.method == "GET":
        return _upload_page(form)
    outcome = actions.submit(
        form, lambda: imports.store_upload(current_user, form.file.data.filename, form.file.data.read())
    )
    if not outcome.ok:
        return _upload_page(form, outcome.status)
    return actions.done("文件已上传，请核对预览后确认导入。", url_for("directory.import_preview", token=outcome.value.token))


def _upload_of(token: str):
    upload = imports.find_upload(current_user, token)
    if upload is None:
        chinese_abort(404, "该导入已完成、已取消或已超过24小时，请重新上传文件。")
    return upload


@dataclass
class ListPage:
    """One page of rows held in memory, with what the ``pagination`` macro reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _list_page(rows: list) -> ListPage:
    number = params.page_number()
    start = (number - 1) * PREVIEW_PAGE_SIZE
    return ListPage(rows[start : start + PREVIEW_PAGE_SIZE], number, PREVIEW_PAGE_SIZE, len(rows))


def _preview(upload, status: int = 200, form=None, notice: str | None = None):
    try:
        plan = imports.plan(upload.content)
    except sheet.SheetProblem as problem:
        form = forms.UploadForm(formdata=None)
        form.add_error(str(problem), "file")
        return _upload_page(form, 422)
    form = form or forms.ConfirmImportForm(formdata=None)
    form.digest.data, form.digest.raw_data = plan.digest, [plan.digest]
    counts = plan.counts
    shown = request.args.get("show")
    if shown not in counts:
        shown = next((action for action in (imports.ERROR, imports.ADD, imports.UPDATE) if counts[action]), imports.UNCHANGED)
    return render(
        "directory/import_preview.html", status=status, upload=upload, plan=plan, counts=counts, shown=shown,
        page=_list_page(plan.of(shown)), form=form, notice=notice, kinds=ENTERPRISE_KINDS,
    )  # fmt: skip


@bp.get("/enterprises/import/<token>")
@staff_required
def import_preview(token: str):
    return _preview(_upload_of(token))


@bp.post("/enterprises/import/<token>")
@staff_required
def import_confirm(token: str):
    upload = _upload_of(token)
    form = forms.ConfirmImportForm()
    outcome = actions.submit(
        form, lambda: imports.confirm(current_user, upload, form.digest.data or "", bool(form.skip_errors.data))
    )
    if outcome.conflict:
        still = imports.find_upload(current_user, token)
        if still is None:
            return actions.refused(outcome.message, url_for("directory.enterprises"))
        return _preview(still, outcome.status, notice=outcome.message)
    if not outcome.ok:
        return _preview(upload, outcome.status, form=form)
    result = outcome.value
    skipped = f"，跳过{result.skipped}行有错误的行" if result.skipped else ""
    return actions.done(f"导入完成：新增{result.added}家企业，更新{result.updated}家{skipped}。", url_for("directory.enterprises"))


@bp.post("/enterprises/import/<token>/discard")
@staff_required
def import_discard(token: str):
    upload = _upload_of(token)
    actions.attempt(lambda: imports.discard(current_user, upload))
    return actions.done("已取消本次导入，名录未作任何改动。", url_for("directory.enterprises"))
