from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from hubapp.blueprints.demands.models import KINDS, SATISFACTION, SOURCES, TOPICS
from hubapp.forms import HubForm, options

MOBILE_MESSAGE = "请填写11位手机号码。"


class DemandForm(HubForm):
    enterprise_id = SelectField("企业", coerce=int, validators=[DataRequired(message="请选择企业。")])
    kind = SelectField("诉求类别（四张清单）", choices=options(KINDS), validators=[DataRequired(message="请选择诉求类别。")])
    title = StringField("诉求标题", validators=[DataRequired(message="请填写诉求标题。"), Length(max=200, message="标题不超过200字。")])
    description = TextAreaField(
        "诉求内容", validators=[DataRequired(message="请填写诉求内容。"), Length(max=2000, message="诉求内容不超过2000字。")]
    )
    contact_name = StringField("联系人", validators=[DataRequired(message="请填写联系人。"), Length(max=40, message="联系人不超过40字。")])
    contact_mobile = StringField(
        "联系电话（手机）",
        validators=[DataRequired(message=MOBILE_MESSAGE), Regexp(r"^1[3-9]\d{9}$", message=MOBILE_MESSAGE)],
    )
    source = SelectField("诉求来源", choices=options(SOURCES), validators=[DataRequired(message="请选择诉求来源。")])
    received_on = DateField("受理日期", validators=[Optional()])
    deadline = DateField("办理时限", validators=[Optional()])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(HubForm):
    enterprise_id = SelectField("走访企业", coerce=int, validators=[DataRequired(message="请选择走访的企业。")])
    visited_on = DateField("走访日期", validators=[InputRequired(message="请填写走访日期。")])
    topics = CheckboxesField("走访内容", choices=options(TOPICS), validators=[DataRequired(message="请至少选择一项走访内容。")])
    notes = TextAreaField("走访情况", validators=[Optional(), Length(max=2000, message="走访情况不超过2000字。")])


class AcceptForm(HubForm):
    handler_id = SelectField("承办人", coerce=int)
    note = TextAreaField("办理安排", validators=[Optional(), Length(max=2000)])


class TransferForm(HubForm):
    department_id = SelectField("承办部门", coerce=int, validators=[DataRequired(message="请选择承办部门。")])
    note = TextAreaField("转办事项", validators=[DataRequired(message="请写明需要部门办理的事项。"), Length(max=2000)])
    deadline = DateField("办理时限", validators=[InputRequired(message="请填写办理时限。")])


class AnswerForm(HubForm):
    answer = TextAreaField("办理结果", validators=[DataRequired(message="请填写办理结果。"), Length(max=2000)])


class CloseForm(HubForm):
    satisfaction = RadioField("企业评价（回访）", choices=options(SATISFACTION), validators=[InputRequired(message="请选择企业满意度。")])
    note = TextAreaField("回访情况", validators=[Optional(), Length(max=2000)])


class ReturnForm(HubForm):
    target = SelectField("退回至", choices=options({"handling": "中心直办", "transferred": "原承办部门重办"}))
    note = TextAreaField("退回原因", validators=[DataRequired(message="请写明退回原因。"), Length(max=2000)])
    deadline = DateField("新的办理时限", validators=[Optional()])


class DeclineForm(HubForm):
    reason = TextAreaField("不予受理原因", validators=[DataRequired(message="请填写不予受理的原因。"), Length(max=2000)])


class SuperviseForm(HubForm):
    note = TextAreaField("督办意见", validators=[DataRequired(message="请填写督办意见。"), Length(max=2000)])
