"""企业自报: what an enterprise does on its own, without an account — raise a demand on the
public form, follow it by its private link, rate the answer — and what it is shown.

The follow link's token (``secrets.token_urlsafe``) is the only key to a demand from outside; the
public timeline says what happened and which department has it, never an internal note or the
name of a member of staff.
"""

import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.demands import moves, topics
from hubapp.blueprints.demands.models import (
    KINDS,
    NOTE_MAX,
    SELF_REPORTED,
    Demand,
    DemandPhoto,
)
from hubapp.blueprints.demands.moves import DemandDraft
from hubapp.blueprints.directory import register
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.directory import uscc as uscc_rules
from hubapp.extensions import db
from hubapp.formatting import chinese_date
from hubapp.forms import MOBILE_MESSAGE, is_mobile
from hubapp.rules import RuleError

#: What the public form explains about each of the four lists, in one line.
KIND_HINTS = {
    "problem": "生产经营中遇到的困难和问题，如交通、环境、审批办理等",
    "tech": "技术攻关、产学研合作、检验检测、人才培训等需求",
    "funding": "贷款、融资、政策资金、项目扶持等资金需求",
    "support": "用地、厂房、水电气暖、住房、子女入学等配套需求",
}
MAX_PHOTOS = 3
PHOTO_MAX_BYTES = 5 * 1024 * 1024
#: Photos are re-encoded to this size at most: enough to see the problem, small in the database.
PHOTO_MAX_SIDE = 1600
TITLE_LENGTH = 30


@dataclass
class SelfReport:
    """What the enterprise fills in on the public form."""

    kind: str
    description: str
    enterprise_name: str
    uscc: str
    contact_name: str
    contact_mobile: str
    #: One of the active topics staff keep (``topics``), if the enterprise picked one.
    topic_id: int | None = None
    #: The uploaded files' bytes, as sent.
    photos: list[bytes] = field(default_factory=list)


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0].strip()
    return first_line if len(first_line) <= TITLE_LENGTH else first_line[:TITLE_LENGTH] + "…"


def cleaned_photo(data: bytes) -> tuple[bytes, int, int]:
    """The photo as a fresh JPEG of its pixels only: whatever else the file carried (EXIF with
    the GPS position, comments, a script dressed as an image) is not copied."""
    if len(data) > PHOTO_MAX_BYTES:
        raise RuleError(f"每张照片不能超过{PHOTO_MAX_BYTES // (1024 * 1024)}MB，请重新选择。", "photos")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP", "GIF", "BMP", "HEIF", "MPO"):
                raise UnidentifiedImageError(image.format)
            image.load()
            # A phone's portrait photo is stored sideways with an orientation tag: turn the pixels.
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise RuleError("只能上传照片（JPG、PNG 等图片格式），请重新选择。", "photos") from None
    picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue(), picture.width, picture.height


def _enterprise(name: str, code: str):
    """The register's enterprise for the credit code; a newcomer joins the register with what it
    typed, noted for staff to check and place in a grid."""
    found = directory.enterprise_by_uscc(code)
    if found is not None:
        return found
    data = register.EnterpriseData(
        name=name, uscc=code, kind="nearby", notes="企业扫码自报诉求时加入名录，请核实企业信息并划分网格。"
    )
    try:
        return register.create_enterprise(None, data)
    except RuleError as error:
        # The register's messages name its own fields; the public form calls them the same.
        raise RuleError(error.message, {"name": "enterprise_name"}.get(error.field, error.field)) from None


def raise_demand(report: SelfReport) -> Demand:
    """Register the enterprise's demand as 待受理 with source 企业自报 and a fresh follow token."""
    if report.kind not in KINDS:
        raise RuleError("请选择诉求类别。", "kind")
    description = (report.description or "").strip()
    if not description:
        raise RuleError("请写明您需要解决的问题。", "description")
    if len(description) > NOTE_MAX:
        raise RuleError(f"内容不超过{NOTE_MAX}字（现为{len(description)}字）。", "description")
    topic = topics.active_topic(report.topic_id)
    if report.topic_id and topic is None:
        raise RuleError("该主题已停用，请重新选择。", "topic")
    name = register.normalise_name(report.enterprise_name)
    if not name:
        raise RuleError("请填写企业名称。", "enterprise_name")
    code = uscc_rules.normalise(report.uscc or "")
    problem = uscc_rules.validation_error(code) if code else "请填写统一社会信用代码（18位）。"
    if problem:
        raise RuleError(problem, "uscc")
    contact_name = (report.contact_name or "").strip()
    if not contact_name:
        raise RuleError("请填写联系人姓名。", "contact_name")
    mobile = register.normalise_mobile(report.contact_mobile) or ""
    if not is_mobile(mobile):
        raise RuleError(MOBILE_MESSAGE, "contact_mobile")
    if len(report.photos) > MAX_PHOTOS:
        raise RuleError(f"最多上传{MAX_PHOTOS}张照片。", "photos")
    photos = [cleaned_photo(data) for data in report.photos]

    enterprise = _enterprise(name, code)
    draft = DemandDraft(
        enterprise_id=enterprise.id, kind=report.kind, title=_title(description), description=description,
        contact_name=contact_name, contact_mobile=mobile, source=SELF_REPORTED,
    )  # fmt: skip
    demand = moves.create_self_reported(enterprise, draft, secrets.token_urlsafe(32), topic.id if topic else None)
    now = clock.now()
    for content, width, height in photos:
        db.session.add(DemandPhoto(demand_id=demand.id, content=content, width=width, height=height, created_at=now))
    db.session.flush()
    return demand


def by_token(token: str | None) -> Demand | None:
    """The demand whose follow link this is; None for anything else (a changed or made-up token)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Demand).where(Demand.follow_token == token))


def by_number(number: str, mobile: str) -> Demand | None:
    """A demand found by its number (ZTC-2026-001) and the contact's mobile, whoever registered it."""
    parts = (number or "").strip().upper().split("-")
    if len(parts) != 3 or parts[0] != "ZTC" or not (parts[1].isdigit() and parts[2].isdigit()):
        return None
    found = db.session.scalar(
        select(Demand).where(Demand.year == int(parts[1]), Demand.seq == int(parts[2]))
    )
    # Demands registered before every demand had a follow link have no page to open.
    if found is None or not found.follow_token or found.contact_mobile != register.normalise_mobile(mobile):
        return None
    return found


def by_tokens(tokens: list[str]) -> list[Demand]:
    if not tokens:
        return []
    stmt = select(Demand).where(Demand.follow_token.in_(tokens)).order_by(Demand.created_at.desc(), Demand.id.desc())
    return list(db.session.scalars(stmt))


@dataclass
class Step:
    at: datetime
    label: str
    text: str | None = None


def public_timeline(demand: Demand) -> list[Step]:
    """What the enterprise is told happened, in order. Staff's own notes (the transfer request, a
    supervision, why it was sent back) and their names stay inside."""
    steps = []
    for event in demand.events:
        if event.action == "create":
            steps.append(Step(event.at, "已收到您的诉求", f"编号 {demand.number}，等待中心受理。"))
        elif event.action == "accept":
            steps.append(Step(event.at, "已受理", "由中心直接办理。"))
        elif event.action == "transfer" and demand.department is not None:
            steps.append(Step(event.at, "已受理并转办", f"已转交{demand.department.name}办理。"))
        elif event.action == "answer":
            steps.append(Step(event.at, "已答复", event.note))
        elif event.action == "decline":
            steps.append(Step(event.at, "不予受理", event.note))
        elif event.action == "return":
            rated = event.actor_id is None and (event.note or "").startswith("企业评价")
            steps.append(Step(event.at, "重新办理", "您对答复不满意，已退回重新办理。" if rated else "正在进一步办理。"))
        elif event.action == "close":
            steps.append(Step(event.at, "已办结", f"您的评价：{demand.satisfaction_label}。" if demand.satisfaction else None))
    return steps


def deadline_text(demand: Demand) -> str | None:
    return f"{chinese_date(demand.deadline)}前办结" if demand.is_open else None
