"""Paper: the A4 sign-in sheet (签到表) and the poster whose QR code leads to the sign-up page."""

from hubapp import pdf, qr
from hubapp.blueprints.sessions import door, signup_url
from hubapp.blueprints.sessions.models import Session


def signin_sheet_pdf(session: Session, blank_rows: int = 5) -> bytes:
    """A4 sign-in sheet: those expected, phone masked, a signature column; spare rows for walk-ins."""
    return pdf.render_pdf(
        "sessions/pdf/signin_sheet.html",
        session=session,
        attendees=door.attendees(session.id),
        blank_rows=blank_rows,
    )


def poster_pdf(session: Session) -> bytes:
    url = signup_url(session.id)
    return pdf.render_pdf("sessions/pdf/poster.html", session=session, qr_svg=qr.svg(url, scale=8), url=url)
