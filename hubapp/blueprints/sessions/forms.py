"""Forms of the sessions module. Rules that need the database live in the services; these check shape."""

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from hubapp.blueprints.directory import uscc
from hubapp.blueprints.sessions.models import AMOUNT_MESSAGE, BANK, FINANCING_STATES, HOST_KINDS, KINDS, MAX_WAN
from hubapp.concurrency import Versioned
from hubapp.forms import HubForm, mobile_number, options

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _stripped(text: str | None) -> str | None:
    """A phone number copied from a message often brings a space along."""
    return text.strip() if text else text


def _credit_code(_form, field):
    if field.data and field.data.strip():
        error = uscc.validation_error(field.data)
        if error:
            raise ValidationError(error)


class SessionForm(Versioned, HubForm):
    kind = SelectField("活动类型", choices=options(KINDS), validators=[DataRequired("请选择活动类型。")])
    title = StringField("活动名称", validators=[DataRequired("请填写活动名称。"), Length(max=100)])
    theme = StringField("月度主题", validators=[Optional(), Length(max=100)])
    host_id = SelectField("主办机构", coerce=int, validators=[Optional()])
    speakers = StringField("主讲人", validators=[Optional(), Length(max=200)])
    description = TextAreaField("活动内容", validators=[Optional(), Length(max=4000)])
    start_at = DateTimeLocalField("开始时间", format=DATETIME_FORMAT, validators=[InputRequired("请填写开始时间。")])
    end_at = DateTimeLocalField("结束时间", format=DATETIME_FORMAT, validators=[InputRequired("请填写结束时间。")])
    room_id = SelectField("场地", coerce=int, validators=[DataRequired("请选择场地。")])
    capacity = IntegerField("名额", validators=[InputRequired("请填写名额。"), NumberRange(min=1, message="名额至少为1人。")])
    signup_opens_at = DateTimeLocalField("报名开始", format=DATETIME_FORMAT, validators=[Optional()])
    signup_closes_at = DateTimeLocalField("报名截止", format=DATETIME_FORMAT, validators=[Optional()])
    needs_approval = BooleanField("报名需审核")
    check_in_opens_minutes = IntegerField(
        "提前开放签到（分钟）",
        validators=[Optional(), NumberRange(min=0, max=1440, message="签到提前开放时间应在0到1440分钟之间。")],
    )


class CancelForm(HubForm):
    reason = StringField("取消原因", validators=[DataRequired("请填写取消原因。"), Length(max=200)])


class HostForm(HubForm):
    name = StringField("机构名称", validators=[DataRequired("请填写机构名称。"), Length(max=100)])
    kind = SelectField("机构类型", choices=options(HOST_KINDS))
    department_id = SelectField("对应成员单位", coerce=int, validators=[Optional()])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=40)])
    contact_phone = StringField(
        "联系电话",
        validators=[
            Optional(),
            Regexp(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$", message="请填写手机号码或“区号-号码”形式的固定电话。"),
        ],
    )
    active = BooleanField("可选用", default=True)


class QuestionForm(HubForm):
    label = StringField("问题", validators=[DataRequired("请填写问题。"), Length(max=200)])
    required = BooleanField("必填")


class SignupForm(HubForm):
    """The public sign-up form; bank and tax fields are shown by session kind, custom ones added per session."""

    enterprise_name = StringField(
        "企业名称", validators=[DataRequired("请填写企业名称。"), Length(max=100, message="企业名称过长。")]
    )
    uscc = StringField("统一社会信用代码", validators=[Optional(), _credit_code])
    attendee_name = StringField("参会人姓名", validators=[DataRequired("请填写参会人姓名。"), Length(max=40)])
    phone = StringField("手机号码", filters=[_stripped], validators=[DataRequired("请填写手机号码。"), mobile_number()])
    position = StringField("职务", validators=[Optional(), Length(max=40)])
    questions = TextAreaField("希望现场解答的问题", validators=[Optional(), Length(max=2000)])
    financing_amount = DecimalField(
        "融资需求金额（万元）",
        places=2,
        validators=[Optional(), NumberRange(min=0.01, max=MAX_WAN, message=AMOUNT_MESSAGE)],
    )
    financing_purpose = StringField("资金用途", validators=[Optional(), Length(max=200)])
    financing_term = IntegerField(
        "期限（月）", validators=[Optional(), NumberRange(min=1, max=600, message="期限为1至600个月。")]
    )
    financing_collateral = RadioField("有无抵押", choices=options({"yes": "有抵押", "no": "无抵押"}), validators=[Optional()])


def signup_form_for(session, **kwargs) -> SignupForm:
    """The sign-up form with the session's custom questions as fields ``q_<id>``."""

    class SessionSignupForm(SignupForm):
        pass

    if session.kind == BANK:
        SessionSignupForm.financing_amount = DecimalField(
            "融资需求金额（万元）",
            places=2,
            validators=[
                InputRequired("请填写融资需求金额（万元）。"),
                NumberRange(min=0.01, max=MAX_WAN, message=AMOUNT_MESSAGE),
            ],
        )
    for question in session.questions:
        validators = [DataRequired("此问题必须填写。")] if question.required else [Optional()]
        setattr(SessionSignupForm, f"q_{question.id}", StringField(question.label, validators=[*validators, Length(max=500)]))
    return SessionSignupForm(**kwargs)


class WalkInForm(HubForm):
    enterprise_name = StringField("企业名称", validators=[DataRequired("请填写企业名称。"), Length(max=100)])
    attendee_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=40)])
    phone = StringField("手机号码", filters=[_stripped], validators=[DataRequired("请填写手机号码。"), mobile_number()])
    position = StringField("职务", validators=[Optional(), Length(max=40)])


class CheckInForm(HubForm):
    code = StringField("签到码", validators=[Optional(), Length(max=300)])
    registration_id = HiddenField()
    #: "1": let a waitlisted or pending sign-up in as a walk-in.
    admit = HiddenField()


class OutcomeForm(HubForm):
    outcome_summary = TextAreaField("活动成效", validators=[Optional(), Length(max=4000)])


class FinancingForm(HubForm):
    enterprise_name = StringField("企业", validators=[DataRequired("请填写企业。"), Length(max=100)])
    bank_id = SelectField("银行", coerce=int, validators=[DataRequired("请选择银行。")])
    amount = DecimalField(
        "金额（万元）", places=2, validators=[InputRequired("请填写金额。"), NumberRange(min=0.01, max=MAX_WAN, message=AMOUNT_MESSAGE)]
    )
    status = SelectField("进展", choices=options(FINANCING_STATES))
    notes = StringField("备注", validators=[Optional(), Length(max=200)])


class AdvanceForm(HubForm):
    status = SelectField("进展", choices=options(FINANCING_STATES))


def theme_plan_form(plan: dict):
    """Twelve text fields, one theme per month."""

    class ThemePlanForm(HubForm):
        pass

    for month in range(1, 13):
        setattr(ThemePlanForm, f"m{month}", StringField(f"{month}月", validators=[Optional(), Length(max=100)]))
    defaults = {f"m{month}": entry.theme for month, entry in plan.items()}
    return ThemePlanForm(data=defaults)
