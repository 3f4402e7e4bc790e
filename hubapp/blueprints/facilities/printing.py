"""Paper of facilities: the A4 sign on each room's door, with the QR code of its door page."""

from flask import url_for

from hubapp import pdf, qr
from hubapp.blueprints.facilities.models import Room
from hubapp.blueprints.facilities.opening import hours_summary


def door_url(room: Room) -> str:
    """The room's door page (/r/<room_id>, a stable address) at the host enterprises reach."""
    return qr.public_url(url_for("facilities_public.door", room_id=room.id))


def door_sign_pdf(room: Room) -> bytes:
    return pdf.render_pdf(
        "facilities/pdf/door_sign.html", room=room, hours=hours_summary(room), qr_svg=qr.svg, door_url=door_url(room)
    )
