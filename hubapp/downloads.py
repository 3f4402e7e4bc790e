"""Files a page hands over — PDF, Excel, iCalendar, a photo — with the headers each needs.

Each domain builds its files in modules named after what they make: ``printing.py`` (PDF),
``exports.py`` (Excel), ``feeds.py`` (iCalendar); views answer with the helpers here.
"""

from urllib.parse import quote

from flask import abort, make_response

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(data: bytes, filename: str, mimetype: str, download: bool = True):
    response = make_response(data)
    response.mimetype = mimetype
    disposition = "attachment" if download else "inline"
    # RFC 5987 form, so that Chinese file names survive every browser.
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(data: bytes, filename: str):
    return file_response(data, filename, XLSX_MIMETYPE)


def pdf_response(data: bytes, filename: str, download: bool = False):
    return file_response(data, filename, "application/pdf", download)


def ics_response(data: bytes, filename: str, feed: bool = False):
    """One event to add to a calendar (a download), or a feed calendar apps subscribe to (inline,
    cached briefly by the client)."""
    response = file_response(data, filename, "text/calendar", download=not feed)
    if feed:
        response.headers["Cache-Control"] = "private, max-age=300"
    return response


def photo_response(photos, photo_id: int):
    """The JPEG kept in the database of the one of ``photos`` (records with ``id`` and ``content``:
    a demand's photos, which the caller let this visitor see) whose id is ``photo_id``; 404 when
    none is."""
    found = next((photo for photo in photos if photo.id == photo_id), None)
    if found is None:
        abort(404)
    response = make_response(found.content)
    response.mimetype = "image/jpeg"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
