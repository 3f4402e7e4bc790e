"""The pages of the centre's own code. Phone-sized, and they work without JavaScript."""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask import session as browser

from hubapp import actions, clock, downloads, pagecache
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.demands import moves, selfreport
from hubapp.blueprints.demands.models import ANSWERED, CLOSED
from hubapp.blueprints.demands.selfreport import SelfReport
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.facilities import public_views as public_requests
from hubapp.blueprints.front import printing, public_bp
from hubapp.blueprints.front.forms import LookupForm, RaiseDemandForm, RateForm, WithdrawForm
from hubapp.blueprints.sessions import planning, signup
from hubapp.blueprints.sessions import public_views as public_signups
from hubapp.extensions import db, limiter, reads_unlimited

#: How many sessions /e/ shows before pointing to /s/ for the rest.
SESSIONS_ON_HOME = 3


def _centre() -> dict:
    config = current_app.config
    return {"address": config["CENTRE_ADDRESS"], "hours": config["CENTRE_HOURS"], "phone": config["CENTRE_PHONE"]}


@public_bp.get("/e/")
@reads_unlimited
@public
def home():
    return pagecache.cached(pagecache.SESSIONS, "front", _render_home)


def _render_home() -> pagecache.Page:
    now = clock.now()
    sessions = planning.open_for_signup()
    html = render_template(
        "front/public/home.html", sessions=sessions[:SESSIONS_ON_HOME], more_sessions=len(sessions) > SESSIONS_ON_HOME,
        **_centre(),
    )  # fmt: skip
    return pagecache.Page(html, expires_at=signup.next_signup_change(sessions, now))


@public_bp.get("/e/poster.pdf")
@public
def poster():
    return downloads.pdf_response(printing.poster_pdf(**_centre()), "一码通海报.pdf")


# --- raising a demand ----------------------------------------------------------------------------

#: Key of the browser's signed cookie session: the follow tokens of the demands raised (or looked
#: up) in this browser, newest first, for 我的办件.
REMEMBERED = "front_demands"
REMEMBERED_MAX = 20
LIMITED = "提交过于频繁，请稍后再试；急事请致电中心。您填写的内容已保留。"


def _remember(token: str) -> None:
    kept = [t for t in browser.get(REMEMBERED, []) if t != token]
    browser[REMEMBERED] = [token, *kept][:REMEMBERED_MAX]


def _mobile_key() -> str:
    return "mobile:" + (request.form.get("contact_mobile") or "").strip()


def _raise_page(form, status: int = 200, error: str | None = None):
    return render_template("front/public/raise.html", form=form, error=error), status


def _report_from(form) -> SelfReport:
    return SelfReport(
        kind=form.kind.data or "",
        description=form.description.data or "",
        topic_id=form.topic.data,
        enterprise_name=form.enterprise_name.data or "",
        uscc=form.uscc.data or "",
        contact_name=form.contact_name.data or "",
        contact_mobile=form.contact_mobile.data or "",
        photos=[upload.read() for upload in form.photos.data or [] if upload and upload.filename],
    )


@public_bp.route("/e/demands/new", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["FRONT_DEMAND_LIMIT_PER_ADDRESS"], methods=["POST"])
# Per mobile only what was written: a mistyped form costs the enterprise nothing.
@limiter.limit(
    lambda: current_app.config["FRONT_DEMAND_LIMIT_PER_MOBILE"], key_func=_mobile_key, methods=["POST"],
    deduct_when=lambda response: response.status_code == 303,
)  # fmt: skip
def raise_demand():
    form = RaiseDemandForm()
    if request.method == "GET":
        return _raise_page(form)
    if form.homepage.data:
        return _raise_page(form, 422, "提交未成功，请检查后重新提交。")
    outcome = actions.submit(form, lambda: selfreport.raise_demand(_report_from(form)))
    if not outcome.ok:
        return _raise_page(form, outcome.status)
    demand = outcome.value
    _remember(demand.follow_token)
    flash(f"已收到您的诉求，编号 {demand.number}。请收藏本页链接，随时查看办理进度。", "success")
    return redirect(url_for(".follow", token=demand.follow_token), 303)


@public_bp.errorhandler(429)
def too_many(_error):
    if request.endpoint == "front.raise_demand":
        return _raise_page(RaiseDemandForm(), 429, LIMITED)
    if request.endpoint == "front.mine":
        return _mine_page(LookupForm(), 429, "查询过于频繁，请稍后再试。")
    return render_template("front/public/limited.html"), 429


# --- following it --------------------------------------------------------------------------------


def _followed(token: str):
    demand = selfreport.by_token(token)
    if demand is None:
        abort(404)
    return demand


def _follow_page(demand, form=None, status: int = 200, error: str | None = None):
    return render_template(
        "front/public/follow.html", demand=demand, steps=selfreport.public_timeline(demand),
        deadline=selfreport.deadline_text(demand), form=form or RateForm(), rate_error=error,
        can_rate=demand.status == ANSWERED,
    ), status  # fmt: skip


@public_bp.get("/e/follow/<token>")
@public
def follow(token: str):
    demand = _followed(token)
    # Opened from a message on another phone: 我的办件 there lists it from now on.
    _remember(demand.follow_token)
    response = make_response(_follow_page(demand))
    # The address is the key: no cache on the way may keep the page for someone else.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@public_bp.get("/e/follow/<token>/photos/<int:photo_id>.jpg")
@public
def photo(token: str, photo_id: int):
    return downloads.photo_response(_followed(token).photos, photo_id)


@public_bp.get("/e/follow/<token>/rate")
@public
def rate_address(token: str):
    """The rating form's address opened (a reload, a shared link): the demand's page, not a 405."""
    return redirect(url_for(".follow", token=token))


@public_bp.post("/e/follow/<token>/rate")
@public
def rate(token: str):
    demand = _followed(token)
    form = RateForm()
    outcome = actions.submit(
        form, lambda: moves.rate_by_enterprise(demand, form.satisfaction.data, form.comment.data)
    )
    if outcome.conflict:
        # Rated twice, or staff closed it meanwhile: the page as it is now, with the news on top.
        return _follow_page(demand, status=409, error=outcome.message)
    if not outcome.ok:
        return _follow_page(demand, form, outcome.status)
    message = "感谢您的评价，诉求已办结。" if outcome.value.status == CLOSED else "感谢您的评价，我们将重新办理，请留意进度。"
    return actions.done(message, url_for(".follow", token=token))


# --- a room request, followed by its private link ----------------------------------------------


def _requested(token: str):
    booking = bookings.by_follow_token(token)
    if booking is None:
        abort(404)
    return booking


def _booking_page(booking, form=None, status: int = 200, error: str | None = None):
    response = make_response(
        render_template(
            "front/public/booking.html", booking=booking, form=form or WithdrawForm(), error=error,
            can_withdraw=booking.status in bookings.WITHDRAWABLE_STATES and booking.start_at > clock.now(),
            phone=current_app.config["CENTRE_PHONE"],
        ),
        status,
    )  # fmt: skip
    # The address is the key: no cache on the way may keep the page for someone else.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@public_bp.get("/e/bookings/<token>")
@public
def follow_booking(token: str):
    booking = _requested(token)
    # Opened from the SMS on another phone: 我的办件 there lists it from now on.
    public_requests.remember_request(token)
    return _booking_page(booking)


@public_bp.get("/e/bookings/<token>/withdraw")
@public
def withdraw_booking_address(token: str):
    """The form's address opened (a reload, a shared link): the request's page, not a 405."""
    return redirect(url_for(".follow_booking", token=token))


@public_bp.post("/e/bookings/<token>/withdraw")
@public
def withdraw_booking(token: str):
    booking = _requested(token)
    form = WithdrawForm()
    outcome = actions.submit(form, lambda: bookings.withdraw_request(token, form.confirm.data))
    if outcome.conflict:
        # Approved, rejected or started meanwhile: the page as it is now, with the news on top.
        db.session.refresh(booking)
        return _booking_page(booking, status=409, error=outcome.message)
    if not outcome.ok:
        return _booking_page(booking, form, outcome.status)
    return actions.done("您的场地预约申请已撤回。", url_for(".follow_booking", token=token))


# --- 我的办件 ------------------------------------------------------------------------------------


def _signups() -> list:
    """The sign-ups made in this browser, as the sessions' public pages remember them."""
    found = []
    for session_id, token in browser.get(public_signups.REMEMBERED, {}).items():
        registration = signup.registration_by_token(int(session_id), token) if session_id.isdigit() else None
        if registration is not None:
            found.append(registration)
    return sorted(found, key=lambda r: r.session.start_at, reverse=True)


def _mine_page(form, status: int = 200, error: str | None = None):
    return render_template(
        "front/public/mine.html", demands=selfreport.by_tokens(browser.get(REMEMBERED, [])), signups=_signups(),
        requests=bookings.by_follow_tokens(browser.get(public_requests.REMEMBERED, [])), form=form, error=error,
    ), status  # fmt: skip


@public_bp.route("/e/mine", methods=["GET", "POST"])
@public
# Number and mobile together are the key: few tries per address, so neither can be guessed.
@limiter.limit(lambda: current_app.config["FRONT_LOOKUP_LIMIT"], methods=["POST"])
def mine():
    form = LookupForm()
    if request.method == "GET":
        return _mine_page(form)
    if not form.validate():
        return _mine_page(form, 422)
    found = selfreport.by_number(form.number.data, form.mobile.data)
    if found is None:
        form.add_error("没有找到该编号的诉求，或手机号码与登记时留的不一致。", "number")
        return _mine_page(form, 404)
    _remember(found.follow_token)
    return redirect(url_for(".follow", token=found.follow_token), 303)
