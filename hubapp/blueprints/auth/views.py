from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from sqlalchemy import select

from hubapp import actions, downloads, params
from hubapp.audit import AuditEntry
from hubapp.blueprints.auth import audit_log, bp, services, throttle
from hubapp.blueprints.auth.forms import LoginForm, PasswordChangeForm, ResetPasswordForm, UserForm
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import ROLE_LABELS, admin_required, public
from hubapp.blueprints.directory import services as directory
from hubapp.extensions import db, login_manager
from hubapp.forms import options
from hubapp.htmx import is_htmx, render
from hubapp.params import page_of
from hubapp.security import safe_next


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")), 303)
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 422
    wait = throttle.wait_seconds(form.username.data)
    if wait:
        # Checked before the password, so that guessing on at the limit learns nothing.
        form.add_error(f"登录失败次数过多，操作过于频繁，请{throttle.wait_text(wait)}后再试。", "password")
        return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
    user = actions.attempt(lambda: services.authenticate(form.username.data, form.password.data)).value
    if user is None:
        throttle.failed(form.username.data)
        form.add_error("用户名或密码不正确，或账号已停用。", "password")
        return render_template("auth/login.html", form=form), 401
    login_user(user, remember=form.remember.data)
    flash(f"欢迎，{user.display_name}。", "success")
    return redirect(safe_next(request.args.get("next")), 303)


@bp.post("/logout")
@login_required
def logout():
    user = current_user._get_current_object()
    actions.attempt(lambda: services.log_out_everywhere(user))
    logout_user()
    flash("您已退出登录，该账号在其他设备上的登录也已退出。", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    forced = current_user.must_change_password
    if request.method == "GET":
        return render("auth/password.html", form=form, forced=forced)
    outcome = actions.submit(
        form, lambda: services.change_own_password(current_user, form.current_password.data, form.new_password.data)
    )
    if not outcome.ok:
        return render("auth/password.html", form=form, forced=forced, status=outcome.status)
    # The change ended every session of the user, this one too: carry on here with the new version.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies
    login_user(current_user._get_current_object(), remember=remembered)
    return actions.done("密码已修改，该账号在其他设备上的登录已退出。", url_for("core.home"))


#: What a user who must change their password may still reach: the password page, logging out,
#: and what the pages themselves load.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


@bp.before_app_request
def require_password_change():
    """After an admin set the password (a new account, a reset), every page leads to the password
    page until the user has chosen their own. Public pages stay as they are."""
    if request.endpoint is None or request.endpoint in PASSWORD_CHANGE_ENDPOINTS:
        return None
    # Before current_user: a public page (a scanned QR code) need not load anyone.
    if getattr(current_app.view_functions.get(request.endpoint), "is_public", False):
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    target = url_for("auth.change_password")
    if is_htmx():
        # htmx would swap a redirect's page into a fragment's place: ask it to go there instead.
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def _user_choices(form: UserForm, user: User | None) -> None:
    """Departments in use (and the user's own, even if deactivated since); every grid."""
    departments = directory.departments()
    if user is not None and user.department is not None and not user.department.active:
        departments.append(user.department)
    form.department_id.choices = options(
        [(0, "（无）")] + [(d.id, d.name + ("（已停用）" if not d.active else "")) for d in departments]
    )
    form.grid_ids.choices = options([(g.id, g.label) for g in directory.grids()])


def _profile(form: UserForm) -> services.Profile:
    return services.Profile(
        display_name=form.display_name.data,
        role=form.role.data,
        department_id=form.department_id.data or None,
        grid_ids=tuple(form.grid_ids.data or ()),
        phone=form.phone.data,
    )


@bp.get("/admin/users")
@admin_required
def users():
    role = request.args.get("role") if request.args.get("role") in ROLE_LABELS else None
    search = request.args.get("q", "")
    return render(
        "auth/users.html", "auth/_user_rows.html",
        page=page_of(services.users_query(role, search)), role=role, search=search, roles=ROLE_LABELS,
    )  # fmt: skip


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def new_user():
    form = UserForm()
    _user_choices(form, None)
    if request.method == "GET":
        # Links from a grid's or a department's page say what the account is for.
        if request.args.get("role") in ROLE_LABELS:
            form.role.data = request.args["role"]
        form.department_id.data = params.int_arg("department", 0)
        form.grid_ids.data = params.int_args("grid")[:1]
        return render("auth/user_form.html", form=form, user=None)
    outcome = actions.submit(
        form,
        lambda: services.create_user(
            current_user, form.username.data, form.password.data or "", _profile(form), form.must_change_password.data
        ),
    )
    if not outcome.ok:
        return render("auth/user_form.html", form=form, user=None, status=outcome.status)
    return actions.done(f"已创建用户 {outcome.value.username}。", url_for("auth.users"))


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _user_choices(form, user)
    reset_form = ResetPasswordForm(prefix="reset")
    if request.method == "GET":
        form.department_id.data = user.department_id or 0
        form.grid_ids.data = [g.id for g in user.grids]
        return render("auth/user_form.html", form=form, user=user, reset_form=reset_form)
    form.username.data = user.username
    outcome = actions.submit(form, lambda: services.update_user(current_user, user, _profile(form)))
    if not outcome.ok:
        return render("auth/user_form.html", form=form, user=user, reset_form=reset_form, status=outcome.status)
    return actions.done("用户信息已保存。", url_for("auth.users"))


@bp.post("/admin/users/<int:user_id>/active")
@admin_required
def set_user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    outcome = actions.attempt(lambda: services.set_active(current_user, user, active))
    if not outcome.ok:
        flash(outcome.message, "error")
        return redirect(url_for("auth.edit_user", user_id=user.id)), outcome.status
    return actions.done(f"已{'启用' if active else '停用'}用户 {user.username}。", url_for("auth.users"))


@bp.post("/admin/users/<int:user_id>/password")
@admin_required
def reset_user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    reset_form = ResetPasswordForm(prefix="reset")
    outcome = actions.submit(
        reset_form,
        lambda: services.reset_password(current_user, user, reset_form.new_password.data, reset_form.must_change.data),
    )
    if outcome.ok:
        then = "，对方下次登录时须先修改密码" if reset_form.must_change.data else ""
        return actions.done(f"已重置 {user.username} 的密码{then}。", url_for("auth.edit_user", user_id=user.id))
    form = UserForm(obj=user)
    _user_choices(form, user)
    form.department_id.data = user.department_id or 0
    form.grid_ids.data = [g.id for g in user.grids]
    return render("auth/user_form.html", form=form, user=user, reset_form=reset_form, status=outcome.status)


@bp.post("/admin/users/<int:user_id>/unlock-login")
@admin_required
def unlock_login(user_id: int):
    user = db.get_or_404(User, user_id)
    actions.attempt(lambda: throttle.unlock(current_user, user))
    return actions.done(f"已解除 {user.username} 的登录限制，可以立即重新登录。", url_for("auth.edit_user", user_id=user.id))


def _log_filters() -> audit_log.LogFilters:
    filters = audit_log.LogFilters(
        **{key: request.args.get(key, "").strip()[:60] for key in ("object_type", "object_id", "action", "actor")},
        since=params.optional_day_arg("since"),
        until=params.optional_day_arg("until"),
    )
    if filters.since and filters.until and filters.until < filters.since:
        filters.since, filters.until = filters.until, filters.since
    return filters


@bp.get("/admin/audit", endpoint="audit_log")
@admin_required
def audit_log_page():
    filters = _log_filters()
    page = page_of(filters.query())
    object_types = db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    return render(
        "auth/audit.html",
        "auth/_audit_rows.html",
        page=page,
        actors=audit_log.actors_of(page.items),
        names=audit_log.names_of(page.items),
        filters=filters,
        object_types=object_types,
        log=audit_log,
    )


@bp.get("/admin/audit.xlsx", endpoint="audit_log_export")
@admin_required
def audit_log_export():
    filters = _log_filters()
    span = "至".join(day.strftime("%Y%m%d") for day in (filters.since, filters.until) if day)
    return downloads.xlsx_response(audit_log.export(filters), f"操作日志{span}.xlsx")


@bp.before_app_request
def require_login():
    """Every page needs a login unless its view is marked ``@public`` (see design: stable addresses)."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return login_manager.unauthorized()
