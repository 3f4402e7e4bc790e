"""The public forms of the front door. The demands services check every rule again; these
validators give the quick answer next to the field."""

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hubapp.blueprints.demands.forms import active_topic_choices, topic_id
from hubapp.blueprints.demands.models import KINDS, NOTE_MAX, SATISFACTION
from hubapp.blueprints.demands.selfreport import KIND_HINTS, MAX_PHOTOS
from hubapp.forms import MOBILE_MESSAGE, HubForm, mobile_number, options


class RaiseDemandForm(HubForm):
    kind = RadioField(
        "诉求类别", choices=options(KINDS), validators=[InputRequired(message="请选择诉求类别。")]
    )
    description = TextAreaField(
        "需要解决什么问题",
        validators=[
            DataRequired(message="请写明您需要解决的问题。"),
            Length(max=NOTE_MAX, message=f"内容不超过{NOTE_MAX}字。"),
        ],
    )
    #: Staff keep the list (``demands.topics``); the choices are read when the form is made.
    topic = SelectField("主题（选填）", coerce=topic_id, validate_choice=False, validators=[Optional()])
    enterprise_name = StringField(
        "企业名称", validators=[DataRequired(message="请填写企业名称。"), Length(max=100, message="企业名称不超过100字。")]
    )
    uscc = StringField("统一社会信用代码", validators=[DataRequired(message="请填写统一社会信用代码（18位）。")])
    contact_name = StringField(
        "联系人", validators=[DataRequired(message="请填写联系人姓名。"), Length(max=40, message="联系人不超过40字。")]
    )
    contact_mobile = StringField("手机号码", validators=[DataRequired(message=MOBILE_MESSAGE), mobile_number()])
    photos = MultipleFileField(f"照片（选填，最多{MAX_PHOTOS}张）")
    #: The honeypot: hidden from people, filled in by bots that fill in every field.
    homepage = StringField("网址")

    kind_hints = KIND_HINTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic.choices = active_topic_choices()


class LookupForm(HubForm):
    number = StringField("诉求编号", validators=[DataRequired(message="请填写诉求编号，如 ZTC-2026-001。")])
    mobile = StringField("诉求登记时留的手机号码", validators=[DataRequired(message=MOBILE_MESSAGE), mobile_number()])


class RateForm(HubForm):
    satisfaction = RadioField(
        "您对办理结果是否满意", choices=options(SATISFACTION), validators=[InputRequired(message="请选择您的评价。")]
    )
    comment = TextAreaField("意见建议（选填）", validators=[Optional(), Length(max=NOTE_MAX, message=f"内容不超过{NOTE_MAX}字。")])


class WithdrawForm(HubForm):
    confirm = BooleanField("我确认撤回本次场地预约申请")
