"""Public pages: the door page behind each room's QR code, the booking request form for
enterprise contacts, and the calendar feeds (their secret is in the address). No login;
phone-sized; no JavaScript."""

from flask import abort, current_app, redirect, request, send_file, url_for
from flask import session as browser
from flask_login import current_user

from hubapp import actions, clock, downloads, params
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory import uscc as uscc_rules
from hubapp.blueprints.facilities import bookings, feeds, holds, opening, public_bp, schedule, sweeper
from hubapp.blueprints.facilities import rooms as room_settings
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.blueprints.facilities.forms import DoorCheckInForm, PublicRequestForm
from hubapp.blueprints.facilities.models import CONFIRMED, PENDING, Room
from hubapp.extensions import db, limiter
from hubapp.htmx import render

#: Key of the browser's signed cookie session: the private links' tokens of the room requests
#: made in this browser, newest first, which 我的办件 (/e/mine) lists.
REMEMBERED = "room_requests"
REMEMBERED_MAX = 20


def remember_request(token: str) -> None:
    kept = [t for t in browser.get(REMEMBERED, []) if t != token]
    browser[REMEMBERED] = [token, *kept][:REMEMBERED_MAX]

#: The request form's names for the fields a booking rule can be about; the rest go to the time.
REQUEST_FIELDS = holds.FormFields({"start_at": "start", "end_at": "end", "headcount": "headcount"}, other="start")


@public_bp.before_request
def apply_no_show_rule():
    sweeper.nudge()


def door_page(room, form, status=200):
    now = clock.now()
    today = schedule.today_bookings(room, now.date())
    current = bookings.current_bookings(room, now)
    return render(
        "facilities/public/door.html", status=status, room=room, form=form, bookings=today, now=now,
        current=current, closure=opening.closure_on(room, now.date()),
        window=opening.opening_window(room, now.date()),
        # Nothing for the booker to prove it by: the page says so before anyone types.
        phoneless=len(current) == 1 and not bookings.booker_phone(current[0]),
    )  # fmt: skip


@public_bp.get("/r/<int:room_id>")
@public
def door(room_id: int):
    room = db.get_or_404(Room, room_id)
    return door_page(room, DoorCheckInForm())


@public_bp.get("/r/<int:room_id>/photo.jpg")
@public
def room_photo(room_id: int):
    room = opening.get_room(room_id)
    path = room_settings.photo_path(room) if room else None
    if path is None or not path.exists():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    return response


@public_bp.get("/r/<int:room_id>/check-in")
@public
def door_check_in_address(room_id: int):
    """The form's address opened (a reload, a shared link): the door page, not a 405."""
    return redirect(url_for(".door", room_id=room_id))


@public_bp.post("/r/<int:room_id>/check-in")
@public
# Four digits are guessable: limit tries per address, yet leave room for a full gym slot
# checking in from the centre's Wi-Fi, which shares one address.
@limiter.limit("60 per 10 minutes")
def door_check_in(room_id: int):
    room = db.get_or_404(Room, room_id)
    form = DoorCheckInForm()
    outcome = actions.submit(form, lambda: bookings.door_check_in(current_user, room, form.phone_tail.data))
    if not outcome.ok:
        return door_page(room, form, outcome.status)
    booking = outcome.value
    return actions.done(
        f"签到成功：{booking.title}，{booking.start_at:%H:%M}–{booking.end_at:%H:%M}。",
        url_for("facilities_public.door", room_id=room.id),
    )


@public_bp.route("/book", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def request_booking():
    """An enterprise contact asks for a room; it lands as pending when the room needs approval."""
    form = PublicRequestForm()
    form.room_id.choices = holds.room_choices()
    if request.method == "GET":
        form.room_id.data = params.int_arg("room_id")
        return render("facilities/public/request.html", form=form, rooms=opening.rooms())
    if not form.validate():
        return render("facilities/public/request.html", status=422, form=form, rooms=opening.rooms())
    enterprise = None
    if form.uscc.data:
        problem = uscc_rules.validation_error(form.uscc.data)
        if problem:
            form.add_error(problem, "uscc")
            return render("facilities/public/request.html", status=422, form=form, rooms=opening.rooms())
        enterprise = directory.enterprise_by_uscc(form.uscc.data)
    else:
        name = form.enterprise_name.data.strip()
        enterprise = next((e for e in directory.search_enterprises(name) if name in (e.name, e.short_name)), None)
    room = opening.get_room(form.room_id.data)
    start, end = opening.occurrence_window(form.day.data, form.start.data, form.end.data)
    details = BookingDetails(
        title=form.title.data, headcount=form.headcount.data, purpose=form.purpose.data or None,
        enterprise_id=enterprise.id if enterprise else None, contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data, notes=None if enterprise else f"单位：{form.enterprise_name.data}",
    )  # fmt: skip
    outcome = actions.attempt(
        lambda: REQUEST_FIELDS.translated(
            lambda: bookings.create_booking(
                current_user, room.id, start, end, details,
                status=PENDING if room.needs_approval else CONFIRMED, source="public",
            )
        ),
        form,
    )  # fmt: skip
    if not outcome.ok:
        # A taken slot belongs to no one field: it is said above the form (a broken rule is at its field).
        return render("facilities/public/request.html", status=outcome.status, form=form, rooms=opening.rooms(),
                      message=outcome.message if outcome.conflict else None)  # fmt: skip
    remember_request(outcome.value.follow_token)
    return render(
        "facilities/public/request_done.html", booking=outcome.value, phone=current_app.config["CENTRE_PHONE"]
    )


# --- Calendar feeds (the secret is in the address) -------------------------------------------


@public_bp.get("/facilities/<int:room_id>/calendar.ics")
@public
def room_feed(room_id: int):
    room = db.get_or_404(Room, room_id)
    token = feeds.existing_token(room_id=room.id)
    if token is None or not feeds.token_matches(token.token, request.args.get("token")):
        abort(404)
    return downloads.ics_response(feeds.ical(room.name, feeds.feed_bookings(room_id=room.id)), f"room-{room.id}.ics", feed=True)


@public_bp.get("/facilities/me/calendar.ics")
@public
def user_feed():
    user_id = feeds.feed_user(request.args.get("token"))
    if user_id is None:
        abort(404)
    bookings_of_user = feeds.feed_bookings(user_id=user_id)
    return downloads.ics_response(feeds.ical("我的场地预约", bookings_of_user), "my-bookings.ics", feed=True)
