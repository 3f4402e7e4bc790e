"""Department pages (部门单位): the list everyone may read, one department with its liaison
accounts, and the forms staff keep them with."""

from flask import request, url_for
from flask_login import current_user

from hubapp import actions
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory import bp, departments, services
from hubapp.blueprints.directory.models import Department
from hubapp.blueprints.directory.register_forms import DepartmentForm
from hubapp.extensions import db
from hubapp.htmx import render


@bp.get("/departments", endpoint="departments")
def department_list():
    everyone = services.departments(include_inactive=True)
    return render(
        "directory/departments.html",
        active=[d for d in everyone if d.active],
        inactive=[d for d in everyone if not d.active],
    )


def _details(form: DepartmentForm) -> departments.DepartmentDetails:
    return departments.DepartmentDetails(
        name=form.name.data, short_name=form.short_name.data, joint_meeting_member=form.joint_meeting_member.data,
        contact_name=form.contact_name.data, phone=form.phone.data, sort_order=form.sort_order.data,
        robot_webhook=form.robot_webhook.data,
    )  # fmt: skip


@bp.route("/departments/new", methods=["GET", "POST"])
@staff_required
def new_department():
    form = DepartmentForm()
    if request.method == "GET":
        form.joint_meeting_member.data = True
        return render("directory/department_form.html", form=form, department=None)
    outcome = actions.submit(form, lambda: departments.create_department(current_user, _details(form)))
    if not outcome.ok:
        return render("directory/department_form.html", form=form, department=None, status=outcome.status)
    department = outcome.value
    return actions.done(f"已添加{department.name}。", url_for("directory.department", department_id=department.id))


@bp.get("/departments/<int:department_id>")
@staff_required
def department(department_id: int):
    department = db.get_or_404(Department, department_id)
    return render("directory/department.html", department=department, liaisons=accounts.liaisons(department.id))


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_department(department_id: int):
    department = db.get_or_404(Department, department_id)
    form = DepartmentForm(obj=department)
    if request.method == "GET":
        return render("directory/department_form.html", form=form, department=department)
    outcome = actions.submit(form, lambda: departments.update_department(current_user, department, _details(form)))
    if not outcome.ok:
        return render("directory/department_form.html", form=form, department=department, status=outcome.status)
    return actions.done(f"已保存{department.name}。", url_for("directory.department", department_id=department.id))


@bp.post("/departments/<int:department_id>/active")
@staff_required
def set_department_active(department_id: int):
    department = db.get_or_404(Department, department_id)
    active = request.form.get("active") == "1"
    outcome = actions.attempt(lambda: departments.set_active(current_user, department, active))
    here = url_for("directory.department", department_id=department.id)
    if not outcome.ok:
        return actions.refused(outcome.message, here)
    return actions.done(f"已{'恢复' if active else '停用'}{department.name}。", here)


@bp.post("/departments/<int:department_id>/delete")
@staff_required
def delete_department(department_id: int):
    department = db.get_or_404(Department, department_id)
    name = department.name
    outcome = actions.attempt(lambda: departments.delete_department(current_user, department))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("directory.department", department_id=department_id))
    return actions.done(f"已删除{name}。", url_for("directory.departments"))
