"""What a guide is made of: its elements in the order a 办事指南 shows them, the typed input staff
(and the demo) write them in, the rules a form cannot check, the snapshot a version freezes, and
the difference between two snapshots. No database writes here: ``writing`` stores what this checks.
"""

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from hubapp.blueprints.guides.models import CATEGORIES, MATERIAL_FORMS, MATTER_TYPES, SERVICE_OBJECTS, Matter
from hubapp.rules import RuleError

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
#: Elements stored as text, "" when empty.
TEXT_FIELDS = frozenset(FIELDS) - {"official_code", "materials", "steps", "faq", "legal_limit_days",
                                   "promised_limit_days", "fee_free"}  # fmt: skip
#: What a guide must have before the public may see it.
REQUIRED_TO_PUBLISH = ("department", "window", "place", "office_hours", "consult_phone", "materials", "steps")


@dataclass
class Material:
    """One row of 申请材料; ``required`` False means it is asked for only in some cases."""

    name: str
    form: str = "original"
    #: None (left empty in the form) counts as one copy.
    copies: int | None = 1
    required: bool = True
    notes: str = ""


@dataclass
class Step:
    """One step of 办理流程, in order."""

    title: str
    detail: str = ""


@dataclass
class Question:
    """One 常见问题 with its answer."""

    question: str
    answer: str = ""


@dataclass
class GuideContent:
    """The elements of a guide as staff write them; ``writing.create_matter`` and ``update_matter``
    check and store them. A time limit of 0 is 当场办结, None is "not set by law"."""

    name: str
    category: str
    official_code: str | None = None
    matter_type: str = "instant"
    department: str = ""
    window: str = ""
    service_object: str = "legal"
    legal_basis: str = ""
    conditions: str = ""
    materials: list[Material] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    legal_limit_days: int | None = None
    promised_limit_days: int | None = None
    fee_free: bool = True
    fee_basis: str = ""
    fee_amount: str = ""
    place: str = ""
    office_hours: str = ""
    consult_phone: str = ""
    complaint_phone: str = ""
    online_url: str = ""
    result_delivery: str = ""
    faq: list[Question] = field(default_factory=list)
    tips: str = ""
    value_added: str = ""

    @classmethod
    def of(cls, matter: Matter) -> "GuideContent":
        """The working copy as it stands, to be changed and written back."""
        values = {key: getattr(matter, key) for key in FIELDS}
        values["materials"] = [Material(**row) for row in matter.materials or []]
        values["steps"] = [Step(**row) for row in matter.steps or []]
        values["faq"] = [Question(**row) for row in matter.faq or []]
        return cls(**values)


def _text(value: str | None) -> str:
    return (value or "").strip()


def checked(content: GuideContent) -> dict[str, Any]:
    """The matter's column values for ``content``, normalised (text stripped, rows without a title
    dropped, no fee details on a free matter), in the order of ``FIELDS``; a ``RuleError`` next to
    its field for what a form cannot check."""
    values: dict[str, Any] = {}
    for key in FIELDS:
        value = getattr(content, key)
        if key in TEXT_FIELDS:
            value = value or ""
        values[key] = value.strip() if isinstance(value, str) else value
    if not values["name"]:
        raise RuleError("请填写事项名称。", "name")
    if values["category"] not in CATEGORIES:
        raise RuleError("请选择事项类别。", "category")
    if values["service_object"] not in SERVICE_OBJECTS:
        raise RuleError("未知的服务对象。", "service_object")
    if values["matter_type"] not in MATTER_TYPES:
        raise RuleError("未知的事项类型。", "matter_type")
    legal, promised = values["legal_limit_days"], values["promised_limit_days"]
    for key, days in (("legal_limit_days", legal), ("promised_limit_days", promised)):
        if days is not None and not 0 <= days <= 365:
            raise RuleError("时限应为 0（当场办结）到 365 个工作日。", key)
    if legal is not None and promised is not None and promised > legal:
        raise RuleError("承诺办结时限不能长于法定办结时限。", "promised_limit_days")
    if values["matter_type"] == "instant" and promised not in (None, 0):
        raise RuleError("即办件的承诺时限应为当场办结（填 0）。", "promised_limit_days")
    if values["fee_free"] is False and not (values["fee_basis"] and values["fee_amount"]):
        raise RuleError("收费事项须写明收费依据和收费标准。", "fee_basis")
    if values["fee_free"]:
        values["fee_basis"], values["fee_amount"] = "", ""
    if values["online_url"] and not values["online_url"].startswith(("https://", "http://")):
        raise RuleError("网上办理地址应以 https:// 或 http:// 开头。", "online_url")
    values["materials"] = [_material(row) for row in content.materials]
    values["steps"] = [asdict(Step(_text(row.title), _text(row.detail))) for row in content.steps if _text(row.title)]
    values["faq"] = [
        asdict(Question(_text(row.question), _text(row.answer))) for row in content.faq if _text(row.question)
    ]
    return values


def _material(row: Material) -> dict[str, Any]:
    if row.form not in MATERIAL_FORMS:
        raise RuleError("材料形式应为原件、复印件或电子件。", "materials")
    copies = int(row.copies or 1)
    if not 1 <= copies <= 99:
        raise RuleError("材料份数应为 1 到 99。", "materials")
    return asdict(Material(_text(row.name), row.form, copies, bool(row.required), _text(row.notes)))


def snapshot(matter: Matter) -> dict[str, Any]:
    """The guide as the public page needs it; frozen into a version on publishing."""
    doc = {key: getattr(matter, key) for key in FIELDS}
    doc["code"] = matter.code
    doc["is_demo"] = matter.is_demo
    return doc


def missing_for_publication(matter: Matter) -> list[str]:
    return [FIELDS[key] for key in REQUIRED_TO_PUBLISH if not getattr(matter, key)]


def limit_label(days: int | None) -> str:
    if days is None:
        return "无"
    return "当场办结" if days == 0 else f"{days}个工作日"


def lines(text: str | None) -> list[str]:
    """One item per line, blank lines dropped: conditions, tips and value-added services."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


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
