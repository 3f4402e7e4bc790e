"""The rules of guides: writing the working copy, publishing versions, restoring, archiving,
review dates, the public lookup, feedback and statistics. No request objects here."""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from hubapp import audit, clock
from hubapp.blueprints.guides.models import (
    ARCHIVED,
    CATEGORIES,
    DRAFT,
    MATERIAL_FORMS,
    MATTER_TYPES,
    PUBLISHED,
    SERVICE_OBJECTS,
    GuideFeedback,
    GuideVersion,
    GuideViewCount,
    Matter,
)
from hubapp.database import take_turns
from hubapp.extensions import db

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
#: Codes that would shadow a staff address under /guides/.
RESERVED_CODES = frozenset({"new", "stale"})
FEEDBACK_COMMENT_MAX = 500

#: The guide's elements in the order a 办事指南 shows them, with their Chinese labels; used for
#: snapshots, the version diff and the audit of changed fields.
FIELDS = {
    "name": "事项名称",
    "official_code": "事项编码",
    "category": "事项类别",
    "matter_type": "事项类型",
    "department": "实施主体",
    "window": "受理窗口",
    "service_object": "服务对象",
    "legal_basis": "设定依据",
    "conditions": "受理条件",
    "materials": "申请材料",
    "steps": "办理流程",
    "legal_limit_days": "法定办结时限",
    "promised_limit_days": "承诺办结时限",
    "fee_free": "是否收费",
    "fee_basis": "收费依据",
    "fee_amount": "收费标准",
    "place": "办理地点",
    "office_hours": "办理时间",
    "consult_phone": "咨询电话",
    "complaint_phone": "监督投诉电话",
    "online_url": "网上办理地址",
    "result_delivery": "办理结果及送达方式",
    "faq": "常见问题",
    "tips": "事前辅导",
    "value_added": "增值服务",
}
#: Text elements stored as "" when empty (an empty form field may come in as None).
TEXT_FIELDS = frozenset(FIELDS) - {"official_code", "materials", "steps", "faq", "legal_limit_days",
                                   "promised_limit_days", "fee_free"}  # fmt: skip
#: What a guide must have before the public may see it.
REQUIRED_TO_PUBLISH = ("department", "window", "place", "office_hours", "consult_phone", "materials", "steps")


class GuideError(ValueError):
    """A rule about guides was broken; the Chinese message belongs next to ``field``."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class GuideNotFound(LookupError):
    """No such code, or never published: the public page answers 404."""


class GuideGone(LookupError):
    """Archived: the public page answers 410 and points to the index."""


def limit_label(days: int | None) -> str:
    if days is None:
        return "无"
    return "当场办结" if days == 0 else f"{days}个工作日"


def lines(text: str | None) -> list[str]:
    """One item per line, blank lines dropped: conditions, tips and value-added services."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- reading --------------------------------------------------------------------------------


def get_by_code(code: str) -> Matter | None:
    return db.session.scalar(select(Matter).where(Matter.code == code))


def matter_query(search: str = "", category: str = "", status: str = "", stale_days: int | None = None):
    """Matters in the order of ``CATEGORIES`` (the order of the index and the QR sheet), then by name;
    with ``stale_days``, only the published ones due for review."""
    category_order = case({key: index for index, key in enumerate(CATEGORIES)}, value=Matter.category, else_=len(CATEGORIES))
    stmt = select(Matter).order_by(category_order, Matter.name)
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
    return stmt


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
    matter_id: int
    version_number: int
    published_at: datetime
    content: dict[str, Any]


def public_guide(code: str) -> PublicGuide:
    """The published version behind /g/<code>, in one query: this is the path every scan takes."""
    row = db.session.execute(
        select(Matter.id, Matter.status, GuideVersion.number, GuideVersion.published_at, GuideVersion.content)
        .outerjoin(
            GuideVersion, and_(GuideVersion.matter_id == Matter.id, GuideVersion.number == Matter.published_number)
        )
        .where(Matter.code == code)
    ).first()
    if row is None or (row.status == DRAFT) or row.content is None:
        raise GuideNotFound(code)
    if row.status == ARCHIVED:
        raise GuideGone(code)
    return PublicGuide(row.id, row.number, row.published_at, row.content)


def public_index(search: str = "") -> list[tuple[str, list[Matter]]]:
    """Published guides grouped by category, in the order of ``CATEGORIES``."""
    stmt = matter_query(search, status=PUBLISHED)
    by_category: dict[str, list[Matter]] = {}
    for matter in db.session.scalars(stmt):
        by_category.setdefault(matter.category, []).append(matter)
    return [(CATEGORIES.get(key, key), by_category[key]) for key in CATEGORIES if key in by_category]


def published_matters(category: str = "") -> list[Matter]:
    return list(db.session.scalars(matter_query(category=category, status=PUBLISHED)))


# --- writing --------------------------------------------------------------------------------


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise what a form or the demo hands in, and check what a form cannot."""
    clean: dict[str, Any] = {}
    for key in FIELDS:
        if key in data:
            value = data[key]
            if value is None and key in TEXT_FIELDS:
                value = ""
            clean[key] = value.strip() if isinstance(value, str) else value
    if not clean.get("name"):
        raise GuideError("请填写事项名称。", "name")
    if clean.get("category") not in CATEGORIES:
        raise GuideError("请选择事项类别。", "category")
    if clean.get("service_object", "legal") not in SERVICE_OBJECTS:
        raise GuideError("未知的服务对象。", "service_object")
    if clean.get("matter_type", "instant") not in MATTER_TYPES:
        raise GuideError("未知的事项类型。", "matter_type")
    for key in ("legal_limit_days", "promised_limit_days"):
        if clean.get(key) is not None and not 0 <= clean[key] <= 365:
            raise GuideError("时限应为 0（当场办结）到 365 个工作日。", key)
    legal, promised = clean.get("legal_limit_days"), clean.get("promised_limit_days")
    if legal is not None and promised is not None and promised > legal:
        raise GuideError("承诺办结时限不能长于法定办结时限。", "promised_limit_days")
    if clean.get("matter_type") == "instant" and promised not in (None, 0):
        raise GuideError("即办件的承诺时限应为当场办结（填 0）。", "promised_limit_days")
    if clean.get("fee_free") is False and not (clean.get("fee_basis") and clean.get("fee_amount")):
        raise GuideError("收费事项须写明收费依据和收费标准。", "fee_basis")
    if clean.get("fee_free", True):
        clean["fee_basis"], clean["fee_amount"] = "", ""
    url = clean.get("online_url") or ""
    if url and not url.startswith(("https://", "http://")):
        raise GuideError("网上办理地址应以 https:// 或 http:// 开头。", "online_url")
    clean["materials"] = [_material(row) for row in clean.get("materials") or []]
    clean["steps"] = [{"title": r["title"].strip(), "detail": (r.get("detail") or "").strip()}
                      for r in clean.get("steps") or [] if r.get("title", "").strip()]  # fmt: skip
    clean["faq"] = [{"question": r["question"].strip(), "answer": (r.get("answer") or "").strip()}
                    for r in clean.get("faq") or [] if r.get("question", "").strip()]  # fmt: skip
    return clean


def _material(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("form") not in MATERIAL_FORMS:
        raise GuideError("材料形式应为原件、复印件或电子件。", "materials")
    copies = int(row.get("copies") or 1)
    if not 1 <= copies <= 99:
        raise GuideError("材料份数应为 1 到 99。", "materials")
    return {
        "name": row["name"].strip(),
        "form": row["form"],
        "copies": copies,
        "required": bool(row.get("required", True)),
        "notes": (row.get("notes") or "").strip(),
    }


def check_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not CODE_PATTERN.match(code):
        raise GuideError("编码为 3–20 位小写字母、数字或连字符，以字母开头，例如 qy-bg。", "code")
    if code in RESERVED_CODES:
        raise GuideError("该编码为系统保留，请换一个。", "code")
    if get_by_code(code) is not None:
        raise GuideError("该编码已被使用（编码印在二维码上，永不复用），请换一个。", "code")
    return code


def create_matter(actor_id: int | None, code: str, data: dict[str, Any], is_demo: bool = False) -> Matter:
    code = check_code(code)
    clean = _clean(data)
    now = clock.now()
    matter = Matter(code=code, status=DRAFT, is_demo=is_demo, created_at=now, updated_at=now, **clean)
    db.session.add(matter)
    db.session.flush()
    audit.record(actor_id, "guide.create", "guide", matter.id, None, DRAFT, code=code, name=matter.name)
    db.session.commit()
    return matter


def update_matter(matter: Matter, actor_id: int | None, data: dict[str, Any]) -> list[str]:
    """Change the working copy; a published guide's public page changes only when republished.

    Returns the labels of the fields that changed (nothing is written when none did)."""
    if matter.status == ARCHIVED:
        raise GuideError("已归档的指南不能修改，请先恢复为草稿。")
    clean = _clean(data)
    changed = [key for key, value in clean.items() if getattr(matter, key) != value]
    if not changed:
        return []
    for key in changed:
        setattr(matter, key, clean[key])
    matter.updated_at = clock.now()
    labels = [FIELDS[key] for key in changed]
    audit.record(actor_id, "guide.update", "guide", matter.id, matter.status, matter.status, fields=labels)
    db.session.commit()
    return labels


def snapshot(matter: Matter) -> dict[str, Any]:
    """The guide as the public page needs it; frozen into a version on publishing."""
    content = {key: getattr(matter, key) for key in FIELDS}
    content["code"] = matter.code
    content["is_demo"] = matter.is_demo
    return content


def missing_for_publication(matter: Matter) -> list[str]:
    return [FIELDS[key] for key in REQUIRED_TO_PUBLISH if not getattr(matter, key)]


def publish(matter: Matter, actor_id: int | None) -> GuideVersion:
    """Freeze the working copy as the next version and show it on /g/<code>."""
    # Two staff publishing the same guide at once: the second waits, then sees the first's version.
    take_turns(db.session, f"guides.publish.{matter.id}")
    db.session.refresh(matter)
    if matter.status == ARCHIVED:
        raise GuideError("已归档的指南不能发布，请先恢复为草稿。")
    missing = missing_for_publication(matter)
    if missing:
        raise GuideError("发布前请补全：" + "、".join(missing) + "。")
    content = snapshot(matter)
    current = published_version(matter)
    if matter.status == PUBLISHED and current is not None and current.content == content:
        raise GuideError("内容与当前发布版本相同，无需重新发布。")
    now = clock.now()
    number = (db.session.scalar(select(func.max(GuideVersion.number)).where(GuideVersion.matter_id == matter.id)) or 0) + 1
    version = GuideVersion(matter_id=matter.id, number=number, content=content, published_at=now, published_by_id=actor_id)
    db.session.add(version)
    previous = matter.status
    matter.status = PUBLISHED
    matter.published_number = number
    matter.reviewed_at = now
    audit.record(actor_id, "guide.publish", "guide", matter.id, previous, PUBLISHED, version=number)
    db.session.commit()
    return version


def archive(matter: Matter, actor_id: int | None) -> None:
    """Take the guide off the public page (410 there); its code stays taken for ever."""
    if matter.status == ARCHIVED:
        raise GuideError("该指南已归档。")
    previous = matter.status
    matter.status = ARCHIVED
    matter.updated_at = clock.now()
    audit.record(actor_id, "guide.archive", "guide", matter.id, previous, ARCHIVED)
    db.session.commit()


def reopen(matter: Matter, actor_id: int | None) -> None:
    """Bring an archived guide back as a draft, to be checked and published again."""
    if matter.status != ARCHIVED:
        raise GuideError("只有已归档的指南可以恢复为草稿。")
    matter.status = DRAFT
    matter.updated_at = clock.now()
    audit.record(actor_id, "guide.reopen", "guide", matter.id, ARCHIVED, DRAFT)
    db.session.commit()


def mark_reviewed(matter: Matter, actor_id: int | None) -> None:
    if matter.status != PUBLISHED:
        raise GuideError("只有已发布的指南需要复核。")
    previous = matter.reviewed_at
    matter.reviewed_at = clock.now()
    audit.record(actor_id, "guide.review", "guide", matter.id, PUBLISHED, PUBLISHED, previous_review=previous)
    db.session.commit()


def restore_version(matter: Matter, number: int, actor_id: int | None) -> None:
    """Put an old version's content back into the working copy; publishing it is a second step,
    so that staff can look it over (and the public page changes only on purpose)."""
    if matter.status == ARCHIVED:
        raise GuideError("已归档的指南请先恢复为草稿。")
    version = get_version(matter, number)
    if version is None:
        raise GuideError("没有这个版本。")
    for key in FIELDS:
        if key in version.content:
            setattr(matter, key, version.content[key])
    matter.updated_at = clock.now()
    audit.record(actor_id, "guide.restore", "guide", matter.id, matter.status, matter.status, version=number)
    db.session.commit()


# --- differences between versions -----------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    #: difflib.ndiff lines: "- " removed, "+ " added, "  " unchanged.
    lines: list[str]


def _as_lines(key: str, value: Any) -> list[str]:
    if key == "materials":
        return [
            f"{m['name']}（{MATERIAL_FORMS.get(m['form'], m['form'])}，{m['copies']}份，"
            f"{'必需' if m['required'] else '视情况提供'}）{('；' + m['notes']) if m['notes'] else ''}"
            for m in value or []
        ]
    if key == "steps":
        return [f"{s['title']}：{s['detail']}" if s["detail"] else s["title"] for s in value or []]
    if key == "faq":
        return [f"问：{f['question']}　答：{f['answer']}" for f in value or []]
    if key in ("legal_limit_days", "promised_limit_days"):
        return [limit_label(value)]
    if key == "fee_free":
        return ["不收费" if value else "收费"]
    if key == "category":
        return [CATEGORIES.get(value, value)]
    if key == "service_object":
        return [SERVICE_OBJECTS.get(value, value)]
    if key == "matter_type":
        return [MATTER_TYPES.get(value, value)]
    return (value or "").splitlines() if isinstance(value, str) else [str(value)]


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """What changed from ``old`` to ``new`` (two snapshots), field by field, line by line."""
    changes = []
    for key, label in FIELDS.items():
        before, after = _as_lines(key, old.get(key)), _as_lines(key, new.get(key))
        if before != after:
            changes.append(FieldChange(label, [line for line in difflib.ndiff(before, after) if not line.startswith("? ")]))
    return changes


# --- feedback and statistics ----------------------------------------------------------------


def add_feedback(matter_id: int, version_number: int | None, helpful: bool, comment: str = "") -> GuideFeedback:
    comment = (comment or "").strip()
    if len(comment) > FEEDBACK_COMMENT_MAX:
        raise GuideError(f"意见请控制在{FEEDBACK_COMMENT_MAX}字以内。", "comment")
    feedback = GuideFeedback(
        matter_id=matter_id, version_number=version_number, helpful=helpful, comment=comment, created_at=clock.now()
    )
    db.session.add(feedback)
    db.session.flush()
    audit.record(None, "guide.feedback", "guide", matter_id, None, None, helpful=helpful, feedback_id=feedback.id)
    db.session.commit()
    return feedback


def feedback_query(matter: Matter):
    return (
        select(GuideFeedback)
        .where(GuideFeedback.matter_id == matter.id)
        .order_by(GuideFeedback.created_at.desc(), GuideFeedback.id.desc())
    )


def feedback_summary(matter: Matter) -> dict[str, int]:
    rows = db.session.execute(
        select(GuideFeedback.helpful, func.count()).where(GuideFeedback.matter_id == matter.id).group_by(GuideFeedback.helpful)
    ).all()
    counts = {bool(helpful): n for helpful, n in rows}
    return {"yes": counts.get(True, 0), "no": counts.get(False, 0)}


def daily_views(matter: Matter, days: int = 30) -> list[tuple[Any, int]]:
    """Views per day over the last ``days`` days, today last, zero days included."""
    today = clock.today()
    start = today - timedelta(days=days - 1)
    counts = dict(
        db.session.execute(
            select(GuideViewCount.day, GuideViewCount.count).where(
                GuideViewCount.matter_id == matter.id, GuideViewCount.day >= start
            )
        ).all()
    )
    return [(start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)]


def total_views(matter: Matter) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(GuideViewCount.count), 0)).where(GuideViewCount.matter_id == matter.id)
    )
