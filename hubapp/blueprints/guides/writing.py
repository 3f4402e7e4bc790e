"""Changing guides: writing the working copy, publishing versions, restoring an old one, archiving,
reopening, confirming the review date. Every change writes its audit row.

Like every service these only flush: the caller's ``atomic()`` commits (docs/architecture.md).
"""

import re

from sqlalchemy import func, select, update

from hubapp import audit, clock, concurrency
from hubapp.blueprints.guides.content import FIELDS, GuideContent, checked, missing_for_publication, snapshot
from hubapp.blueprints.guides.models import ARCHIVED, DRAFT, PUBLISHED, GuideVersion, Matter
from hubapp.blueprints.guides.reading import get_by_code, get_version, published_version
from hubapp.database import take_turns
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
#: Codes that would shadow a staff address under /guides/.
RESERVED_CODES = frozenset({"new", "stale", "searches", "views"})
RESTORE_AFTER_EDIT = "您打开此页后，编辑稿已被他人修改，未恢复旧版本。请先查看最新的编辑稿，确认后再恢复。"


def check_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not CODE_PATTERN.match(code):
        raise RuleError("编码为 3–20 位小写字母、数字或连字符，以字母开头，例如 qy-bg。", "code")
    if code in RESERVED_CODES:
        raise RuleError("该编码为系统保留，请换一个。", "code")
    if get_by_code(code) is not None:
        raise RuleError("该编码已被使用（编码印在二维码上，永不复用），请换一个。", "code")
    return code


def create_matter(actor, code: str, content: GuideContent, is_demo: bool = False) -> Matter:
    """A new matter as a draft; ``code`` goes on its QR code and is never changed nor reused."""
    code = check_code(code)
    values = checked(content)
    now = clock.now()
    matter = Matter(code=code, status=DRAFT, is_demo=is_demo, created_at=now, updated_at=now, **values)
    db.session.add(matter)
    db.session.flush()
    audit.record(audit.actor_id(actor), "guide.create", "guide", matter.id, None, DRAFT, code=code, name=matter.name)
    return matter


def update_matter(actor, matter: Matter, content: GuideContent, based_on: int | None = None) -> list[str]:
    """Change the working copy; a published guide's public page changes only when republished.
    ``based_on`` is the version the edit form was drawn from (``hubapp.concurrency``).

    Returns the labels of the fields that changed (nothing is written when none did)."""
    if matter.status == ARCHIVED:
        raise RuleError("已归档的指南不能修改，请先恢复为草稿。")
    values = checked(content)
    changed = [key for key, value in values.items() if getattr(matter, key) != value]
    if not changed:
        return []
    concurrency.claim(matter, based_on)
    for key in changed:
        setattr(matter, key, values[key])
    matter.updated_at = clock.now()
    labels = [FIELDS[key] for key in changed]
    audit.record(audit.actor_id(actor), "guide.update", "guide", matter.id, matter.status, matter.status, fields=labels)
    db.session.flush()
    return labels


def publish(actor, matter: Matter) -> GuideVersion:
    """Freeze the working copy as the next version and show it on /g/<code>."""
    # Two staff publishing the same guide at once: the second waits, then sees the first's version.
    take_turns(db.session, f"guides.publish.{matter.id}")
    db.session.refresh(matter)
    if matter.status == ARCHIVED:
        raise RuleError("已归档的指南不能发布，请先恢复为草稿。")
    missing = missing_for_publication(matter)
    if missing:
        raise RuleError("发布前请补全：" + "、".join(missing) + "。")
    doc = snapshot(matter)
    current = published_version(matter)
    if matter.status == PUBLISHED and current is not None and current.content == doc:
        raise RuleError("内容与当前发布版本相同，无需重新发布。")
    now = clock.now()
    number = (db.session.scalar(select(func.max(GuideVersion.number)).where(GuideVersion.matter_id == matter.id)) or 0) + 1
    version = GuideVersion(
        matter_id=matter.id, number=number, content=doc, published_at=now, published_by_id=audit.actor_id(actor)
    )
    db.session.add(version)
    previous = matter.status
    matter.status = PUBLISHED
    matter.published_number = number
    matter.reviewed_at = now
    audit.record(audit.actor_id(actor), "guide.publish", "guide", matter.id, previous, PUBLISHED, version=number)
    db.session.flush()
    return version


def _move(actor, matter: Matter, old: str, new: str, action: str) -> None:
    """Move ``matter`` from ``old`` to ``new`` in one conditional UPDATE, with its audit row: when
    a colleague moved it first, this change is a ``Conflict``, never a silent overwrite."""
    moved = db.session.execute(
        update(Matter).where(Matter.id == matter.id, Matter.status == old).values(status=new, updated_at=clock.now())
    ).rowcount
    if moved != 1:
        raise Conflict("该指南刚被其他人修改，请刷新页面后再试。")
    audit.record(audit.actor_id(actor), action, "guide", matter.id, old, new)
    db.session.flush()


def archive(actor, matter: Matter) -> None:
    """Take the guide off the public page (410 there); its code stays taken for ever."""
    if matter.status == ARCHIVED:
        raise RuleError("该指南已归档。")
    _move(actor, matter, matter.status, ARCHIVED, "guide.archive")


def reopen(actor, matter: Matter) -> None:
    """Bring an archived guide back as a draft, to be checked and published again."""
    if matter.status != ARCHIVED:
        raise RuleError("只有已归档的指南可以恢复为草稿。")
    _move(actor, matter, ARCHIVED, DRAFT, "guide.reopen")


def adopt_demo(actor, matter: Matter) -> None:
    """Staff have checked a demo guide against the real one and made it theirs: it is no longer
    marked 示例内容. The public page follows at the next publication, as any change does."""
    adopted = db.session.execute(
        update(Matter).where(Matter.id == matter.id, Matter.is_demo.is_(True)).values(is_demo=False, updated_at=clock.now())
    ).rowcount
    if adopted != 1:
        raise Conflict("该指南已不是示例内容，请刷新页面。")
    audit.record(audit.actor_id(actor), "guide.adopt", "guide", matter.id, matter.status, matter.status)
    db.session.refresh(matter)


def mark_reviewed(actor, matter: Matter) -> None:
    """Confirm that the published guide is still right (the home page stops flagging it)."""
    if matter.status != PUBLISHED:
        raise RuleError("只有已发布的指南需要复核。")
    previous = matter.reviewed_at
    matter.reviewed_at = clock.now()
    audit.record(audit.actor_id(actor), "guide.review", "guide", matter.id, PUBLISHED, PUBLISHED, previous_review=previous)
    db.session.flush()


def restore_version(actor, matter: Matter, number: int, based_on: int | None = None) -> None:
    """Put an old version's content back into the working copy; publishing it is a second step,
    so that staff can look it over (and the public page changes only on purpose).

    ``based_on`` is the working copy's version the page showed: edits saved since are not
    overwritten unseen."""
    if matter.status == ARCHIVED:
        raise RuleError("已归档的指南请先恢复为草稿。")
    version = get_version(matter, number)
    if version is None:
        raise RuleError("没有这个版本。")
    concurrency.claim(matter, based_on, RESTORE_AFTER_EDIT)
    for key in FIELDS:
        if key in version.content:
            setattr(matter, key, version.content[key])
    matter.updated_at = clock.now()
    audit.record(audit.actor_id(actor), "guide.restore", "guide", matter.id, matter.status, matter.status, version=number)
    db.session.flush()


KEYWORDS_MAX = 500


def set_keywords(actor, matter: Matter, text: str | None) -> None:
    """The words public search also finds the guide by; at once, without a new version."""
    words = list(dict.fromkeys(" ".join((text or "").replace("，", " ").replace(",", " ").replace("、", " ").split()).split()))
    keywords = " ".join(words)
    if len(keywords) > KEYWORDS_MAX:
        raise RuleError(f"搜索关键词合计不超过{KEYWORDS_MAX}字。", "keywords")
    if keywords == matter.keywords:
        return
    audit.record(
        audit.actor_id(actor), "guide.keywords", "guide", matter.id, None, None, before=matter.keywords, after=keywords
    )
    matter.keywords = keywords
    db.session.flush()
