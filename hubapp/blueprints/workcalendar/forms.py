from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hubapp.blueprints.workcalendar.models import DAY_KINDS, NAME_MAX
from hubapp.forms import HubForm, options


class RunForm(HubForm):
    kind = SelectField("类型", choices=options(DAY_KINDS), validators=[DataRequired(message="请选择类型。")])
    name = StringField(
        "节日名称",
        validators=[
            DataRequired(message="请填写节日名称。"),
            Length(max=NAME_MAX, message=f"名称不超过{NAME_MAX}字。"),
        ],
    )
    first = DateField("开始日期", validators=[InputRequired(message="请填写开始日期。")])
    #: Empty for a single day.
    last = DateField("结束日期", validators=[Optional()])


class NoticeForm(HubForm):
    year = IntegerField(
        "年份",
        validators=[
            InputRequired(message="请填写年份。"),
            NumberRange(min=2000, max=2099, message="请填写2000至2099之间的年份。"),
        ],
    )
    text = TextAreaField(
        "放假安排",
        validators=[DataRequired(message="请粘贴放假安排。"), Length(max=5000, message="内容不超过5000字。")],
    )
