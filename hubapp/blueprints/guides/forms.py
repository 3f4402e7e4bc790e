"""The guide form: the elements of a 办事指南, with materials, steps and FAQ as row lists."""

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from hubapp.blueprints.guides.models import CATEGORIES, MATERIAL_FORMS, MATTER_TYPES, SERVICE_OBJECTS
from hubapp.concurrency import Versioned
from hubapp.forms import HubForm, options

PHONE = Regexp(r"^[0-9][0-9\-]{4,19}$", message="请填写电话号码，例如 0631-3981006 或 12345。")
ROW_LISTS = ("materials", "steps", "faq")
MAX_ROWS = 40


class _Row(Form):
    """A row of a list field; a plain Form, since FormField does not pass on HubForm's locales."""

    class Meta:
        locales = HubForm.Meta.locales

    def validate(self, extra_validators=None) -> bool:
        """The page always sends every text box of a row, empty or not: a row without one was not
        sent by this page (an old tab, a hand-made request), and is refused rather than guessed."""
        valid = super().validate(extra_validators)
        missing = [field for field in self if isinstance(field, StringField) and field.raw_data == []]
        for field in missing:
            field.errors.append(f"这一行缺少“{field.label.text}”，请刷新页面后重新填写。")
        return valid and not missing


class MaterialRow(_Row):
    name = StringField("材料名称", [Length(max=100, message="材料名称不超过100字。")])
    form = SelectField("材料形式", choices=options(MATERIAL_FORMS), default="original")
    copies = IntegerField("份数", [Optional(), NumberRange(1, 99, message="份数为 1–99。")], default=1)
    required = BooleanField("必需", default=True)
    notes = StringField("备注", [Optional(), Length(max=300, message="备注不超过300字。")])

    def validate_name(self, field):
        if not (field.data or "").strip() and (self.notes.data or "").strip():
            raise ValidationError("请填写材料名称（或删除这一行）。")


class StepRow(_Row):
    title = StringField("步骤", [Length(max=100, message="步骤名称不超过100字。")])
    detail = StringField("说明", [Optional(), Length(max=500, message="说明不超过500字。")])

    def validate_title(self, field):
        if not (field.data or "").strip() and (self.detail.data or "").strip():
            raise ValidationError("请填写步骤名称（或删除这一行）。")


class FaqRow(_Row):
    question = StringField("问题", [Length(max=200, message="问题不超过200字。")])
    answer = TextAreaField("解答", [Optional(), Length(max=1000, message="解答不超过1000字。")])

    def validate_question(self, field):
        if not (field.data or "").strip() and (self.answer.data or "").strip():
            raise ValidationError("请填写问题（或删除这一行）。")


def _text(label, max_length, required=False):
    checks = [DataRequired(message=f"请填写{label}。")] if required else [Optional()]
    return checks + [Length(max=max_length, message=f"{label}不超过{max_length}字。")]


class GuideForm(Versioned, HubForm):
    code = StringField("二维码编码", [DataRequired(message="请填写编码。")])
    name = StringField("事项名称", _text("事项名称", 100, required=True))
    official_code = StringField("事项编码（官方，可选）", _text("事项编码", 60))
    category = SelectField("事项类别", choices=options({"": "请选择", **CATEGORIES}))
    matter_type = RadioField("事项类型", choices=options(MATTER_TYPES), default="instant")
    department = StringField("实施主体", _text("实施主体", 100))
    window = StringField("受理窗口", _text("受理窗口", 100))
    service_object = RadioField("服务对象", choices=options(SERVICE_OBJECTS), default="legal")
    legal_basis = TextAreaField("设定依据", _text("设定依据", 4000))
    conditions = TextAreaField("受理条件（每行一条）", _text("受理条件", 4000))
    materials = FieldList(FormField(MaterialRow), max_entries=MAX_ROWS)
    steps = FieldList(FormField(StepRow), max_entries=MAX_ROWS)
    legal_limit_days = IntegerField(
        "法定办结时限（工作日）", [Optional(), NumberRange(0, 365, message="请填 0–365 的整数。")]
    )
    promised_limit_days = IntegerField(
        "承诺办结时限（工作日）", [Optional(), NumberRange(0, 365, message="请填 0–365 的整数。")]
    )
    fee_free = RadioField("是否收费", choices=options({"1": "不收费", "0": "收费"}), default="1")
    fee_basis = TextAreaField("收费依据", _text("收费依据", 1000))
    fee_amount = StringField("收费标准", _text("收费标准", 200))
    place = StringField("办理地点", _text("办理地点", 200))
    office_hours = StringField("办理时间", _text("办理时间", 200))
    consult_phone = StringField("咨询电话", [Optional(), PHONE])
    complaint_phone = StringField("监督投诉电话", [Optional(), PHONE])
    online_url = StringField(
        "网上办理地址", [Optional(), URL(require_tld=False, message="请填写完整网址，以 https:// 开头。"), Length(max=300)]
    )
    result_delivery = TextAreaField("办理结果及送达方式", _text("办理结果及送达方式", 1000))
    faq = FieldList(FormField(FaqRow), max_entries=MAX_ROWS)
    tips = TextAreaField("事前辅导（每行一条：常见错误、来前自查）", _text("事前辅导", 4000))
    value_added = TextAreaField("增值服务（每行一条）", _text("增值服务", 4000))

    def validate_category(self, field):
        if field.data not in CATEGORIES:
            raise ValidationError("请选择事项类别。")


def form_data_from(matter) -> dict:
    """The working copy as form data (``GuideForm(data=...)``)."""
    data = {}
    for name in (
        "code", "name", "official_code", "category", "matter_type", "department", "window", "service_object",
        "legal_basis", "conditions", "legal_limit_days", "promised_limit_days", "fee_basis", "fee_amount",
        "place", "office_hours", "consult_phone", "complaint_phone", "online_url", "result_delivery", "tips",
        "value_added", "materials", "steps", "faq",
    ):  # fmt: skip
        data[name] = getattr(matter, name)
    data["fee_free"] = "1" if matter.fee_free else "0"
    return data


def apply_row_op(formdata: MultiDict, op: str) -> MultiDict:
    """Add, remove or move one row of a list field, keeping everything else as typed.

    ``op`` is ``<list>:add`` or ``<list>:<remove|up|down>:<position>``; rows are renumbered
    0..n-1 afterwards, since FieldList orders rows by their number."""
    parts = op.split(":")
    if len(parts) < 2 or parts[0] not in ROW_LISTS:
        return formdata
    name, action = parts[0], parts[1]
    prefix = name + "-"
    rows: dict[int, MultiDict] = {}
    rest = MultiDict()
    for key, value in formdata.items(multi=True):
        index, _, sub = key[len(prefix):].partition("-") if key.startswith(prefix) else ("", "", "")
        # ASCII digits only: "²" is a digit to isdigit() and not a number to int().
        if index.isascii() and index.isdigit() and sub:
            rows.setdefault(int(index), MultiDict()).add(sub, value)
        elif key != "row_op":
            rest.add(key, value)
    ordered = [rows[i] for i in sorted(rows)]
    position = int(parts[2]) if len(parts) > 2 and parts[2].isascii() and parts[2].isdigit() else -1
    if action == "add" and len(ordered) < MAX_ROWS:
        ordered.append(_blank_row(name))
    elif action == "remove" and 0 <= position < len(ordered):
        del ordered[position]
    elif action == "up" and 0 < position < len(ordered):
        ordered[position - 1], ordered[position] = ordered[position], ordered[position - 1]
    elif action == "down" and 0 <= position < len(ordered) - 1:
        ordered[position + 1], ordered[position] = ordered[position], ordered[position + 1]
    for index, row in enumerate(ordered):
        for sub, value in row.items(multi=True):
            rest.add(f"{prefix}{index}-{sub}", value)
    return rest


def _blank_row(name: str) -> MultiDict:
    if name == "materials":
        # A new material is required by default: the checkbox is posted only when ticked.
        return MultiDict([("name", ""), ("form", "original"), ("copies", "1"), ("required", "y"), ("notes", "")])
    if name == "steps":
        return MultiDict([("title", ""), ("detail", "")])
    return MultiDict([("question", ""), ("answer", "")])


class KeywordsForm(HubForm):
    keywords = StringField(
        "搜索关键词", [Optional(), Length(max=500, message="搜索关键词合计不超过500字。")]
    )
