"""Public pages reached from a poster's QR code: read, sign up, keep the personal link, cancel.

They work on a phone without JavaScript. The personal link carries an unguessable token; it is the
only key to a registration, so it is never listed anywhere public.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser
from sqlalchemy import select

from hubapp import clock, qr
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.sessions import public_bp, services
from hubapp.blueprints.sessions.forms import signup_form_for
from hubapp.blueprints.sessions.models import BANK, REG_CANCELLED, TAX, WAITLISTED
from hubapp.blueprints.sessions.services import SessionError, SignupData
from hubapp.extensions import db, limiter

#: Key of the browser's cookie session: {session id: token} of the sign-ups made in this browser.
REMEMBERED = "session_signups"


def _session_or_404(session_id: int):
    session = services.get_session(session_id)
    if session is None:
        abort(404)
    return session


def _signup_limit() -> str:
    return current_app.config["SESSION_SIGNUP_LIMIT"]


def _enterprise_choices() -> list[tuple[str, str | None]]:
    """(name, credit code) for the name field's <datalist>: picking from the register works
    without JavaScript, and browsers match the typed text against the code shown as the label too."""
    return [tuple(row) for row in db.session.execute(select(Enterprise.name, Enterprise.uscc).order_by(Enterprise.name))]


def _signup_data(form, session) -> SignupData:
    collateral = {"yes": True, "no": False}.get(form.financing_collateral.data)
    return SignupData(
        enterprise_name=form.enterprise_name.data or "",
        uscc=(form.uscc.data or "").strip() or None,
        attendee_name=form.attendee_name.data or "",
        phone=(form.phone.data or "").strip(),
        position=form.position.data,
        questions=form.questions.data,
        financing_amount=form.financing_amount.data,
        financing_purpose=form.financing_purpose.data,
        financing_term=form.financing_term.data,
        financing_collateral=collateral,
        answers={q.id: getattr(form, f"q_{q.id}").data or "" for q in session.questions},
    )


def _remembered(session_id: int):
    """The registration this browser made for the session: whoever lost the confirmation page,
    or tapped 提交 twice, finds it again instead of a "phone already signed up" error."""
    token = browser.get(REMEMBERED, {}).get(str(session_id))
    found = services.registration_by_token(session_id, token) if token else None
    return found if found is not None and found.status != REG_CANCELLED else None


def _remember(registration) -> None:
    browser[REMEMBERED] = {**browser.get(REMEMBERED, {}), str(registration.session_id): registration.token}


@public_bp.route("/s/<int:session_id>", methods=["GET", "POST"])
@public
@limiter.limit(_signup_limit, methods=["POST"])
def signup(session_id: int):
    session = _session_or_404(session_id)
    form = signup_form_for(session)
    closed = services.signup_closed_reason(session)
    mine = _remembered(session.id)
    status = 200
    if form.is_submitted():
        status = 422
        typed_phone = (form.phone.data or "").strip()
        if mine is not None and mine.phone == typed_phone:
            flash("您已用该手机号报名本场活动，以下是您的报名信息。", "info")
            return redirect(url_for(".registration", session_id=session.id, token=mine.token))
        if form.validate() and not closed:
            try:
                registration = services.register(session.id, _signup_data(form, session))
            except SessionError as error:
                field = getattr(form, error.field, None) if error.field else None
                if field is not None:
                    field.errors.append(error.message)
                else:
                    closed = error.message
            else:
                _remember(registration)
                return redirect(url_for(".registration", session_id=session.id, token=registration.token))
    return (
        render_template(
            "sessions/public/signup.html",
            session=session,
            form=form,
            closed=closed,
            mine=mine,
            enterprises=_enterprise_choices(),
            is_bank=session.kind == BANK,
            is_tax=session.kind == TAX,
        ),
        status,
    )


@public_bp.get("/s/<int:session_id>/r/<token>")
@public
def registration(session_id: int, token: str):
    session = _session_or_404(session_id)
    found = services.registration_by_token(session.id, token)
    if found is None:
        abort(404)
    checkin_url = qr.public_url(url_for("sessions.checkin_scanned", session_id=session.id, token=found.token))
    return render_template(
        "sessions/public/registration.html",
        session=session,
        registration=found,
        position=services.waitlist_position(found) if found.status == WAITLISTED else None,
        closed=services.signup_closed_reason(session),
        checkin_qr=qr.svg(checkin_url, scale=6),
        now=clock.now(),
    )


@public_bp.post("/s/<int:session_id>/r/<token>/cancel")
@public
def cancel(session_id: int, token: str):
    session = _session_or_404(session_id)
    found = services.registration_by_token(session.id, token)
    if found is None:
        abort(404)
    if clock.now() >= session.start_at:
        # Seats freed once it has begun would promote people who are not coming.
        flash("活动已开始，不能再取消报名。", "error")
        return redirect(url_for(".registration", session_id=session.id, token=token))
    if request.form.get("confirm") != "yes":
        flash("请勾选“我确认取消本次报名”后再提交。", "error")
        return redirect(url_for(".registration", session_id=session.id, token=token))
    try:
        services.cancel_registration(found, actor_id=None, reason="本人通过报名链接取消")
    except SessionError as error:
        flash(error.message, "error")
    else:
        flash("您的报名已取消。感谢告知，名额将顺延给候补的企业。", "success")
    return redirect(url_for(".registration", session_id=session.id, token=token))
