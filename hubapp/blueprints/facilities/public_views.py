"""Public pages: the door page behind each room's QR code, and the booking request form for
enterprise contacts. No login; phone-sized; no JavaScript."""

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user

from hubapp import clock
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory import uscc as uscc_rules
from hubapp.blueprints.facilities import public_bp, schedule, services
from hubapp.blueprints.facilities import rooms as room_settings
from hubapp.blueprints.facilities.forms import DoorCheckInForm, PublicRequestForm, room_options
from hubapp.blueprints.facilities.models import CONFIRMED, PENDING
from hubapp.extensions import limiter
from hubapp.htmx import render


@public_bp.before_request
def apply_no_show_rule():
    services.sweep_no_shows()


def door_page(room, form, status=200):
    now = clock.now()
    today = schedule.today_bookings(room, now.date())
    return render(
        "facilities/door.html", status=status, room=room, form=form, bookings=today, now=now,
        current=services.current_bookings(room, now), closure=services.closure_on(room, now.date()),
        window=services.opening_window(room, now.date()),
    )  # fmt: skip


@public_bp.get("/r/<int:room_id>")
@public
def door(room_id: int):
    room = services.get_room(room_id)
    if room is None:
        abort(404)
    return door_page(room, DoorCheckInForm())


@public_bp.get("/r/<int:room_id>/photo.jpg")
@public
def room_photo(room_id: int):
    room = services.get_room(room_id)
    path = room_settings.photo_path(room) if room else None
    if path is None or not path.exists():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    return response


@public_bp.post("/r/<int:room_id>/check-in")
@public
# Four digits are guessable: limit tries per address, yet leave room for a full gym slot
# checking in from the centre's Wi-Fi, which shares one address.
@limiter.limit("60 per 10 minutes")
def door_check_in(room_id: int):
    room = services.get_room(room_id)
    if room is None:
        abort(404)
    form = DoorCheckInForm()
    if not form.validate():
        return door_page(room, form, 422)
    try:
        booking = services.door_check_in(room.id, form.phone_tail.data)
    except services.BookingError as error:
        form.phone_tail.errors = [*form.phone_tail.errors, error.message]
        return door_page(room, form, 422)
    flash(f"签到成功：{booking.title}，{booking.start_at:%H:%M}–{booking.end_at:%H:%M}。", "success")
    return redirect(url_for("facilities_public.door", room_id=room.id), 303)


@public_bp.route("/book", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def request_booking():
    """An enterprise contact asks for a room; it lands as pending when the room needs approval."""
    form = PublicRequestForm()
    form.room_id.choices = room_options()
    if request.method == "GET":
        form.room_id.data = request.args.get("room_id", type=int)
        return render("facilities/request.html", form=form, rooms=services.rooms())
    if not form.validate():
        return render("facilities/request.html", status=422, form=form, rooms=services.rooms())
    enterprise = None
    if form.uscc.data:
        problem = uscc_rules.validation_error(form.uscc.data)
        if problem:
            form.uscc.errors = [problem]
            return render("facilities/request.html", status=422, form=form, rooms=services.rooms())
        enterprise = directory.enterprise_by_uscc(form.uscc.data)
    else:
        name = form.enterprise_name.data.strip()
        enterprise = next((e for e in directory.search_enterprises(name) if name in (e.name, e.short_name)), None)
    room = services.get_room(form.room_id.data)
    start, end = services.occurrence_window(form.day.data, form.start.data, form.end.data)
    try:
        booking = services.create_booking(
            room_id=room.id, start=start, end=end, title=form.title.data,
            actor_id=current_user.id if current_user.is_authenticated else None,
            headcount=form.headcount.data, purpose=form.purpose.data or None,
            enterprise_id=enterprise.id if enterprise else None, contact_name=form.contact_name.data,
            contact_phone=form.contact_phone.data, notes=None if enterprise else f"单位：{form.enterprise_name.data}",
            status=PENDING if room.needs_approval else CONFIRMED, source="public",
        )  # fmt: skip
    except services.BookingError as error:
        target = {"start_at": form.start, "end_at": form.end, "headcount": form.headcount}.get(error.field or "", form.start)
        target.errors = [*target.errors, error.message]
        status = 409 if isinstance(error, services.BookingConflict) else 422
        return render("facilities/request.html", status=status, form=form, rooms=services.rooms())
    return render("facilities/request_done.html", booking=booking, phone=current_app.config["CENTRE_PHONE"])
