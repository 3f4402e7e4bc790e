"""Reading guides: the staff list and its filters, review dates, versions, and the public lookup
behind every scan of a QR code. Nothing here writes."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, case, cast, func, or_, select

from hubapp import clock, pagecache
from hubapp.blueprints.guides.content import snapshot
from hubapp.blueprints.guides.models import (
    ARCHIVED,
    CATEGORIES,
    DRAFT,
    PUBLISHED,
    GuideFeedback,
    GuideVersion,
    Matter,
)
from hubapp.extensions import db


class GuideNotFound(LookupError):
    """No such code, or never published: the public page answers 404.

    A lookup that finds nothing, not a broken rule: there is nothing the visitor could change
    in what they sent, so it is no ``RuleError``."""


class GuideGone(LookupError):
    """Archived: the public page answers 410 and points to the index."""


def get_by_code(code: str) -> Matter | None:
    return db.session.scalar(select(Matter).where(Matter.code == code))


def _category_order():
    return case({key: index for index, key in enumerate(CATEGORIES)}, value=Matter.category, else_=len(CATEGORIES))


def matter_query(
    search: str = "", category: str = "", status: str = "", stale_days: int | None = None, criticised: bool = False
):
    """Matters in the order of ``CATEGORIES`` (the order of the index and the QR sheet), then by name;
    with ``stale_days``, only the published ones due for review; with ``criticised``, only those
    with negative feedback not yet handled."""
    stmt = select(Matter).order_by(_category_order(), Matter.name)
    search = search.strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(
            or_(Matter.name.ilike(pattern), Matter.code.ilike(pattern), Matter.department.ilike(pattern))
        )
    if category:
        stmt = stmt.where(Matter.category == category)
    if status:
        stmt = stmt.where(Matter.status == status)
    if stale_days is not None:
        cutoff = clock.now() - timedelta(days=stale_days)
        stmt = stmt.where(Matter.status == PUBLISHED, or_(Matter.reviewed_at.is_(None), Matter.reviewed_at < cutoff))
    if criticised:
        stmt = stmt.where(Matter.id.in_(unhandled_negative_feedback().with_only_columns(GuideFeedback.matter_id)))
    return stmt


def unhandled_negative_feedback():
    """「没有帮助」 on a published guide since staff last confirmed or republished it: reviewing the
    guide (确认复核) or publishing a corrected text is what handles it."""
    return (
        select(GuideFeedback.id)
        .join(Matter, GuideFeedback.matter_id == Matter.id)
        .where(
            Matter.status == PUBLISHED,
            GuideFeedback.helpful.is_(False),
            or_(Matter.reviewed_at.is_(None), GuideFeedback.created_at > Matter.reviewed_at),
        )
    )


def criticised_count() -> int:
    """How many guides have negative feedback not yet handled."""
    stmt = unhandled_negative_feedback().with_only_columns(func.count(GuideFeedback.matter_id.distinct()))
    return db.session.scalar(stmt) or 0


def review_days(config) -> int:
    return int(config["GUIDE_REVIEW_DAYS"])


def stale_guides(days: int) -> list[Matter]:
    """Published guides nobody has confirmed for ``days`` days, the oldest first."""
    cutoff = clock.now() - timedelta(days=days)
    stmt = (
        select(Matter)
        .where(Matter.status == PUBLISHED, or_(Matter.reviewed_at.is_(None), Matter.reviewed_at < cutoff))
        .order_by(Matter.reviewed_at.nulls_first(), Matter.name)
    )
    return list(db.session.scalars(stmt))


def is_stale(matter: Matter, days: int) -> bool:
    return matter.status == PUBLISHED and (
        matter.reviewed_at is None or matter.reviewed_at < clock.now() - timedelta(days=days)
    )


def get_version(matter: Matter, number: int) -> GuideVersion | None:
    return db.session.scalar(
        select(GuideVersion).where(GuideVersion.matter_id == matter.id, GuideVersion.number == number)
    )


def published_version(matter: Matter) -> GuideVersion | None:
    return get_version(matter, matter.published_number) if matter.published_number else None


def has_unpublished_changes(matter: Matter) -> bool:
    """The public page shows an older text than the working copy (only a published guide has one)."""
    if matter.status != PUBLISHED:
        return False
    version = published_version(matter)
    return version is not None and version.content != snapshot(matter)


@dataclass(frozen=True)
class PublicGuide:
    """The version a visitor reads at /g/<code>."""

    matter_id: int
    version_number: int
    published_at: datetime
    content: dict[str, Any]


#: Built once: constructing a ``select()`` costs more than running it on the scan path, and a
#: statement built once is also compiled once (SQLAlchemy caches the compiled form by its key).
_PUBLIC_STAMP = select(Matter.id, Matter.status, Matter.published_number).where(Matter.code == bindparam("code"))
_PUBLIC_VERSION = select(GuideVersion.published_at, GuideVersion.content).where(
    GuideVersion.matter_id == bindparam("matter_id"), GuideVersion.number == bindparam("number")
)


@dataclass(frozen=True)
class PublicStamp:
    """Which version /g/<code> shows now: a page rendered for the same (matter, version) is current."""

    matter_id: int
    version_number: int


def public_stamp(code: str) -> PublicStamp:
    """The matter and the number of its published version, without the version's text: read on
    every scan (or trusted for ``PUBLIC_STALE_SECONDS``: ``pagecache.read_recent``), so that a new
    version or a withdrawal shows on every worker and host within a second."""
    rows = pagecache.read_recent(_PUBLIC_STAMP, code=code)
    if not rows:
        raise GuideNotFound(code)
    matter_id, status, published_number = rows[0]
    if status == DRAFT or published_number is None:
        raise GuideNotFound(code)
    if status == ARCHIVED:
        raise GuideGone(code)
    return PublicStamp(matter_id, published_number)


def public_guide_at(stamp: PublicStamp) -> PublicGuide:
    """The text of the version ``stamp`` names."""
    row = db.session.execute(_PUBLIC_VERSION, {"matter_id": stamp.matter_id, "number": stamp.version_number}).first()
    if row is None:
        raise GuideNotFound(stamp.matter_id)
    return PublicGuide(stamp.matter_id, stamp.version_number, row.published_at, row.content)


def public_guide(code: str) -> PublicGuide:
    """The published version behind /g/<code>."""
    return public_guide_at(public_stamp(code))


def public_index(search: str = "") -> list[tuple[str, list[Matter]]]:
    """Published guides grouped by category, in the order of ``CATEGORIES``; a search keeps the
    order of ``public_search`` inside each category."""
    matters = public_search(search) if search.strip() else db.session.scalars(matter_query(status=PUBLISHED))
    return by_category(matters)


def by_category(matters) -> list[tuple[str, list]]:
    """``(category label, matters)`` in the order of ``CATEGORIES``, keeping the order within each."""
    grouped: dict[str, list] = {}
    for matter in matters:
        grouped.setdefault(matter.category, []).append(matter)
    return [(CATEGORIES.get(key, key), grouped[key]) for key in CATEGORIES if key in grouped]


_PUBLIC_LISTING = (
    select(Matter.code, Matter.name, Matter.category)
    .where(Matter.status == PUBLISHED)
    .order_by(_category_order(), Matter.name)
)


class ListedGuide(NamedTuple):
    code: str
    name: str
    category: str


def public_listing() -> tuple[ListedGuide, ...]:
    """What the unfiltered index /g/ shows: the page is rendered once per worker for each listing,
    and the listing itself, read without the ORM (``pagecache.read_recent``), says whether it changed."""
    return tuple(ListedGuide(*row) for row in pagecache.read_recent(_PUBLIC_LISTING))


#: What people type → words the guides use. Staff add their own per guide (``Matter.keywords``).
SYNONYMS = {
    "社保": ["社会保险", "养老保险", "医疗保险", "失业保险", "工伤保险"],
    "医保": ["医疗保险"],
    "个税": ["个人所得税"],
    "开发票": ["发票"],
    "开票": ["发票"],
    "领发票": ["发票领用", "发票"],
    "公积金": ["住房公积金"],
    "贷款": ["融资", "信贷", "贷"],
    "融资": ["贷款"],
    "营业执照": ["设立登记", "企业开办"],
    "开公司": ["企业开办", "设立登记"],
    "注册公司": ["企业开办", "设立登记"],
    "人才": ["人才服务", "引才"],
}


def search_terms(search: str) -> list[str]:
    """The words a search looks for: what was typed, each of its space-separated parts, and
    their synonyms."""
    typed = search.strip()
    terms = [typed, *typed.split()]
    for word in list(terms):
        terms.extend(SYNONYMS.get(word, []))
    return list(dict.fromkeys(term for term in terms if term))


def _json_forms(term: str) -> set[str]:
    return {term, json.dumps(term)[1:-1]}


def public_search(search: str) -> list[Matter]:
    """Published guides whose name, keywords, code, category, department or materials hold a
    search term; those whose name holds one first, then the rest, each in the index order."""
    terms = search_terms(search)
    if not terms:
        return []
    categories = [key for key, label in CATEGORIES.items() if any(term in label for term in terms)]
    in_name = or_(*(Matter.name.contains(term, autoescape=True) for term in terms))
    elsewhere = or_(
        *(Matter.keywords.contains(term, autoescape=True) for term in terms),
        Matter.code.contains(search.strip().lower(), autoescape=True),
        *(Matter.department.contains(term, autoescape=True) for term in terms),
        # The materials are JSON text, where Chinese may be written as \u escapes: look for both.
        *(cast(Matter.materials, String).contains(form, autoescape=True) for term in terms for form in _json_forms(term)),
        Matter.category.in_(categories),
    )
    stmt = (
        select(Matter)
        .where(Matter.status == PUBLISHED, or_(in_name, elsewhere))
        .order_by(case((in_name, 0), else_=1), _category_order(), Matter.name)
    )
    return list(db.session.scalars(stmt))


def published_matters(category: str = "") -> list[Matter]:
    return list(db.session.scalars(matter_query(category=category, status=PUBLISHED)))
