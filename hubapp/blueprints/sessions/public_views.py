"""Public pages reached from a poster's QR code: read, sign up, keep the personal link, cancel.

They work on a phone without JavaScript. The personal link carries an unguessable token; it is the
only key to a registration, so it is never listed anywhere public.
"""

from collections.abc import Mapping
from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser

from hubapp import actions, clock, pagecache, qr
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.sessions import door, planning, public_bp, signup
from hubapp.blueprints.sessions.forms import signup_form_for
from hubapp.blueprints.sessions.models import BANK, REG_CANCELLED, TAX, WAITLISTED, Session
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.extensions import db, limiter, reads_unlimited

#: Key of the browser's cookie session: {session id: token} of the sign-ups made in this browser.
REMEMBERED = "session_signups"


def _signup_limit() -> str:
    return current_app.config["SESSION_SIGNUP_LIMIT"]


def _signup_data(form, session: Session) -> SignupData:
    collateral = {"yes": True, "no": False}.get(form.financing_collateral.data)
    return SignupData(
        enterprise_name=form.enterprise_name.data or "",
        uscc=(form.uscc.data or "").strip() or None,
        attendee_name=form.attendee_name.data or "",
        phone=form.phone.data or "",
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
    found = signup.registration_by_token(session_id, token) if token else None
    return found if found is not None and found.status != REG_CANCELLED else None


def _remember(registration) -> None:
    browser[REMEMBERED] = {**browser.get(REMEMBERED, {}), str(registration.session_id): registration.token}


def _registration_page(session: Session, token: str) -> str:
    return url_for(".registration", session_id=session.id, token=token)


@public_bp.get("/s/")
@reads_unlimited
@public
def index():
    """The stable address on the centre's own code: every session still open for sign-up."""
    return pagecache.cached(pagecache.SESSIONS, "index", _render_index)


def _render_index() -> pagecache.Page:
    now = clock.now()
    sessions = planning.open_for_signup()
    html = render_template(
        "sessions/public/index.html",
        sessions=sessions,
        closed={s.id: signup.signup_closed_reason(s, now) for s in sessions},
    )
    return pagecache.Page(html, expires_at=signup.next_signup_change(sessions, now))


@public_bp.get("/s/<int:session_id>", endpoint="signup")
@reads_unlimited
@public
def signup_page(session_id: int):
    signed_up_here = partial(_signed_up_for, session_id)
    if signed_up_here(browser):
        return _signup(session_id)
    return pagecache.cached(
        pagecache.SESSIONS, ("signup", session_id), lambda: _render_shared_signup(session_id), personal=signed_up_here
    )


def _signed_up_for(session_id: int, visitor: Mapping) -> bool:
    """Whether the browser's session remembers a sign-up for the session: its page is their own."""
    remembered = visitor.get(REMEMBERED)
    return isinstance(remembered, dict) and str(session_id) in remembered


# A view of its own, so that the limit is checked on sign-ups only, not on every read of the page.
@public_bp.post("/s/<int:session_id>", endpoint="signup_submit")
@public
@limiter.limit(_signup_limit)
def signup_submit(session_id: int):
    return _signup(session_id)


def _signup(session_id: int):
    """The sign-up page for a browser that signed up here before, and every sign-up sent."""
    session = db.get_or_404(Session, session_id)
    form = signup_form_for(session)
    closed = signup.signup_closed_reason(session)
    mine = _remembered(session.id)
    status = 200
    if form.is_submitted():
        status = 422
        if mine is not None and mine.phone == (form.phone.data or ""):
            flash("您已用该手机号报名本场活动，以下是您的报名信息。", "info")
            return redirect(_registration_page(session, mine.token), 303)
        if form.validate() and not closed:
            outcome = actions.attempt(lambda: signup.register(None, session, _signup_data(form, session)))
            if outcome.ok:
                _remember(outcome.value)
                return redirect(_registration_page(session, outcome.value.token), 303)
            if outcome.error.field:
                form.add_error(outcome.message, outcome.error.field)
            else:
                # The window closed (or the session was cancelled) while they typed.
                closed = outcome.message
    return _signup_template(session, form, closed, mine), status


def _signup_template(session: Session, form, closed: str | None, mine) -> str:
    return render_template(
        "sessions/public/signup.html",
        session=session,
        form=form,
        closed=closed,
        mine=mine,
        is_bank=session.kind == BANK,
        is_tax=session.kind == TAX,
    )


def _render_shared_signup(session_id: int) -> pagecache.Page:
    """The sign-up page as everyone sees it who has not signed up for the session in this browser."""
    session = db.get_or_404(Session, session_id)
    form = signup_form_for(session)
    now = clock.now()
    html = _signup_template(session, form, signup.signup_closed_reason(session, now), None)
    token = form.csrf_token.current_token if form.meta.csrf else None
    return pagecache.Page(html, expires_at=signup.next_signup_change([session], now), csrf_token=token)


@public_bp.get("/s/<int:session_id>/r/<token>")
@public
def registration(session_id: int, token: str):
    session = db.get_or_404(Session, session_id)
    found = signup.registration_by_token(session.id, token)
    if found is None:
        abort(404)
    checkin_url = qr.public_url(url_for("sessions.checkin_scanned", session_id=session.id, token=found.token))
    return render_template(
        "sessions/public/registration.html",
        session=session,
        registration=found,
        position=signup.waitlist_position(found) if found.status == WAITLISTED else None,
        closed=signup.signup_closed_reason(session),
        checkin_qr=qr.svg(checkin_url, scale=6),
        check_in_opens=door.check_in_opens_at(session),
        now=clock.now(),
    )


@public_bp.get("/s/<int:session_id>/r/<token>/cancel")
@public
def cancel_address(session_id: int, token: str):
    """The form's address opened (a reload, a shared link): the personal page, not a 405."""
    return redirect(url_for(".registration", session_id=session_id, token=token))


@public_bp.post("/s/<int:session_id>/r/<token>/cancel")
@public
def cancel(session_id: int, token: str):
    session = db.get_or_404(Session, session_id)
    found = signup.registration_by_token(session.id, token)
    if found is None:
        abort(404)
    page = _registration_page(session, token)
    outcome = actions.attempt(lambda: signup.cancel_own_registration(found, request.form.get("confirm") == "yes"))
    if not outcome.ok:
        return actions.refused(outcome.message, page)
    return actions.done("您的报名已取消。感谢告知，名额将顺延给候补的企业。", page)
