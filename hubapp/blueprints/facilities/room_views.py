"""Staff pages for the rooms themselves: settings and weekly hours, photos, door signs, closures,
make-up opening days (调休), public holidays, calendar feed addresses, and utilisation."""

from dataclasses import fields
from datetime import date, time

from flask import flash, request, url_for
from flask_login import current_user

from hubapp import actions, clock, concurrency, downloads, qr
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.facilities import bp, exports, feeds, opening, printing, reports
from hubapp.blueprints.facilities import rooms as room_settings
from hubapp.blueprints.facilities.forms import ClosureForm, NewRoomForm, PhotoForm, RoomForm, SpecialOpeningForm
from hubapp.blueprints.facilities.models import Closure, Room, SpecialOpening
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.formatting import days_label, quoted
from hubapp.forms import options
from hubapp.htmx import render
from hubapp.params import between_args, days_for_download, month_arg


def room_choices(all_label: str):
    return options([(0, all_label)] + [(r.id, r.name) for r in opening.rooms(active_only=False)])


def settings_from(form) -> room_settings.RoomSettings:
    return room_settings.RoomSettings(**{f.name: form[f.name].data for f in fields(room_settings.RoomSettings)})


@bp.get("/rooms")
@staff_required
def rooms():
    closure_form, special_form = ClosureForm(formdata=None), SpecialOpeningForm(formdata=None)
    closure_form.room_id.choices = special_form.room_id.choices = room_choices("全部场地")
    return rooms_page(closure_form, special_form)


def rooms_page(closure_form, special_form, status=200):
    today = clock.today()
    return render(
        "facilities/rooms.html", status=status, rooms=opening.rooms(active_only=False),
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
    outcome = actions.submit(form, lambda: room_settings.create_room(current_user, settings_from(form), form.booking_mode.data))
    if not outcome.ok:
        return render("facilities/room_new.html", status=422, form=form)
    room = outcome.value
    return actions.done(
        f"已新增场地{quoted(room.name)}，开放时间默认为每天08:30–21:00，可在此修改。", url_for("facilities.edit_room", room_id=room.id)
    )


@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_room(room_id: int):
    room = db.get_or_404(Room, room_id)
    form = _saved_room_form(room) if request.method == "GET" else RoomForm()
    hour_errors: dict[int, str] = {}
    status, conflict = 200, None
    if request.method == "POST":
        parsed = parse_hours(hour_errors)

        def save():
            room_settings.update_room(current_user, room, settings_from(form), concurrency.submitted(form))
            room_settings.set_opening_hours(current_user, room, parsed)

        outcome = actions.submit(form, save) if not hour_errors else actions.Outcome(status=422)
        if outcome.ok:
            outside = room_settings.bookings_left_out(room)
            if outside:
                where = "停用的场地" if not room.active else "新的开放时间外"
                flash(f"{where}还有{len(outside)}个预约，请联系预约人调整或取消：" + "；".join(
                    f"{b.start_at.month}月{b.start_at.day}日 {b.start_at:%H:%M}–{b.end_at:%H:%M} {b.title}"
                    for b in outside), "warning")  # fmt: skip
            return actions.done(f"已保存{room.name}的设置。", url_for("facilities.rooms"))
        db.session.refresh(room)
        status, conflict = outcome.status, concurrency.table_for(outcome, form, lambda: _saved_room_form(room))
    token = feeds.existing_token(room_id=room.id)
    return render(
        "facilities/room_form.html", status=status, room=room, form=form, hours={h.weekday: h for h in room.opening_hours},
        hour_errors=hour_errors, weekdays="一二三四五六日", photo_form=PhotoForm(formdata=None), conflict=conflict,
        door_url=printing.door_url(room),
        feed=qr.public_url(url_for("facilities_public.room_feed", room_id=room.id, token=token.token)) if token else None,
    )  # fmt: skip


def _saved_room_form(room: Room) -> RoomForm:
    """The settings form as the room is saved now, with its version."""
    form = RoomForm(formdata=None, obj=room)
    concurrency.stamp(form, room)
    return form


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
    room = db.get_or_404(Room, room_id)
    return downloads.pdf_response(printing.door_sign_pdf(room), f"{room.name}-门牌.pdf")


@bp.post("/rooms/<int:room_id>/photo")
@staff_required
def upload_photo(room_id: int):
    room = db.get_or_404(Room, room_id)
    back = url_for("facilities.edit_room", room_id=room.id)
    form = PhotoForm()
    if not form.validate():
        return actions.refused("；".join(form.photo.errors), back)
    outcome = actions.attempt(lambda: room_settings.set_photo(current_user, room, form.photo.data.read()))
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done("已更新照片。", back)


@bp.post("/rooms/<int:room_id>/photo/delete")
@staff_required
def delete_photo(room_id: int):
    room = db.get_or_404(Room, room_id)
    actions.attempt(lambda: room_settings.remove_photo(current_user, room))
    return actions.done("已删除照片。", url_for("facilities.edit_room", room_id=room.id))


@bp.post("/rooms/<int:room_id>/feed/renew")
@staff_required
def renew_room_feed(room_id: int):
    room = db.get_or_404(Room, room_id)
    had_one = feeds.existing_token(room_id=room.id) is not None
    actions.attempt(lambda: feeds.renew_feed_token(current_user, room_id=room.id))
    message = f"已更换{room.name}的日历订阅地址。" if had_one else f"已生成{room.name}的日历订阅地址。"
    return actions.done(message, url_for("facilities.edit_room", room_id=room.id))


@bp.post("/closures")
@staff_required
def add_closure():
    closure_form, special_form = ClosureForm(), SpecialOpeningForm(formdata=None)
    closure_form.room_id.choices = special_form.room_id.choices = room_choices("全部场地")
    outcome = actions.submit(
        closure_form,
        lambda: room_settings.add_closure(
            current_user, closure_form.room_id.data or None, closure_form.start_date.data, closure_form.end_date.data,
            closure_form.reason.data,
        ),
    )  # fmt: skip
    if not outcome.ok:
        return rooms_page(closure_form, special_form, 422)
    affected = room_settings.bookings_in_closure(outcome.value)
    if affected:
        flash(f"闭馆期间还有{len(affected)}个预约，请逐一取消并说明原因：" + "；".join(
            f"{b.room.name} {b.start_at.month}月{b.start_at.day}日 {b.start_at:%H:%M} {b.title}" for b in affected), "warning")  # fmt: skip
    return actions.done("已添加闭馆安排。", url_for("facilities.rooms"))


@bp.post("/closures/<int:closure_id>/delete")
@staff_required
def delete_closure(closure_id: int):
    closure = db.get_or_404(Closure, closure_id)
    actions.attempt(lambda: room_settings.delete_closure(current_user, closure))
    return actions.done("已删除闭馆安排。", url_for("facilities.rooms"))


@bp.post("/special-openings")
@staff_required
def add_special_opening():
    closure_form, special_form = ClosureForm(formdata=None), SpecialOpeningForm()
    closure_form.room_id.choices = special_form.room_id.choices = room_choices("全部场地")
    outcome = actions.submit(
        special_form,
        lambda: room_settings.add_special_opening(
            current_user, special_form.room_id.data or None, special_form.day.data, special_form.opens.data,
            special_form.closes.data, special_form.reason.data,
        ),
    )  # fmt: skip
    if not outcome.ok:
        return rooms_page(closure_form, special_form, 422)
    return actions.done("已添加调休开放安排。", url_for("facilities.rooms"))


@bp.post("/special-openings/<int:special_id>/delete")
@staff_required
def delete_special_opening(special_id: int):
    special = db.get_or_404(SpecialOpening, special_id)
    actions.attempt(lambda: room_settings.delete_special_opening(current_user, special))
    return actions.done("已删除调休开放安排。", url_for("facilities.rooms"))


@bp.post("/holidays/import")
@staff_required
def import_holidays():
    year = request.form.get("year", type=int)
    if year is None or not 2004 <= year <= clock.today().year + 1:
        chinese_abort(400, "请选择年份。")
    back = url_for("facilities.rooms")
    outcome = actions.attempt(lambda: room_settings.import_public_holidays(current_user, year))
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    closures, openings = outcome.value
    return actions.done(f"已导入{year}年法定节假日闭馆{len(closures)}段、调休开放{len(openings)}天。", back)


# --- Utilisation -----------------------------------------------------------------------------


@bp.get("/utilisation")
@staff_required
def utilisation():
    """A month (``?month=``, by default this one) or, as a report's figure links to it, the days
    ``?since=&until=``."""
    days = between_args()
    if days is None:
        shown = month_arg()
        start, end = shown.month, shown.following
    else:
        shown, (start, end) = None, _within_limit(*days)
    bookings, hours = reports.held_between(start, end)
    return render(
        "facilities/utilisation.html", rows=reports.utilisation_between(start, end), shown=shown,
        period=shown.label if shown else days_label(start, end), bookings=bookings, hours=hours,
    )  # fmt: skip


@bp.get("/utilisation.xlsx")
@staff_required
def utilisation_xlsx():
    """The month of ``?month=`` (by default this one) or the days ``?since=&until=``, as the page shows them."""
    days = days_for_download()
    rows = reports.utilisation_between(*_within_limit(days.start, days.end))
    return downloads.xlsx_response(exports.utilisation_workbook(rows, days.label), f"场地利用率-{days.label}.xlsx")


def _within_limit(start: date, end: date) -> tuple[date, date]:
    """The days one request may count (open hours are counted day by day), else a 400 that says so."""
    if (end - start).days > reports.MAX_DAYS:
        chinese_abort(400, f"场地利用率一次最多统计{reports.MAX_DAYS}天，请填写起止日期，缩短时间范围。")
    return start, end
