"""Matters (事项) and their pre-guides (事前指南): the working copy staff edit, the published
versions the public reads, per-day view counts and visitor feedback."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db

DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
GUIDE_STATES = {DRAFT: "草稿", PUBLISHED: "已发布", ARCHIVED: "已归档"}

#: The 8 categories of high-frequency matters of the centre's first batch (第一批8类高频事项).
CATEGORIES = {
    "enterprise": "企业开办与变更",
    "tax": "税务发票",
    "social_insurance": "社会保险",
    "housing_fund": "住房公积金",
    "talent": "人才服务",
    "project": "项目扶持",
    "finance": "金融服务",
    "personal_tax": "个人所得税",
}

SERVICE_OBJECTS = {"legal": "法人", "person": "自然人", "both": "法人、自然人"}
MATTER_TYPES = {"instant": "即办件", "promised": "承诺件"}
MATERIAL_FORMS = {"original": "原件", "copy": "复印件", "electronic": "电子件"}


class Matter(db.Model):
    """A matter and the working copy of its guide; the public page shows the published version."""

    __tablename__ = "guide_matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable short code in /g/<code> and on printed QR codes; never changed, never reused
    #: (matters are archived, never deleted).
    code: Mapped[str] = mapped_column(String(20), unique=True)
    #: 事项编码 of the provincial catalogue, when the matter has one; the QR never uses it.
    official_code: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)

    department: Mapped[str] = mapped_column(String(100), default="")
    window: Mapped[str] = mapped_column(String(100), default="")
    service_object: Mapped[str] = mapped_column(String(10), default="legal")
    matter_type: Mapped[str] = mapped_column(String(10), default="instant")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    #: 受理条件, one per line; shown numbered.
    conditions: Mapped[str] = mapped_column(Text, default="")
    #: [{"name", "form", "copies", "required", "notes"}]; ``required`` False means conditional.
    materials: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"title", "detail"}] in order.
    steps: Mapped[list] = mapped_column(JSON, default=list)
    #: Working days; 0 means 当场办结, None means not set by law (法定时限 only).
    legal_limit_days: Mapped[int | None] = mapped_column(Integer)
    promised_limit_days: Mapped[int | None] = mapped_column(Integer)
    fee_free: Mapped[bool] = mapped_column(Boolean, default=True)
    fee_basis: Mapped[str] = mapped_column(Text, default="")
    fee_amount: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    office_hours: Mapped[str] = mapped_column(String(200), default="")
    consult_phone: Mapped[str] = mapped_column(String(40), default="")
    complaint_phone: Mapped[str] = mapped_column(String(40), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    #: 办理结果及送达方式.
    result_delivery: Mapped[str] = mapped_column(Text, default="")
    #: [{"question", "answer"}].
    faq: Mapped[list] = mapped_column(JSON, default=list)
    #: 事前辅导: common mistakes and what to check before coming, one per line.
    tips: Mapped[str] = mapped_column(Text, default="")
    #: 增值服务: what the centre does beyond the matter itself, one per line.
    value_added: Mapped[str] = mapped_column(Text, default="")
    #: Words enterprises type for this matter (社保, 开票, 贷款 …), space or comma separated; staff
    #: add them after seeing searches that found nothing. Search metadata, not part of the guide's
    #: text: it takes effect at once, without a new version.
    keywords: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: Demo content is marked on the public page (示例内容) so nobody takes it for the real guide.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    #: Last time staff confirmed the guide is still right (on publishing or 标记已复核).
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Number of the version the public page shows while published: always the latest one,
    #: since every publication makes a new version.
    published_number: Mapped[int | None] = mapped_column(Integer)
    #: Raised by every edit made through a form (hubapp/concurrency.py): a save drawn from an
    #: older version is refused instead of writing over the newer one.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    versions = relationship("GuideVersion", back_populates="matter", order_by="GuideVersion.number.desc()")

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def status_label(self) -> str:
        return GUIDE_STATES[self.status]


class GuideVersion(db.Model):
    """A published state of a guide, frozen: what the public saw from ``published_at`` on."""

    __tablename__ = "guide_version"
    __table_args__ = (UniqueConstraint("matter_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("guide_matter.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: The guide's content as ``content.snapshot`` made it; the public page renders this.
    content: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    matter = relationship("Matter", back_populates="versions")
    published_by = relationship("User")


class GuideViewCount(db.Model):
    """Views per matter per day, aggregated in memory and added in batches (see ``viewcount``)."""

    __tablename__ = "guide_view_count"

    matter_id: Mapped[int] = mapped_column(ForeignKey("guide_matter.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class GuideFeedback(db.Model):
    """「是否有帮助」 from a visitor of the public page; no address or identity is kept."""

    __tablename__ = "guide_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("guide_matter.id"), index=True)
    #: The version the visitor read, so that feedback on an old text can be told apart.
    version_number: Mapped[int | None] = mapped_column(Integer)
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class GuideSearchMiss(db.Model):
    """A search of the public index that found nothing: how often, and when last, so that staff
    know which words to add as keywords."""

    __tablename__ = "guide_search_miss"

    term: Mapped[str] = mapped_column(String(50), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime)
