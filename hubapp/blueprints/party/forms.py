from flask_wtf.file import MultipleFileField
from wtforms import DateField, DateTimeLocalField, FieldList, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hubapp.blueprints.directory.picker import EnterpriseField
from hubapp.blueprints.party.models import ACTIVITY_KINDS, MAX_ACTIVITY_PHOTOS, ORGANISATION_KINDS
from hubapp.concurrency import Versioned
from hubapp.forms import CheckboxesField, HubForm, options

#: Select value meaning "none": no instructor, no room of the centre.
NONE = 0
#: Enterprise fields on the organisation form: enough for the joint branches the centre has.
ENTERPRISE_SLOTS = 8


class OrganisationForm(Versioned, HubForm):
    name = StringField(
        "党组织名称",
        validators=[DataRequired(message="请填写党组织名称。"), Length(max=100, message="名称不超过100字。")],
    )
    kind = SelectField("组织类型", choices=options(ORGANISATION_KINDS), validators=[DataRequired(message="请选择组织类型。")])
    enterprises = FieldList(EnterpriseField("覆盖企业"), min_entries=ENTERPRISE_SLOTS, max_entries=ENTERPRISE_SLOTS)
    secretary = StringField("书记", validators=[Optional(), Length(max=40, message="书记姓名不超过40字。")])
    members = IntegerField(
        "党员人数",
        default=0,
        validators=[InputRequired(message="请填写党员人数。"), NumberRange(min=0, max=100000, message="党员人数应在0至100000之间。")],
    )
    established_on = DateField("成立日期", validators=[Optional()])
    instructor_id = SelectField("党建工作指导员", coerce=int)


class DeactivateForm(HubForm):
    reason = StringField("撤销原因", validators=[DataRequired(message="请填写撤销原因。"), Length(max=200)])


class ActivityForm(Versioned, HubForm):
    kind = SelectField("活动类型", choices=options(ACTIVITY_KINDS), validators=[DataRequired(message="请选择活动类型。")])
    theme = StringField(
        "活动主题", validators=[DataRequired(message="请填写活动主题。"), Length(max=200, message="主题不超过200字。")]
    )
    start_at = DateTimeLocalField("开始时间", validators=[InputRequired(message="请填写开始时间。")])
    end_at = DateTimeLocalField("结束时间", validators=[InputRequired(message="请填写结束时间。")])
    organiser = StringField(
        "组织单位", validators=[DataRequired(message="请填写组织单位。"), Length(max=100, message="组织单位不超过100字。")]
    )
    organisation_ids = CheckboxesField("参加支部", coerce=int)
    attendance = IntegerField(
        "参加人数",
        default=0,
        validators=[InputRequired(message="请填写参加人数。"), NumberRange(min=0, max=10000, message="人数应在0至10000之间。")],
    )
    room_id = SelectField("活动场地（通过场地预约）", coerce=int)
    place = StringField("其他地点", validators=[Optional(), Length(max=100, message="地点不超过100字。")])
    summary = TextAreaField("活动简况", validators=[Optional(), Length(max=5000, message="简况不超过5000字。")])


class PhotosForm(HubForm):
    photos = MultipleFileField(f"活动照片（最多{MAX_ACTIVITY_PHOTOS}张，每张不超过5MB）")


class AttendeesForm(Versioned, HubForm):
    """The sign-in list: one text box of names per participating branch (``attendees_form``)."""


def attendees_form(branches, **kwargs) -> AttendeesForm:
    """An ``AttendeesForm`` with a ``names_<id>`` box for each of ``branches``."""

    class BranchNames(AttendeesForm):
        pass

    for branch in branches:
        box = TextAreaField(branch.name, validators=[Optional(), Length(max=4000, message="名单不超过4000字。")])
        setattr(BranchNames, f"names_{branch.id}", box)
    return BranchNames(**kwargs)


class ChecklistItemForm(HubForm):
    title = StringField("项目", validators=[DataRequired(message="请填写项目名称。"), Length(max=100, message="项目不超过100字。")])
    sort_order = IntegerField("排序", default=0, validators=[Optional()])


class TickForm(HubForm):
    done_on = DateField("完成日期", validators=[InputRequired(message="请填写完成日期。")])
    note = StringField("说明", validators=[Optional(), Length(max=500, message="说明不超过500字。")])
