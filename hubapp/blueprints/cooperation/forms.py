from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hubapp.blueprints.cooperation.models import PARTNER_KINDS, PROJECT_KINDS, PROJECT_STATUSES
from hubapp.concurrency import Versioned
from hubapp.forms import HubForm, options

#: Select value meaning "none chosen" (no enterprise for a course of the centre's own).
NONE = 0


class PartnerForm(Versioned, HubForm):
    name = StringField(
        "单位名称", validators=[DataRequired(message="请填写合作单位名称。"), Length(max=100, message="名称不超过100字。")]
    )
    kind = SelectField("单位类型", choices=options(PARTNER_KINDS), validators=[DataRequired(message="请选择单位类型。")])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=40, message="联系人不超过40字。")])
    contact_phone = StringField("联系人手机", validators=[Optional(), Length(max=20, message="手机号码不超过20位。")])
    agreement = StringField("合作协议", validators=[Optional(), Length(max=200, message="协议名称不超过200字。")])
    agreement_signed_on = DateField("签订日期", validators=[Optional()])
    agreement_ends_on = DateField("到期日期", validators=[Optional()])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000, message="备注不超过2000字。")])


class ProjectForm(Versioned, HubForm):
    kind = SelectField("项目类型", choices=options(PROJECT_KINDS), validators=[DataRequired(message="请选择项目类型。")])
    partner_id = SelectField("合作单位", coerce=int)
    enterprise_id = SelectField("合作企业", coerce=int)
    title = StringField(
        "项目名称 / 课题", validators=[DataRequired(message="请填写项目名称或课题。"), Length(max=200, message="不超过200字。")]
    )
    status = SelectField("状态", choices=options(PROJECT_STATUSES), validators=[DataRequired(message="请选择项目状态。")])
    started_on = DateField("开始日期", validators=[InputRequired(message="请填写开始日期。")])
    qualified = IntegerField(
        "培训合格人数",
        default=0,
        validators=[InputRequired(message="请填写培训合格人数，没有填0。"), NumberRange(min=0, max=100000, message="人数应在0至100000之间。")],
    )


class MatchForm(HubForm):
    """A 技术需求 demand matched to a partner: the 科研对接 project it becomes."""

    partner_id = SelectField("对接合作单位", coerce=int)
    title = StringField(
        "对接课题", validators=[DataRequired(message="请填写对接课题。"), Length(max=200, message="不超过200字。")]
    )
    status = SelectField("项目状态", choices=options(PROJECT_STATUSES), validators=[DataRequired(message="请选择项目状态。")])
    started_on = DateField("开始日期", validators=[InputRequired(message="请填写开始日期。")])


class PlacementForm(HubForm):
    partner_id = SelectField("合作院校", coerce=int)
    enterprise_id = SelectField("实习实训企业", coerce=int)
    start_on = DateField("开始日期", validators=[InputRequired(message="请填写开始日期。")])
    end_on = DateField("结束日期", validators=[InputRequired(message="请填写结束日期。")])
    students = IntegerField(
        "学生人数（人次）",
        validators=[InputRequired(message="请填写学生人数。"), NumberRange(min=1, max=100000, message="人数应在1至100000之间。")],
    )
    note = StringField("说明", validators=[Optional(), Length(max=200, message="说明不超过200字。")])


class PlacementImportForm(HubForm):
    partner_id = SelectField("合作院校", coerce=int)
    file = FileField("实习实训名单（Excel .xlsx）")
