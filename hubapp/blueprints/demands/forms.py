"""The forms of the demand pages: raising a demand, logging a visit, and the actions on a demand.
The services check every rule again; a form's validators only give the quick answer."""

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hubapp.blueprints.demands import topics as demand_topics
from hubapp.blueprints.demands.models import (
    FUNDING_INSTRUMENTS,
    HANDLING,
    KINDS,
    NOTE_MAX,
    RESOLUTIONS,
    SATISFACTION,
    SELF_REPORTED,
    SOURCES,
    TOPIC_NAME_MAX,
    TOPICS,
    TRANSFERRED,
)
from hubapp.blueprints.directory.picker import EnterpriseField
from hubapp.concurrency import Versioned
from hubapp.forms import MOBILE_MESSAGE, CheckboxesField, HubForm, mobile_number, options


def topic_id(value) -> int | None:
    """The chosen topic's id; anything else (a tampered value, too long for the column) is none."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 9 else None


def active_topic_choices() -> list[tuple[str, str]]:
    return options([("", "请选择"), *((t.id, t.name) for t in demand_topics.active_topics())])


class DemandForm(HubForm):
    enterprise = EnterpriseField("企业", validators=[InputRequired(message="请填写企业名称、简称或统一社会信用代码。")])
    kind = SelectField("诉求类别（四张清单）", choices=options(KINDS), validators=[DataRequired(message="请选择诉求类别。")])
    title = StringField("诉求标题", validators=[DataRequired(message="请填写诉求标题。"), Length(max=200, message="标题不超过200字。")])
    description = TextAreaField(
        "诉求内容",
        validators=[DataRequired(message="请填写诉求内容。"), Length(max=NOTE_MAX, message=f"诉求内容不超过{NOTE_MAX}字。")],
    )
    contact_name = StringField("联系人", validators=[DataRequired(message="请填写联系人。"), Length(max=40, message="联系人不超过40字。")])
    contact_mobile = StringField("联系电话（手机）", validators=[DataRequired(message=MOBILE_MESSAGE), mobile_number()])
    # 企业自报 is what the enterprise's own form sets; staff record what they heard.
    source = SelectField(
        "诉求来源",
        choices=options({code: label for code, label in SOURCES.items() if code != SELF_REPORTED}),
        validators=[DataRequired(message="请选择诉求来源。")],
    )
    received_on = DateField("受理日期", validators=[Optional()])
    deadline = DateField("办理时限", validators=[Optional()])
    #: Staff keep the list (``demands.topics``); the service refuses one deactivated meanwhile.
    topic = SelectField("主题（选填）", coerce=topic_id, validate_choice=False, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic.choices = active_topic_choices()


class VisitForm(HubForm):
    enterprise = EnterpriseField("走访企业", validators=[InputRequired(message="请填写走访的企业。")])
    visited_on = DateField("走访日期", validators=[InputRequired(message="请填写走访日期。")])
    topics = CheckboxesField("走访内容", choices=options(TOPICS), validators=[DataRequired(message="请至少选择一项走访内容。")])
    notes = TextAreaField("走访情况", validators=[Optional(), Length(max=NOTE_MAX, message=f"走访情况不超过{NOTE_MAX}字。")])


class AcceptForm(HubForm):
    handler_id = SelectField("承办人", coerce=int)
    note = TextAreaField("办理安排", validators=[Optional(), Length(max=NOTE_MAX)])


class TransferForm(HubForm):
    department_id = SelectField("承办部门", coerce=int, validators=[DataRequired(message="请选择承办部门。")])
    note = TextAreaField("转办事项", validators=[DataRequired(message="请写明需要部门办理的事项。"), Length(max=NOTE_MAX)])
    deadline = DateField("办理时限", validators=[InputRequired(message="请填写办理时限。")])
    cohandler_ids = CheckboxesField("协办单位", coerce=int, validators=[Optional()])


class CohandlerOpinionForm(HubForm):
    opinion = TextAreaField("协办意见", validators=[DataRequired(message="请填写协办意见。"), Length(max=NOTE_MAX)])


class OutcomeFields:
    """办理成效, on the answer and the closing forms; the page shows those of the demand's list."""

    funding_amount = DecimalField(
        "融资到位金额（万元）", places=2,
        validators=[Optional(), NumberRange(min=0, message="金额不能为负数。")],
    )  # fmt: skip
    funding_instrument = SelectField(
        "融资方式", choices=options({"": "请选择", **FUNDING_INSTRUMENTS}), validators=[Optional()]
    )
    funding_source = StringField("银行或基金", validators=[Optional(), Length(max=100, message="不超过100字。")])
    resolution = RadioField("解决情况", choices=options(RESOLUTIONS), validators=[Optional()])
    partner = StringField("对接院校或机构", validators=[Optional(), Length(max=100, message="不超过100字。")])
    project_started = BooleanField("合作项目已启动")
    jobs_filled = IntegerField(
        "解决就业（人）", validators=[Optional(), NumberRange(min=0, message="人数不能为负数。")]
    )  # fmt: skip


class AnswerForm(OutcomeFields, HubForm):
    answer = TextAreaField("办理结果", validators=[DataRequired(message="请填写办理结果。"), Length(max=NOTE_MAX)])


class CloseForm(OutcomeFields, HubForm):
    satisfaction = RadioField("企业评价（回访）", choices=options(SATISFACTION), validators=[InputRequired(message="请选择企业满意度。")])
    note = TextAreaField("回访情况", validators=[Optional(), Length(max=NOTE_MAX)])


class ReturnForm(HubForm):
    target = SelectField("退回至", choices=options({HANDLING: "中心直办", TRANSFERRED: "原承办部门重办"}))
    note = TextAreaField("退回原因", validators=[DataRequired(message="请写明退回原因。"), Length(max=NOTE_MAX)])
    deadline = DateField("新的办理时限", validators=[Optional()])


class DeclineForm(HubForm):
    reason = TextAreaField("不予受理原因", validators=[DataRequired(message="请填写不予受理的原因。"), Length(max=NOTE_MAX)])


class SuperviseForm(HubForm):
    note = TextAreaField("督办意见", validators=[DataRequired(message="请填写督办意见。"), Length(max=NOTE_MAX)])


class AcknowledgeForm(HubForm):
    """签收: a button; the form carries only its CSRF token."""


class HandBackForm(HubForm):
    reason = TextAreaField("退单原因", validators=[DataRequired(message="请写明退单原因。"), Length(max=NOTE_MAX)])
    suggested_unit = StringField("建议承办单位", validators=[Optional(), Length(max=100, message="建议承办单位不超过100字。")])
    #: The 督办 count on the page the liaison answers from (``liaison.hand_back``).
    supervisions_seen = HiddenField()


class ExtensionForm(HubForm):
    new_deadline = DateField("申请延至", validators=[InputRequired(message="请填写申请延至的日期。")])
    reason = TextAreaField("延期原因", validators=[DataRequired(message="请写明延期原因。"), Length(max=NOTE_MAX)])


class GrantExtensionForm(HubForm):
    note = TextAreaField("审批意见", validators=[Optional(), Length(max=NOTE_MAX)])


class RefuseExtensionForm(HubForm):
    note = TextAreaField("不同意的理由", validators=[DataRequired(message="请写明不同意延期的理由。"), Length(max=NOTE_MAX)])


class TopicForm(Versioned, HubForm):
    """A topic's name, as added or renamed on the topics page; ``version`` when renaming."""

    name = StringField(
        "主题名称",
        validators=[
            DataRequired(message="请填写主题名称。"),
            Length(max=TOPIC_NAME_MAX, message=f"主题名称不超过{TOPIC_NAME_MAX}字。"),
        ],
    )
