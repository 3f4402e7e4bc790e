"""Choosing an enterprise of the register by typing its name, short name or credit code.

The register holds hundreds of enterprises: a dropdown of all of them cannot be searched on a phone
and hands the whole list to every page. ``EnterpriseField`` is a text field instead; the server
resolves what was typed to one active enterprise when the form is posted, so the form works without
JavaScript. With htmx the field asks for suggestions as the user types and fills the field's
``<datalist>``; the browser shows them under the field, and picking one types the full name.
"""

import unicodedata

from flask import url_for
from sqlalchemy import or_, select
from wtforms import StringField
from wtforms.validators import ValidationError

from hubapp.blueprints.directory import uscc
from hubapp.blueprints.directory.models import Enterprise
from hubapp.extensions import db
from hubapp.formatting import quoted

#: Suggestions shown at once: enough to find one's own enterprise, too few to page through the register.
SUGGESTIONS = 8


def normalised(text: str | None) -> str:
    """What was typed, with full-width letters and digits (a Chinese keyboard's) made plain."""
    return unicodedata.normalize("NFKC", text or "").strip()


def _candidates(grid_ids: list[int] | None):
    """Enterprises in the register (deactivated ones leave the pickers), within these grids."""
    stmt = select(Enterprise).where(Enterprise.active.is_(True))
    if grid_ids is not None:
        stmt = stmt.where(Enterprise.grid_id.in_(grid_ids))
    return stmt


def suggestions(text: str, grid_ids: list[int] | None = None, limit: int = SUGGESTIONS) -> list[Enterprise]:
    """Enterprises whose name or short name contains ``text``, or whose credit code starts
    with it; names that start with it first. Within grids, nothing typed yet lists the grids' first
    enterprises: a grid worker's few are offered as soon as the field is touched."""
    text = normalised(text)
    if not text:
        if grid_ids is None:
            return []
        return list(db.session.scalars(_candidates(grid_ids).order_by(Enterprise.name).limit(limit)))
    pattern = f"%{text}%"
    stmt = _candidates(grid_ids).where(
        or_(Enterprise.name.ilike(pattern), Enterprise.short_name.ilike(pattern), Enterprise.uscc.like(f"{text.upper()}%"))
    )
    found = list(db.session.scalars(stmt.order_by(Enterprise.name).limit(limit * 4)))
    found.sort(key=lambda e: (not e.name.startswith(text) and not (e.short_name or "").startswith(text), e.name))
    return found[:limit]


def matches(text: str, grid_ids: list[int] | None = None) -> list[Enterprise]:
    """The enterprises that ``text`` names exactly: by credit code, full name or short name."""
    text = normalised(text)
    if not text:
        return []
    code = uscc.normalise(text)
    stmt = _candidates(grid_ids).where(
        or_(Enterprise.uscc == code, Enterprise.name == text, Enterprise.short_name == text)
    )
    found = list(db.session.scalars(stmt.order_by(Enterprise.name)))
    exact = [e for e in found if e.uscc == code or e.name == text]
    return exact or found


class EnterpriseField(StringField):
    """The name, short name or credit code of an enterprise of the register, resolved on validation
    to ``field.enterprise``. ``grid_ids`` limits it to the enterprises of those grids (a grid
    worker's); ``suggest_url`` is where htmx asks for suggestions. ``current`` is the enterprise
    the record already names: kept when the form is saved again, even if it has been deactivated
    since (a booking of an enterprise that left the register still names it)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.grid_ids: list[int] | None = None
        self.enterprise: Enterprise | None = None
        self.current: Enterprise | None = None

    def process_data(self, value) -> None:
        """A form made from a record (``obj=booking``) shows the record's enterprise by name."""
        if isinstance(value, Enterprise):
            self.enterprise = self.current = value
            value = value.name
        super().process_data(value)

    @property
    def enterprise_id(self) -> int | None:
        return self.enterprise.id if self.enterprise is not None else None

    @property
    def suggest_url(self) -> str:
        return url_for("directory.suggest", name=self.name, grid=self.grid_ids or [])

    def pre_validate(self, form) -> None:
        self.enterprise = None
        text = normalised(self.data)
        self.data = text
        if not text:
            return
        if self.current is not None and text in (self.current.name, self.current.uscc):
            self.enterprise = self.current
            return
        found = matches(text, self.grid_ids)
        if len(found) > 1:
            raise ValidationError(f"有{len(found)}家企业简称为{quoted(text)}，请填写全称或统一社会信用代码。")
        if not found:
            where = "您负责的网格中" if self.grid_ids is not None else "企业名录中"
            raise ValidationError(f"{where}没有{quoted(text)}，请从提示中选择，或填写全称、统一社会信用代码。")
        self.enterprise = found[0]
