"""What other modules may ask of facilities: a room held for one of their records.

A session or a meeting takes place in a room. It holds the room through a booking that the
booking rules check like any other (opening hours, closures, overlaps, the gym's capacity) and
that the database refuses like any other. Callers keep only the booking's id and ask through this
module; they never import facilities' models, states or other services.

A refusal comes back as a ``RuleError`` carrying the caller's own form field (``FormFields``), so
the message lands next to what the user must change. For the caller's form a taken room is a
choice to change, not someone else's edit to look at: it comes back as a plain ``RuleError``
(422), where the booking form itself answers 409.

Like every service these only flush; the caller's ``atomic()`` writes the record and its booking
together or not at all.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import joinedload

from hubapp.blueprints.facilities import bookings, opening
from hubapp.blueprints.facilities.models import CHECKED_IN, CONFIRMED, PENDING, Booking, Room
from hubapp.forms import options
from hubapp.rules import RuleError

T = TypeVar("T")

#: A booking in these states still stands for its record: the room is (or was, once checked in)
#: taken for it. Rejected, cancelled and no-show bookings no longer hold anything.
HOLDING_STATES = (PENDING, CONFIRMED, CHECKED_IN)


@dataclass(frozen=True)
class FormFields:
    """The caller's form field for each thing a refusal can be about. Keys are facilities' names:
    ``room_id``, ``start_at``, ``end_at``, ``headcount``. A refusal about anything else goes to
    ``other`` when it is given, else keeps its own name (and shows above the form)."""

    names: Mapping[str, str] = field(default_factory=dict)
    other: str | None = None

    def name(self, facilities_field: str | None) -> str | None:
        if facilities_field in self.names:
            return self.names[facilities_field]
        return self.other if self.other is not None else facilities_field

    def translated(self, call: Callable[[], T]) -> T:
        """Run ``call``; a rule it breaks is raised again, as it was, with the caller's field name."""
        try:
            return call()
        except RuleError as error:
            error.field = self.name(error.field)
            raise


@dataclass
class RoomUse:
    """What a record asks of a room: which room, when, for what and for how many."""

    room_id: int | None
    start: datetime
    end: datetime
    title: str
    headcount: int
    #: Who the room's calendar names as holding it (a host organisation, say); None: the centre.
    holder: str | None = None
    purpose: str | None = None


def _as_choice(fields: FormFields, call: Callable[[], T]) -> T:
    """Run ``call`` for another module's form: a taken slot is a choice to change there (422)."""
    try:
        return fields.translated(call)
    except bookings.SlotTaken as taken:
        raise RuleError(taken.message, taken.field) from None


def holds_room(booking: Booking | None) -> bool:
    return booking is not None and booking.status in HOLDING_STATES


def room(room_id: int | None) -> Room | None:
    return opening.get_room(room_id) if room_id else None


def room_choices(first: tuple | None = None):
    """The active rooms with their capacity, as a room field offers them, after ``first`` if given."""
    return options(([first] if first else []) + [(r.id, f"{r.name}（{r.capacity}人）") for r in opening.rooms()])


def with_room(relationship):
    """A loader option for ``Record.booking`` that brings each booking's room along with it."""
    return joinedload(relationship).joinedload(Booking.room)


def _details(use: RoomUse, keep: Booking | None = None) -> bookings.BookingDetails:
    details = bookings.BookingDetails.of(keep) if keep is not None else bookings.BookingDetails(title="")
    details.title = use.title[:100]
    details.headcount = use.headcount
    details.purpose = use.purpose
    details.contact_name = use.holder
    return details


def hold(actor, use: RoomUse, fields: FormFields, *, source: str, allow_past: bool = False) -> int:
    """Book the room for the record; returns the booking's id. ``source`` names the module
    ("session", "meeting"): its bookings are run by that module and never lapse as no-shows."""
    booking = _as_choice(
        fields,
        lambda: bookings.create_booking(actor, use.room_id, use.start, use.end, _details(use), source=source, allow_past=allow_past),
    )
    return booking.id


def update(actor, booking_id: int, use: RoomUse, fields: FormFields) -> None:
    """Keep the booking in step with its record: another room or time moves it, another title,
    holder or headcount changes what the calendar shows. A booking that no longer holds its room
    cannot be moved (the message says why); its details are left as they were."""
    booking = bookings.get_booking(booking_id)
    if booking is None:
        raise RuleError("场地预约不存在。", fields.name("room_id"))
    moved = (use.room_id or booking.room_id, use.start, use.end) != (booking.room_id, booking.start_at, booking.end_at)

    def move():
        if moved:
            bookings.move_booking(actor, booking, use.start, use.end, room_id=use.room_id)

    def describe():
        if holds_room(booking):
            bookings.update_details(actor, booking, _details(use, keep=booking))

    _as_choice(fields, lambda: bookings.in_order(use.headcount > booking.headcount, move, describe))


def release(actor, booking_id: int | None, reason: str) -> bool:
    """Give the room back (the record is cancelled, deleted or moves elsewhere). A booking already
    over (checked in) or already given back stays as it is; returns whether one was cancelled."""
    booking = bookings.get_booking(booking_id) if booking_id else None
    if booking is None or booking.status not in bookings.MOVABLE_STATES:
        return False
    bookings.cancel_booking(actor, booking, reason[:200])
    return True
