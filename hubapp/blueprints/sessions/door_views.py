"""The door: check-in by scanned or typed code and from the list, waitlisted people let in, and
walk-ins. Scans come by htmx and get the result alone (with the counts, out of band); the page
works without it too."""

from flask import abort, request, url_for
from flask_login import current_user

from hubapp import actions, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.sessions import bp, door, outcomes, signup
from hubapp.blueprints.sessions.forms import CheckInForm, WalkInForm
from hubapp.blueprints.sessions.models import Session
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.extensions import db
from hubapp.htmx import render

#: What a scan gets back: the result, not the whole page.
RESULT_ONLY = "sessions/_door_result.html"


def _door(session: Session, status=200, result=None, error=None, walk_in_form=None, fragment="sessions/_checkin_rows.html"):
    """The door page; htmx gets the list (searching) or the scan result (scanning) alone."""
    search = request.args.get("q", "")
    return render(
        "sessions/checkin.html",
        fragment,
        status=status,
        session=session,
        page=params.page_of(signup.registrations_query(session.id, search)),
        search=search,
        result=result,
        error=error,
        form=CheckInForm(formdata=None),
        walk_in_form=walk_in_form or WalkInForm(formdata=None),
        attendance=outcomes.attendance(session.id),
        not_open=door.check_in_not_open_message(session),
    )


@bp.get("/<int:session_id>/checkin")
@staff_required
def checkin(session_id: int):
    return _door(db.get_or_404(Session, session_id))


def _scanned(session: Session, form: CheckInForm):
    """The registration a row's button or a scanned or typed code names, if it is of this session."""
    registration_id = params.id_from(form.registration_id.data)
    if registration_id is not None:
        return signup.get_registration(session.id, registration_id)
    if form.code.data:
        return signup.registration_by_token(session.id, door.token_from_scan(form.code.data))
    return None


@bp.post("/<int:session_id>/checkin")
@staff_required
def checkin_post(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = CheckInForm()
    if not form.validate():
        return _door(session, status=422, error="请求无效，请刷新页面后重试。", fragment=RESULT_ONLY)
    registration = _scanned(session, form)
    if registration is None:
        message = "未找到该签到码对应的报名，请确认是本场活动的签到码，或在名单中搜索。"
        return _door(session, status=422, error=message, fragment=RESULT_ONLY)
    admit = door.admit_at_door if form.admit.data == "1" else door.check_in
    outcome = actions.attempt(lambda: admit(current_user, registration))
    if not outcome.ok:
        return _door(session, status=outcome.status, error=outcome.message, fragment=RESULT_ONLY)
    response = _door(session, result=outcome.value, fragment=RESULT_ONLY)
    response.headers["HX-Trigger"] = "checked-in"
    return response


@bp.get("/<int:session_id>/checkin/<token>")
@staff_required
def checkin_scanned(session_id: int, token: str):
    """Where a check-in QR leads when scanned with the phone's own camera: confirm with one tap."""
    session = db.get_or_404(Session, session_id)
    registration = signup.registration_by_token(session.id, token)
    if registration is None:
        abort(404)
    return render("sessions/checkin_scanned.html", session=session, registration=registration, form=CheckInForm(),
                  not_open=door.check_in_not_open_message(session))  # fmt: skip


def _walk_in_from(form: WalkInForm) -> SignupData:
    return SignupData(
        enterprise_name=form.enterprise_name.data,
        attendee_name=form.attendee_name.data,
        phone=form.phone.data,
        position=form.position.data,
    )


@bp.post("/<int:session_id>/walkin")
@staff_required
def walk_in(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = WalkInForm()
    outcome = actions.submit(form, lambda: door.add_walk_in(current_user, session, _walk_in_from(form)))
    if not outcome.ok:
        return _door(session, status=outcome.status, walk_in_form=form)
    registration = outcome.value
    return actions.done(
        f"已登记并签到：{registration.attendee_name}（{registration.enterprise_name}）。", url_for(".checkin", session_id=session.id)
    )
