"""Staff pages: calendars, the booking form and its actions, requests, rooms, utilisation.
Thin: parse the form, call the service, render the page or the htmx fragment."""

from datetime import date, datetime, time, timedelta
from urllib.parse import quote

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user

from hubapp import audit, clock, qr
from hubapp.blueprints.auth.roles import public, staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.facilities import bp, feeds, public_bp, reports, schedule, services
from hubapp.blueprints.facilities import rooms as room_settings
from hubapp.blueprints.facilities.forms import (
    FIRST_DAY,
    LAST_DAY,
    BookingForm,
    ClosureForm,
    EditBookingForm,
    NewRoomForm,
    PhotoForm,
    ReasonForm,
    RoomForm,
    SpecialOpeningForm,
    room_options,
)
from hubapp.blueprints.facilities.models import MONTHLY, PENDING, Booking
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import is_htmx, render
from hubapp.pdf import pdf_response, render_pdf

#: Where a service's field name shows up in the forms.
FIELD_MAP = {"start_at": "start", "end_at": "end", "frequency": "repeat"}


@bp.before_request
def apply_no_show_rule():
    services.sweep_no_shows()


@bp.context_processor
@public_bp.context_processor
def helpers():
    return {
        "timedelta": timedelta,
        "step": schedule.STEP,
        "qr_svg": qr.svg,
        "hours_summary": room_settings.hours_summary,
        "pending_count": services.pending_count,
    }


def attach(form, error: services.BookingError) -> str | None:
    """Put the service's Chinese message next to its field; return it when no field fits."""
    name = FIELD_MAP.get(error.field or "", error.field)
    field = getattr(form, name, None) if name else None
    if field is None or not hasattr(field, "errors"):
        return error.message
    if isinstance(field.errors, tuple):
        field.errors = list(field.errors)
    field.errors.append(error.message)
    return error.message if isinstance(error, services.BookingConflict) else None


def parse_day(value: str | None) -> date:
    try:
        shown = date.fromisoformat(value) if value else clock.today()
    except ValueError:
        chinese_abort(400, "日期格式应为 年-月-日，例如 2026-03-08。")
    if not FIRST_DAY <= shown <= LAST_DAY:
        chinese_abort(400, "日期超出范围，请选择2000年至2099年之间的日期。")
    return shown


def get_booking_or_404(booking_id: int) -> Booking:
    booking = services.get_booking(booking_id)
    if booking is None:
        abort(404)
    return booking


def get_room_or_404(room_id: int):
    room = services.get_room(room_id)
    if room is None:
        abort(404)
    return room


def changed(response_or_html, status: int = 200):
    """An htmx answer after a change: the calendars listening for ``bookingsChanged`` reload."""
    response = make_response(response_or_html, status)
    response.headers["HX-Trigger"] = "bookingsChanged"
    return response


def enterprise_choices():
    return options([(0, "（不选，填写联系人）")] + [(e.id, e.name) for e in directory.search_enterprises("", limit=1000)])


# --- Calendars -------------------------------------------------------------------------------


@bp.get("/")
@staff_required
def day():
    shown = parse_day(request.args.get("date"))
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
    room = get_room_or_404(room_id)
    monday = schedule.week_of(parse_day(request.args.get("date")))
    first, last, lanes = schedule.week_view(room, monday)
    origin = datetime.combine(monday, first)
    steps = (lanes[0].cells[-1].start + schedule.SLOT - origin) // schedule.STEP if lanes[0].cells else 0
    listed = [p.booking for lane in lanes for p in lane.placed] if not room.is_exclusive else []
    return render(
        "facilities/week.html", "facilities/_week.html",
        room=room, monday=monday, lanes=lanes, steps=steps, origin=origin, rooms=services.rooms(),
        listed=sorted({b.id: b for b in listed}.values(), key=lambda b: b.start_at),
    )  # fmt: skip


# --- Booking form ----------------------------------------------------------------------------


def booking_form_page(form, status=200, message=None, plan=None):
    return render(
        "facilities/booking_form.html", "facilities/_booking_form.html", status=status,
        form=form, message=message, plan=plan, chosen=set(request.form.getlist("chosen")),
    )  # fmt: skip


def prefill(form: BookingForm) -> None:
    form.room_id.data = request.args.get("room_id", type=int) or form.room_id.data
    form.day.data = parse_day(request.args.get("date"))
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
    form.room_id.choices = room_options()
    form.enterprise_id.choices = enterprise_choices()
    if request.method == "GET":
        prefill(form)
        return booking_form_page(form)
    if not form.validate():
        return booking_form_page(form, 422)
    details = dict(
        title=form.title.data, actor_id=current_user.id, headcount=form.headcount.data, purpose=form.purpose.data or None,
        enterprise_id=form.enterprise_id.data or None, contact_name=form.contact_name.data or None,
        contact_phone=form.contact_phone.data or None, notes=form.notes.data or None,
    )  # fmt: skip
    try:
        if form.repeat.data:
            return create_series(form, details)
        start, end = services.occurrence_window(form.day.data, form.start.data, form.end.data)
        booking = services.create_booking(room_id=form.room_id.data, start=start, end=end, **details)
    except services.BookingConflict as error:
        return booking_form_page(form, 409, attach(form, error))
    except services.BookingError as error:
        return booking_form_page(form, 422, attach(form, error))
    return saved(booking, f"已预约：{booking.room.name} {booking.start_at:%m月%d日 %H:%M}–{booking.end_at:%H:%M}。")


def create_series(form: BookingForm, details: dict):
    """First post: show every date and its problem. Second post (``confirm``): book the chosen."""
    recurrence = services.Recurrence(
        frequency=form.repeat.data,
        first_day=form.day.data,
        weekdays=[int(d) for d in form.weekdays.data or []] or [form.day.data.weekday()],
        interval=form.interval.data or 1,
        nth=int(form.nth.data) if form.repeat.data == MONTHLY else None,
        until=form.until.data,
        count=form.count.data,
    )
    if "confirm" not in request.form:
        plan = services.plan_series(form.room_id.data, recurrence, form.start.data, form.end.data, form.headcount.data)
        return booking_form_page(form, plan=plan)
    try:
        chosen = {date.fromisoformat(d) for d in request.form.getlist("chosen")}
    except ValueError:
        chosen = set()
    if not chosen:
        plan = services.plan_series(form.room_id.data, recurrence, form.start.data, form.end.data, form.headcount.data)
        return booking_form_page(form, 422, "请至少选择一个日期。", plan=plan)
    series, created, skipped = services.create_series(
        room_id=form.room_id.data, recurrence=recurrence, start_time=form.start.data, end_time=form.end.data,
        chosen=chosen, **details,
    )  # fmt: skip
    message = f"已创建重复预约“{series.title}”共{len(created)}次。"
    if skipped:
        message += "未能预约：" + "、".join(f"{o.day.month}月{o.day.day}日" for o in skipped) + "。"
    return saved(created[0], message, series_id=series.id)


def saved(booking: Booking, message: str, series_id: int | None = None):
    if is_htmx():
        html = render("facilities/_booking_detail.html", booking=booking, message=message, **detail_context(booking))
        return changed(html)
    flash(message, "success")
    target = url_for("facilities.series", series_id=series_id) if series_id else url_for("facilities.booking", booking_id=booking.id)
    return redirect(target, 303)


# --- One booking -----------------------------------------------------------------------------


def detail_context(booking: Booking) -> dict:
    return {
        "overlaps": services.pending_overlaps(booking) if booking.status == PENDING else [],
        "reason_form": ReasonForm(formdata=None),
        "history": audit.entries_for("booking", booking.id),
        "scopes": services.SCOPES,
        # The check-in button shows only while check-in is open, not weeks ahead.
        "now": clock.now(),
        "check_in_early": services.CHECK_IN_EARLY,
    }


@bp.get("/bookings/<int:booking_id>")
@staff_required
def booking(booking_id: int):
    found = get_booking_or_404(booking_id)
    return render("facilities/booking.html", "facilities/_booking_detail.html", booking=found, **detail_context(found))


def after_action(booking: Booking, message: str, error: services.BookingError | None = None):
    if error is not None:
        status = 409 if isinstance(error, services.BookingConflict) else 422
        if is_htmx():
            return render("facilities/_booking_detail.html", status=status, booking=booking, error=error.message,
                          **detail_context(booking))  # fmt: skip
        flash(error.message, "error")
        return redirect(url_for("facilities.booking", booking_id=booking.id), 303)
    if is_htmx():
        return changed(render("facilities/_booking_detail.html", booking=booking, message=message, **detail_context(booking)))
    flash(message, "success")
    return redirect(url_for("facilities.booking", booking_id=booking.id), 303)


@bp.post("/bookings/<int:booking_id>/approve")
@staff_required
def approve(booking_id: int):
    found = get_booking_or_404(booking_id)
    try:
        _, rejected = services.approve_booking(found.id, current_user.id)
    except services.BookingError as error:
        return after_action(found, "", error)
    extra = f"同时驳回了与其冲突的{len(rejected)}个申请。" if rejected else ""
    return after_action(found, "已批准。" + extra)


@bp.post("/bookings/<int:booking_id>/reject")
@staff_required
def reject(booking_id: int):
    found = get_booking_or_404(booking_id)
    try:
        services.reject_booking(found.id, current_user.id, request.form.get("reason", ""))
    except services.BookingError as error:
        return after_action(found, "", error)
    return after_action(found, "已驳回。")


@bp.post("/bookings/<int:booking_id>/cancel")
@staff_required
def cancel(booking_id: int):
    found = get_booking_or_404(booking_id)
    try:
        done = services.cancel_scope(found.id, request.form.get("scope", "this"), current_user.id, request.form.get("reason", ""))
    except services.BookingError as error:
        return after_action(found, "", error)
    return after_action(found, f"已取消{len(done)}个预约。" if len(done) > 1 else "已取消。")


@bp.post("/bookings/<int:booking_id>/check-in")
@staff_required
def check_in(booking_id: int):
    found = get_booking_or_404(booking_id)
    try:
        services.check_in(found.id, current_user.id)
    except services.BookingError as error:
        return after_action(found, "", error)
    return after_action(found, "已签到。")


@bp.route("/bookings/<int:booking_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_booking(booking_id: int):
    found = get_booking_or_404(booking_id)
    form = EditBookingForm(obj=found if request.method == "GET" else None)
    form.enterprise_id.choices = enterprise_choices()
    form.room_id.choices = room_options()
    if request.method == "GET":
        form.day.data, form.start.data, form.end.data = found.start_at.date(), found.start_at.time(), found.end_at.time()
        form.enterprise_id.data = found.enterprise_id or 0
    if not found.series_id:
        form.scope.choices = form.scope.choices[:1]

    def page(status=200, message=None):
        return render("facilities/edit.html", "facilities/_edit_form.html", status=status, form=form, booking=found,
                      message=message)  # fmt: skip

    if request.method == "GET":
        return page()
    if not form.validate():
        return page(422)
    targets = services.scope_bookings(found, form.scope.data)

    def move():
        services.reschedule_scope(
            found.id, form.scope.data, current_user.id, day=form.day.data, start_time=form.start.data,
            end_time=form.end.data, room_id=form.room_id.data, commit=False,
        )  # fmt: skip

    def describe():
        for target in targets:
            services.update_details(
                target.id, current_user.id, title=form.title.data, purpose=form.purpose.data or None,
                headcount=form.headcount.data, enterprise_id=form.enterprise_id.data or None,
                contact_name=form.contact_name.data or None, contact_phone=form.contact_phone.data or None,
                notes=form.notes.data or None, commit=False,
            )  # fmt: skip

    try:
        # Each step checks the headcount against the room it leaves the booking in: a growing
        # group moves to the bigger room first, a shrinking one shrinks before the smaller room.
        steps = (move, describe) if form.headcount.data > found.headcount else (describe, move)
        for step in steps:
            step()
        db.session.commit()
    except services.BookingConflict as error:
        db.session.rollback()
        return page(409, attach(form, error))
    except services.BookingError as error:
        db.session.rollback()
        return page(422, attach(form, error))
    return saved(found, "已保存修改。")


# --- Series, requests, my bookings -----------------------------------------------------------


@bp.get("/series/<int:series_id>")
@staff_required
def series(series_id: int):
    found = services.get_series(series_id)
    if found is None:
        abort(404)
    return render("facilities/series.html", series=found, dates=services.series_dates(found), now=clock.now())


@bp.post("/series/<int:series_id>/add-back")
@staff_required
def add_back(series_id: int):
    if services.get_series(series_id) is None:
        abort(404)
    try:
        added = services.add_back(series_id, parse_day(request.form.get("date")), current_user.id)
    except services.BookingError as error:
        flash(error.message, "error")
    else:
        flash(f"已加回 {added.start_at.month}月{added.start_at.day}日。", "success")
    return redirect(url_for("facilities.series", series_id=series_id), 303)


@bp.get("/requests")
@staff_required
def requests_list():
    page = db.paginate(services.pending_requests(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("facilities/requests.html", page=page)


@bp.get("/mine")
def mine():
    past = request.args.get("past") == "1"
    page = db.paginate(
        services.user_bookings(current_user.id, upcoming=not past), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    token = feeds.feed_token(user_id=current_user.id)
    feed = qr.public_url(url_for("facilities.user_feed", token=token.token))
    return render("facilities/mine.html", page=page, past=past, feed=feed, now=clock.now())


@bp.post("/mine/<int:booking_id>/withdraw")
def withdraw(booking_id: int):
    try:
        booking = services.withdraw(booking_id, current_user.id, request.form.get("reason", "").strip())
    except services.BookingError as error:
        flash(error.message, "error")
    else:
        flash(f"已撤回“{booking.title}”。", "success")
    return redirect(url_for("facilities.mine"), 303)


@bp.post("/mine/feed/renew")
def renew_my_feed():
    feeds.renew_feed_token(current_user.id, user_id=current_user.id)
    flash("已更换订阅地址，旧地址不再可用。", "success")
    return redirect(url_for("facilities.mine"), 303)


# --- Calendar feeds (public, with the secret in the address) ---------------------------------


def ics_response(data: bytes, filename: str):
    response = make_response(data)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/<int:room_id>/calendar.ics")
@public
def room_feed(room_id: int):
    room = get_room_or_404(room_id)
    if not feeds.token_matches(feeds.feed_token(room_id=room.id).token, request.args.get("token")):
        abort(404)
    bookings = feeds.feed_bookings(room_id=room.id)
    return ics_response(feeds.ical(room.name, bookings), f"room-{room.id}.ics")


@bp.get("/me/calendar.ics")
@public
def user_feed():
    user_id = feeds.feed_user(request.args.get("token"))
    if user_id is None:
        abort(404)
    return ics_response(feeds.ical("我的场地预约", feeds.feed_bookings(user_id=user_id)), "my-bookings.ics")


# --- Rooms, hours, closures ------------------------------------------------------------------


def room_choices(all_label: str):
    return options([(0, all_label)] + [(r.id, r.name) for r in services.rooms(active_only=False)])


@bp.get("/rooms")
@staff_required
def rooms():
    closure_form, special_form = ClosureForm(formdata=None), SpecialOpeningForm(formdata=None)
    closure_form.room_id.choices = special_form.room_id.choices = room_choices("全部场地")
    return rooms_page(closure_form, special_form)


def rooms_page(closure_form, special_form, status=200):
    today = clock.today()
    return render(
        "facilities/rooms.html", status=status, rooms=services.rooms(active_only=False),
        closures=room_settings.closures(upcoming_from=today), specials=room_settings.special_openings(upcoming_from=today),
        closure_form=closure_form, special_form=special_form, year=today.year,
    )  # fmt: skip


@bp.route("/rooms/new", methods=["GET", "POST"])
@staff_required
def new_room():
    form = NewRoomForm()
    if request.method == "GET":
        form.active.data, form.needs_approval.data = True, True
        form.min_minutes.data, form.max_minutes.data, form.max_days_ahead.data, form.no_show_minutes.data = 30, 480, 90, 15
        return render("facilities/room_new.html", form=form)
    if form.validate():
        try:
            room = room_settings.create_room(current_user.id, **{f.name: f.data for f in form if f.name != "csrf_token"})
        except services.BookingError as error:
            attach(form, error)
        else:
            flash(f"已新增场地“{room.name}”，开放时间默认为每天08:30–21:00，可在此修改。", "success")
            return redirect(url_for("facilities.edit_room", room_id=room.id), 303)
    return render("facilities/room_new.html", status=422, form=form)


@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_room(room_id: int):
    room = get_room_or_404(room_id)
    form = RoomForm(obj=room if request.method == "GET" else None)
    hours = {h.weekday: h for h in room.opening_hours}
    hour_errors: dict[int, str] = {}
    if request.method == "POST":
        parsed = parse_hours(hour_errors)
        if form.validate() and not hour_errors:
            try:
                room_settings.update_room(room.id, current_user.id, **{f.name: f.data for f in form if f.name != "csrf_token"})
                room_settings.set_opening_hours(room.id, current_user.id, parsed)
            except services.BookingError as error:
                db.session.rollback()
                attach(form, error)
            else:
                flash(f"已保存{room.name}的设置。", "success")
                outside = room_settings.bookings_left_out(room)
                if outside:
                    where = "停用的场地" if not room.active else "新的开放时间外"
                    flash(f"{where}还有{len(outside)}个预约，请联系预约人调整或取消：" + "；".join(
                        f"{b.start_at.month}月{b.start_at.day}日 {b.start_at:%H:%M}–{b.end_at:%H:%M} {b.title}"
                        for b in outside), "warning")  # fmt: skip
                return redirect(url_for("facilities.rooms"), 303)
        status = 422
    else:
        status = 200
    token = feeds.feed_token(room_id=room.id)
    return render(
        "facilities/room_form.html", status=status, room=room, form=form, hours=hours, hour_errors=hour_errors,
        weekdays="一二三四五六日", photo_form=PhotoForm(formdata=None), door_url=qr.public_url(url_for("facilities_public.door", room_id=room.id)),
        feed=qr.public_url(url_for("facilities.room_feed", room_id=room.id, token=token.token)),
    )  # fmt: skip


def parse_hours(errors: dict[int, str]) -> dict[int, tuple[time, time] | None]:
    parsed: dict[int, tuple[time, time] | None] = {}
    for weekday in range(7):
        if request.form.get(f"closed_{weekday}"):
            parsed[weekday] = None
            continue
        try:
            opens = time.fromisoformat(request.form.get(f"opens_{weekday}", ""))
            closes = time.fromisoformat(request.form.get(f"closes_{weekday}", ""))
        except ValueError:
            errors[weekday] = "请填写开放和关闭时间，或勾选“不开放”。"
            continue
        if opens == closes:
            errors[weekday] = "开放和关闭时间不能相同。"
        parsed[weekday] = (opens, closes)
    return parsed


@bp.get("/rooms/<int:room_id>/sign.pdf")
@staff_required
def door_sign(room_id: int):
    """The A4 sign for the door: the room's name and the QR code of its door page."""
    room = get_room_or_404(room_id)
    data = render_pdf(
        "facilities/pdf/door_sign.html", room=room, hours=room_settings.hours_summary(room), qr_svg=qr.svg,
        door_url=qr.public_url(url_for("facilities_public.door", room_id=room.id)),
    )  # fmt: skip
    return pdf_response(data, f"{room.name}-门牌.pdf")


@bp.post("/rooms/<int:room_id>/photo")
@staff_required
def upload_photo(room_id: int):
    room = get_room_or_404(room_id)
    form = PhotoForm()
    if form.validate():
        try:
            room_settings.set_photo(room.id, current_user.id, form.photo.data.read())
        except services.BookingError as error:
            flash(error.message, "error")
        else:
            flash("已更新照片。", "success")
    else:
        flash("；".join(form.photo.errors), "error")
    return redirect(url_for("facilities.edit_room", room_id=room.id), 303)


@bp.post("/rooms/<int:room_id>/photo/delete")
@staff_required
def delete_photo(room_id: int):
    room = get_room_or_404(room_id)
    room_settings.remove_photo(room.id, current_user.id)
    flash("已删除照片。", "success")
    return redirect(url_for("facilities.edit_room", room_id=room.id), 303)


@bp.post("/rooms/<int:room_id>/feed/renew")
@staff_required
def renew_room_feed(room_id: int):
    room = get_room_or_404(room_id)
    feeds.renew_feed_token(current_user.id, room_id=room.id)
    flash(f"已更换{room.name}的日历订阅地址。", "success")
    return redirect(url_for("facilities.edit_room", room_id=room.id), 303)


@bp.post("/closures")
@staff_required
def add_closure():
    closure_form, special_form = ClosureForm(), SpecialOpeningForm(formdata=None)
    closure_form.room_id.choices = special_form.room_id.choices = room_choices("全部场地")
    if closure_form.validate():
        try:
            closure = room_settings.add_closure(
                current_user.id, room_id=closure_form.room_id.data or None, start_date=closure_form.start_date.data,
                end_date=closure_form.end_date.data, reason=closure_form.reason.data,
            )  # fmt: skip
        except services.BookingError as error:
            attach(closure_form, error)
        else:
            affected = room_settings.bookings_in_closure(closure)
            flash("已添加闭馆安排。", "success")
            if affected:
                flash(f"闭馆期间还有{len(affected)}个预约，请逐一取消并说明原因：" + "；".join(
                    f"{b.room.name} {b.start_at.month}月{b.start_at.day}日 {b.start_at:%H:%M} {b.title}" for b in affected), "warning")  # fmt: skip
            return redirect(url_for("facilities.rooms"), 303)
    return rooms_page(closure_form, special_form, 422)


@bp.post("/closures/<int:closure_id>/delete")
@staff_required
def delete_closure(closure_id: int):
    try:
        room_settings.delete_closure(closure_id, current_user.id)
    except services.BookingError:
        abort(404)
    flash("已删除闭馆安排。", "success")
    return redirect(url_for("facilities.rooms"), 303)


@bp.post("/special-openings")
@staff_required
def add_special_opening():
    closure_form, special_form = ClosureForm(formdata=None), SpecialOpeningForm()
    closure_form.room_id.choices = special_form.room_id.choices = room_choices("全部场地")
    if special_form.validate():
        try:
            room_settings.add_special_opening(
                current_user.id, room_id=special_form.room_id.data or None, day=special_form.day.data,
                opens=special_form.opens.data, closes=special_form.closes.data, reason=special_form.reason.data,
            )  # fmt: skip
        except services.BookingError as error:
            attach(special_form, error)
        else:
            flash("已添加调休开放安排。", "success")
            return redirect(url_for("facilities.rooms"), 303)
    return rooms_page(closure_form, special_form, 422)


@bp.post("/special-openings/<int:special_id>/delete")
@staff_required
def delete_special_opening(special_id: int):
    try:
        room_settings.delete_special_opening(special_id, current_user.id)
    except services.BookingError:
        abort(404)
    flash("已删除调休开放安排。", "success")
    return redirect(url_for("facilities.rooms"), 303)


@bp.post("/holidays/import")
@staff_required
def import_holidays():
    year = request.form.get("year", type=int)
    if year is None or not 2004 <= year <= clock.today().year + 1:
        chinese_abort(400, "请选择年份。")
    try:
        closures, openings = room_settings.import_public_holidays(year, current_user.id)
    except NotImplementedError:
        flash(f"节假日数据暂不包含{year}年，请手工添加。", "warning")
    else:
        flash(f"已导入{year}年法定节假日闭馆{len(closures)}段、调休开放{len(openings)}天。", "success")
    return redirect(url_for("facilities.rooms"), 303)


# --- Utilisation -----------------------------------------------------------------------------


def parse_month() -> tuple[int, int]:
    value = request.args.get("month")
    if not value:
        today = clock.today()
        return today.year, today.month
    try:
        year, month = (int(part) for part in value.split("-"))
        date(year, month, 1)
    except ValueError:
        chinese_abort(400, "月份格式应为 年-月，例如 2026-03。")
    return year, month


@bp.get("/utilisation")
@staff_required
def utilisation():
    year, month = parse_month()
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render(
        "facilities/utilisation.html", rows=reports.utilisation(year, month), year=year, month=month,
        previous=previous, following=following,
    )  # fmt: skip


@bp.get("/utilisation.xlsx")
@staff_required
def utilisation_xlsx():
    year, month = parse_month()
    response = make_response(reports.utilisation_workbook(year, month))
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = quote(f"场地利用率-{year}年{month}月.xlsx")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
