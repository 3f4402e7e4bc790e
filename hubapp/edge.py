"""What comes in from outside, made safe once for every view: the ids in addresses, and the
control characters in addresses, query parameters and form fields.

- An id in an address is a 32-bit integer or the address names nothing (404): the id columns are
  INTEGER on PostgreSQL, and a larger number would reach the database and fail there (a 500)
  instead of finding no record. ``<int:…>`` in every route means this converter.
- NUL and the other C0 control characters are never text anyone typed: PostgreSQL refuses NUL in
  a text column (a 500), and the others only hide or garble what a page shows. They are removed
  from every query parameter and form field before a view reads them; tab, line feed and carriage
  return stay, since multi-line text holds them. An address that holds one names nothing (404).
"""

import re

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from hubapp.params import MAX_ID

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IdConverter(IntegerConverter):
    """``<int:…>``: a non-negative integer no larger than an id column holds; a larger one names
    nothing, and the address answers 404."""

    def to_python(self, value: str) -> int:
        # NotFound rather than the converter's ValidationError: with that, Werkzeug answers 405
        # when another rule has the same path for another method (GET and POST …/checkin).
        if len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
            raise NotFound()
        return super().to_python(value)


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def _cleaned(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (without_control_characters(key), without_control_characters(value)) for key, value in values.items(multi=True)
    )


def clean_request() -> None:
    if CONTROL_CHARACTERS.search(request.path):
        abort(404)
    # Without a query string there is nothing to clean, and a page scanned from a QR code has none.
    if request.query_string:
        request.args = _cleaned(request.args)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        request.form = _cleaned(request.form)


def register_edge(app: Flask) -> None:
    """Before any route is added (the converter applies to the rules added after it) and before any
    other ``before_request`` (the CSRF check and the rate limits read the form too)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(clean_request)
