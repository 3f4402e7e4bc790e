"""Staff pages for bookings: the calendars, the booking form and its actions, recurring series,
requests, and everyone's own bookings. Room settings are in ``room_views``; the public door page,
request form and calendar feeds in ``public_views``.

Thin: parse the form, call the service inside one unit of work (``hubapp.actions``), render the
page or the htmx fragment."""

from datetime import date, datetime, time, timedelta

from flask import make_response, request, url_for
from flask_login import current_user

from hubapp import actions, audit, clock, concurrency, params, qr
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.facilities import bookings, bp, feeds, holds, opening, public_bp, schedule, series, sweeper
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.blueprints.facilities.forms import BookingForm, EditBookingForm, ReasonForm, RepeatBookingForm
from hubapp.blueprints.facilities.models import MONTHLY, PENDING, Booking, BookingSeries, Room
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.htmx import is_htmx, render
from hubapp.params import page_of

#: The booking forms' names for the fields a booking rule can be about.
FORM_FIELDS = holds.FormFields({"start_at": "start", "end_at": "end", "frequency": "repeat"})


@bp.before_request
def apply_no_show_rule():
    sweeper.nudge()


@bp.context_processor
@public_bp.context_processor
def helpers():
    return {
        "timedelta": timedelta,
        "step": schedule.STEP,
        "qr_svg": qr.svg,
        "hours_summary": opening.hours_summary,
        "pending_count": bookings.pending_count,
    }


def top_message(form, outcome: actions.Outcome) -> str | None:
    """What the page says above the form: a taken slot (also shown at its field), or a broken rule
    that belongs to no field of the form."""
    error = outcome.error
    if error is None:
        return None
    if outcome.conflict or error.field not in form._fields:
        return error.message
    return None


def changed(response_or_html, status: int = 200):
    """An htmx answer after a change: the calendars listening for ``bookingsChanged`` reload."""
    response = make_response(response_or_html, status)
    response.headers["HX-Trigger"] = "bookingsChanged"
    return response


def details_from(form) -> BookingDetails:
    return BookingDetails(
        title=form.title.data, headcount=form.headcount.data, purpose=form.purpose.data or None,
        enterprise_id=form.enterprise.enterprise_id, contact_name=form.contact_name.data or None,
        contact_phone=form.contact_phone.data or None, notes=form.notes.data or None,
    )  # fmt: skip


# --- Calendars -------------------------------------------------------------------------------


@bp.get("/")
@staff_required
def day():
    shown = params.day_arg()
    origin, end, lanes = schedule.day_timeline(shown)
    steps = (end - origin) // schedule.STEP
    return render(
        "facilities/day.html", "facilities/_day.html",
        day=shown, origin=origin, end=end, lanes=lanes, steps=steps,
        hours=[origin + timedelta(hours=h) for h in range(int((end - origin) / timedelta(hours=1)) + 1)],
    )  # fmt: skip


@bp.get("/rooms/<int:room_id>/week")
@staff_required
def week(room_id: int):
    room = db.get_or_404(Room, room_id)
    monday = schedule.week_of(params.day_arg())
    first, last, lanes = schedule.week_view(room, monday)
    origin = datetime.combine(monday, first)
    steps = (lanes[0].cells[-1].start + schedule.SLOT - origin) // schedule.STEP if lanes[0].cells else 0
    listed = [p.booking for lane in lanes for p in lane.placed] if not room.is_exclusive else []
    return render(
        "facilities/week.html", "facilities/_week.html",
        room=room, monday=monday, lanes=lanes, steps=steps, origin=origin, rooms=opening.rooms(),
        listed=sorted({b.id: b for b in listed}.values(), key=lambda b: b.start_at),
    )  # fmt: skip


# --- Booking form ----------------------------------------------------------------------------


def booking_form_page(form, status=200, message=None, plan=None):
    return render(
        "facilities/booking_form.html", "facilities/_booking_form.html", status=status,
        form=form, message=message, plan=plan, chosen=set(request.form.getlist("chosen")),
    )  # fmt: skip


def prefill(form: BookingForm) -> None:
    form.room_id.data = params.int_arg("room_id") or form.room_id.data
    form.day.data = params.day_arg()
    start = request.args.get("start")
    try:
        begins = time.fromisoformat(start) if start else None
    except ValueError:
        begins = None
    if begins is not None:
        form.start.data = begins
        form.end.data = (datetime.combine(form.day.data, begins) + timedelta(hours=1)).time()
    form.weekdays.data = [str(form.day.data.weekday())]


@bp.route("/bookings/new", methods=["GET", "POST"])
@staff_required
def new_booking():
    form = BookingForm()
    form.room_id.choices = holds.room_choices()
    if request.method == "GET":
        prefill(form)
        return booking_form_page(form)
    if not form.validate():
        return booking_form_page(form, 422)
    if form.repeat.data:
        return create_series(form)

    def book() -> Booking:
        start, end = opening.occurrence_window(form.day.data, form.start.data, form.end.data)
        return bookings.create_booking(current_user, form.room_id.data, start, end, details_from(form))

    outcome = actions.attempt(lambda: FORM_FIELDS.translated(book), form)
    if not outcome.ok:
        return booking_form_page(form, outcome.status, top_message(form, outcome))
    booking = outcome.value
    return saved(booking, f"已预约：{booking.room.name} {booking.start_at:%m月%d日 %H:%M}–{booking.end_at:%H:%M}。")


def recurrence_from(form: BookingForm | RepeatBookingForm, first_day: date) -> series.Recurrence:
    """The rule the form describes; no weekday ticked means the first day's own."""
    return series.Recurrence(
        frequency=form.repeat.data,
        first_day=first_day,
        weekdays=[int(d) for d in form.weekdays.data or []] or [first_day.weekday()],
        interval=form.interval.data or 1,
        nth=int(form.nth.data) if form.repeat.data == MONTHLY else None,
        until=form.until.data,
        count=form.count.data,
        first_day_booked=True,
    )


def create_series(form: BookingForm):
    """First post: show every date and its problem. Second post (``confirm``): book the chosen."""
    recurrence = recurrence_from(form, form.day.data)

    def plan():
        return series.plan_series(form.room_id.data, recurrence, form.start.data, form.end.data, form.headcount.data)

    if "confirm" not in request.form:
        planned = actions.attempt(lambda: FORM_FIELDS.translated(plan), form)
        if not planned.ok:
            return booking_form_page(form, planned.status, top_message(form, planned))
        return booking_form_page(form, plan=planned.value)
    try:
        chosen = {date.fromisoformat(d) for d in request.form.getlist("chosen")}
    except ValueError:
        chosen = set()
    if not chosen:
        return booking_form_page(form, 422, "请至少选择一个日期。", plan=plan())
    outcome = actions.attempt(
        lambda: FORM_FIELDS.translated(
            lambda: series.create_series(
                current_user, form.room_id.data, recurrence, form.start.data, form.end.data, details_from(form),
                chosen=chosen,
            )
        ),
        form,
    )
    if not outcome.ok:
        return booking_form_page(form, outcome.status, top_message(form, outcome))
    made, created, skipped = outcome.value
    message = f"已创建重复预约{quoted(made.title)}共{len(created)}次。"
    if skipped:
        message += "未能预约：" + "、".join(f"{o.day.month}月{o.day.day}日" for o in skipped) + "。"
    return saved(created[0], message, series_id=made.id)


def saved(booking: Booking, message: str, series_id: int | None = None):
    target = url_for("facilities.series", series_id=series_id) if series_id else url_for("facilities.booking", booking_id=booking.id)
    return actions.done(
        message, target,
        lambda: changed(render("facilities/_booking_detail.html", booking=booking, message=message, **detail_context(booking))),
    )  # fmt: skip


# --- One booking -----------------------------------------------------------------------------


def detail_context(booking: Booking) -> dict:
    return {
        "overlaps": bookings.pending_overlaps(booking) if booking.status == PENDING else [],
        "reason_form": ReasonForm(formdata=None),
        "history": audit.entries_for("booking", booking.id),
        "scopes": series.SCOPES,
        # The check-in button shows only while check-in is open, not weeks ahead.
        "now": clock.now(),
        "check_in_early": bookings.check_in_early(),
    }


@bp.get("/bookings/<int:booking_id>")
@staff_required
def booking(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    return render("facilities/booking.html", "facilities/_booking_detail.html", booking=found, **detail_context(found))


def act(booking: Booking, change, message) -> object:
    """Run ``change`` on the booking page's behalf: the detail again for htmx (with the calendars
    told to reload), else a flash and a 303 back to the booking. ``message`` may be a function of
    what ``change`` returned."""
    outcome = actions.attempt(change)
    if not outcome.ok:
        if is_htmx():
            return render("facilities/_booking_detail.html", status=outcome.status, booking=booking,
                          error=outcome.message, **detail_context(booking))  # fmt: skip
        return actions.refused(outcome.message, url_for("facilities.booking", booking_id=booking.id))
    text = message(outcome.value) if callable(message) else message
    return actions.done(
        text, url_for("facilities.booking", booking_id=booking.id),
        lambda: changed(render("facilities/_booking_detail.html", booking=booking, message=text, **detail_context(booking))),
    )  # fmt: skip


@bp.post("/bookings/<int:booking_id>/approve")
@staff_required
def approve(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    return act(
        found, lambda: bookings.approve_booking(current_user, found),
        lambda rejected: "已批准。" + (f"同时驳回了与其冲突的{len(rejected)}个申请。" if rejected else ""),
    )  # fmt: skip


@bp.post("/bookings/<int:booking_id>/reject")
@staff_required
def reject(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    return act(found, lambda: bookings.reject_booking(current_user, found, request.form.get("reason", "")), "已驳回。")


@bp.post("/bookings/<int:booking_id>/cancel")
@staff_required
def cancel(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    scope, reason = request.form.get("scope", "this"), request.form.get("reason", "")
    return act(
        found, lambda: series.cancel_scope(current_user, found, scope, reason),
        lambda done: f"已取消{len(done)}个预约。" if len(done) > 1 else "已取消。",
    )  # fmt: skip


@bp.post("/bookings/<int:booking_id>/check-in")
@staff_required
def check_in(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    return act(found, lambda: bookings.check_in(current_user, found), "已签到。")


@bp.route("/bookings/<int:booking_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_booking(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    form = _booking_form(found, saved=request.method == "GET")

    def page(status=200, message=None, conflict=None):
        return render("facilities/edit.html", "facilities/_edit_form.html", status=status, form=form, booking=found,
                      message=message, conflict=conflict)  # fmt: skip

    if request.method == "GET":
        return page()
    outcome = actions.submit(
        form,
        lambda: FORM_FIELDS.translated(
            lambda: series.edit_scope(
                current_user, found, form.scope.data, form.day.data, form.start.data, form.end.data,
                form.room_id.data, details_from(form), concurrency.submitted(form),
            )
        ),
    )  # fmt: skip
    if not outcome.ok:
        db.session.refresh(found)
        conflict = concurrency.table_for(outcome, form, lambda: _booking_form(found, saved=True))
        return page(outcome.status, None if conflict else top_message(form, outcome), conflict)
    return saved(found, "已保存修改。")


@bp.route("/bookings/<int:booking_id>/repeat", methods=["GET", "POST"])
@staff_required
def repeat_booking(booking_id: int):
    """Make a booking the first date of a weekly or monthly series, keeping it as it is."""
    found = db.get_or_404(Booking, booking_id)
    if found.series_id:
        return actions.refused("该预约已属于重复预约。", url_for("facilities.series", series_id=found.series_id))
    form = RepeatBookingForm()

    def page(status=200, message=None):
        return render("facilities/repeat.html", status=status, form=form, booking=found, message=message)

    if request.method == "GET":
        form.weekdays.data = [str(found.start_at.weekday())]
        return page()
    outcome = actions.submit(
        form, lambda: FORM_FIELDS.translated(lambda: series.repeat_booking(current_user, found, recurrence_from(form, found.start_at.date())))
    )
    if not outcome.ok:
        return page(outcome.status, top_message(form, outcome))
    made, created, skipped = outcome.value
    message = f"已将{quoted(made.title)}设为重复预约，另预约了{len(created)}次。"
    if skipped:
        message += "未能预约：" + "、".join(f"{o.day.month}月{o.day.day}日" for o in skipped) + "，可在本页加回。"
    return actions.done(message, url_for("facilities.series", series_id=made.id))


def _booking_form(booking: Booking, saved: bool) -> EditBookingForm:
    """The edit form: as the booking is saved now (with its version), or as submitted."""
    form = EditBookingForm(formdata=None, obj=booking) if saved else EditBookingForm()
    form.enterprise.current = booking.enterprise
    form.room_id.choices = holds.room_choices()
    if saved:
        form.day.data, form.start.data, form.end.data = booking.start_at.date(), booking.start_at.time(), booking.end_at.time()
        concurrency.stamp(form, booking)
    if not booking.series_id:
        form.scope.choices = form.scope.choices[:1]
    return form


# --- Series, requests, my bookings -----------------------------------------------------------


@bp.get("/series/<int:series_id>", endpoint="series")
@staff_required
def series_page(series_id: int):
    found = db.get_or_404(BookingSeries, series_id)
    return render("facilities/series.html", series=found, dates=series.series_dates(found), now=clock.now())


@bp.post("/series/<int:series_id>/add-back")
@staff_required
def add_back(series_id: int):
    found = db.get_or_404(BookingSeries, series_id)
    day = params.day_or_400(request.form.get("date"))
    outcome = actions.attempt(lambda: series.add_back(current_user, found, day))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("facilities.series", series_id=series_id))
    added = outcome.value
    return actions.done(f"已加回 {added.start_at.month}月{added.start_at.day}日。", url_for("facilities.series", series_id=series_id))


@bp.get("/requests")
@staff_required
def requests_list():
    return render("facilities/requests.html", page=page_of(bookings.pending_requests()))


@bp.get("/mine")
def mine():
    past = request.args.get("past") == "1"
    token = feeds.existing_token(user_id=current_user.id)
    feed = qr.public_url(url_for("facilities_public.user_feed", token=token.token)) if token else None
    page = page_of(bookings.user_bookings(current_user.id, upcoming=not past))
    return render("facilities/mine.html", page=page, past=past, feed=feed, now=clock.now())


@bp.post("/mine/<int:booking_id>/withdraw")
def withdraw(booking_id: int):
    found = db.get_or_404(Booking, booking_id)
    outcome = actions.attempt(lambda: bookings.withdraw(current_user, found, request.form.get("reason", "").strip()))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("facilities.mine"))
    return actions.done(f"已撤回{quoted(found.title)}。", url_for("facilities.mine"))


@bp.post("/mine/feed/renew")
def renew_my_feed():
    had_one = feeds.existing_token(user_id=current_user.id) is not None
    actions.attempt(lambda: feeds.renew_feed_token(current_user, user_id=current_user.id))
    message = "已更换订阅地址，旧地址不再可用。" if had_one else "已生成订阅地址。"
    return actions.done(message, url_for("facilities.mine"))
