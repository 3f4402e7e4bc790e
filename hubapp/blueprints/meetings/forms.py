from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hubapp.blueprints.meetings.decisions import REPORT_STATES
from hubapp.blueprints.meetings.models import GROUPS, KINDS
from hubapp.concurrency import Versioned
from hubapp.forms import CheckboxesField, HubForm, options

#: Select value meaning "none of the listed": no room, no chair account, a unit typed in.
NONE = 0


class MeetingForm(Versioned, HubForm):
    kind = SelectField("会议类型", choices=options(KINDS), validators=[DataRequired(message="请选择会议类型。")])
    theme = StringField("会议主题", validators=[DataRequired(message="请填写会议主题。"), Length(max=200, message="会议主题不超过200字。")])
    day = DateField("日期", validators=[InputRequired(message="请选择会议日期。")])
    start_time = TimeField("开始时间", validators=[InputRequired(message="请填写开始时间。")])
    end_time = TimeField("结束时间", validators=[InputRequired(message="请填写结束时间。")])
    room_id = SelectField("会议室（通过场地预约）", coerce=int)
    place = StringField("其他地点", validators=[Optional(), Length(max=100, message="地点不超过100字。")])
    headcount = IntegerField(
        "预计参会人数",
        default=12,
        validators=[InputRequired(message="请填写预计参会人数。"), NumberRange(min=1, max=500, message="人数应在1至500之间。")],
    )
    chair_name = StringField("主持人", validators=[DataRequired(message="请填写主持人。"), Length(max=60)])
    chair_user_id = SelectField("主持人账号（可审定纪要）", coerce=int)
    recorder_name = StringField("记录人", validators=[DataRequired(message="请填写记录人。"), Length(max=60)])


class AttendeeForm(HubForm):
    group = SelectField("类别", choices=options(GROUPS))
    unit = StringField("单位", validators=[DataRequired(message="请填写单位。"), Length(max=100, message="单位不超过100字。")])
    names = StringField("姓名（多人用顿号分隔）", validators=[Optional(), Length(max=300, message="姓名合计不超过300字。")])


class AgendaForm(Versioned, HubForm):
    title = StringField("议题", validators=[DataRequired(message="请填写议题。"), Length(max=200, message="议题不超过200字。")])
    presenter = StringField("汇报单位或汇报人", validators=[Optional(), Length(max=100)])
    discussion = TextAreaField("讨论情况", validators=[Optional(), Length(max=20000, message="讨论情况不超过20000字。")])


class DecisionForm(HubForm):
    text = TextAreaField("议定事项", validators=[DataRequired(message="请填写议定事项内容。"), Length(max=2000)])
    department_id = SelectField("责任单位", coerce=int)
    unit_text = StringField("其他责任单位", validators=[Optional(), Length(max=100, message="单位不超过100字。")])
    deadline = DateField("完成时限", validators=[Optional()])
    supporter_ids = CheckboxesField("协办单位（可不选）", coerce=int, validators=[Optional()])


class ReopenForm(HubForm):
    """Reopening a closed decision; the service says when the reason is missing."""

    note = TextAreaField("重新打开的原因", validators=[Optional(), Length(max=2000, message="原因不超过2000字。")])


class ProgressForm(HubForm):
    """A progress report; which note is missing, and whether the new deadline is needed, depends on
    the state chosen, so the service checks them and names the field."""

    status = SelectField("办理状态", choices=options(REPORT_STATES), validate_choice=False)
    note = TextAreaField("进展情况", validators=[Optional(), Length(max=2000, message="进展情况不超过2000字。")])
    new_deadline = DateField("新的完成时限", validators=[Optional()])


class ReasonForm(HubForm):
    reason = TextAreaField("原因", validators=[DataRequired(message="请填写原因。"), Length(max=1000)])


class IssueForm(HubForm):
    copy_to = StringField("抄送", validators=[Optional(), Length(max=300, message="抄送不超过300字。")])
