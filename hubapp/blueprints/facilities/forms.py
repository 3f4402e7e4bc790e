from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from hubapp.blueprints.directory.picker import EnterpriseField
from hubapp.blueprints.facilities.models import BOOKING_MODES, MONTHLY, WEEKLY
from hubapp.blueprints.facilities.series import SCOPES
from hubapp.concurrency import Versioned
from hubapp.forms import MOBILE_PATTERN, CheckboxesField, HubForm, mobile_number, options

PHONE = Regexp(rf"{MOBILE_PATTERN.pattern}|^0\d{{2,3}}-?\d{{7,8}}$", message="请输入11位手机号或带区号的固定电话。")
WEEKDAY_CHOICES = [(str(d), "周" + "一二三四五六日"[d]) for d in range(7)]
NTH_CHOICES = [("1", "第1个"), ("2", "第2个"), ("3", "第3个"), ("4", "第4个"), ("-1", "最后一个")]
REPEAT_CHOICES = [("", "不重复"), (WEEKLY, "每周（选择星期几）"), (MONTHLY, "每月第几个星期几")]


def _required(label):
    return InputRequired(message=f"请填写{label}。")


class SlotFields(HubForm):
    day = DateField("日期", validators=[_required("日期")])
    start = TimeField("开始时间", validators=[_required("开始时间")])
    end = TimeField("结束时间", validators=[_required("结束时间")], description="早于开始时间表示次日（仅限夜间开放的场地）")


class BookingForm(SlotFields):
    room_id = SelectField("场地", coerce=int, validators=[DataRequired(message="请选择场地。")])
    title = StringField("活动名称", validators=[DataRequired(message="请填写活动名称。"), Length(max=100)])
    purpose = TextAreaField("用途说明", validators=[Optional(), Length(max=2000)])
    headcount = IntegerField("人数", default=1, validators=[InputRequired(message="请填写人数。"), NumberRange(min=1, message="人数至少为1人。")])
    enterprise = EnterpriseField("预约单位（企业名录）", validators=[Optional()])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=40)])
    contact_phone = StringField("联系电话", validators=[Optional(), PHONE])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000)])
    repeat = SelectField("重复", choices=options(REPEAT_CHOICES), default="")
    interval = IntegerField("间隔", default=1, validators=[Optional(), NumberRange(min=1, max=12, message="间隔应在1到12之间。")])
    weekdays = CheckboxesField("星期", choices=options(WEEKDAY_CHOICES), validators=[Optional()])
    nth = SelectField("每月第几个", choices=options(NTH_CHOICES), default="1")
    until = DateField("重复至", validators=[Optional()])
    count = IntegerField("或共几次", validators=[Optional(), NumberRange(min=1, max=200, message="次数应在1到200之间。")])


class RepeatBookingForm(HubForm):
    """An existing booking made the first date of a series: the rule only; the times are its own."""

    repeat = SelectField("重复", choices=options(REPEAT_CHOICES[1:]), default=WEEKLY)
    interval = BookingForm.interval
    weekdays = BookingForm.weekdays
    nth = BookingForm.nth
    until = BookingForm.until
    count = BookingForm.count


class EditBookingForm(Versioned, SlotFields):
    room_id = SelectField("场地", coerce=int, validators=[DataRequired(message="请选择场地。")])
    title = BookingForm.title
    purpose = BookingForm.purpose
    headcount = BookingForm.headcount
    enterprise = BookingForm.enterprise
    contact_name = BookingForm.contact_name
    contact_phone = BookingForm.contact_phone
    notes = BookingForm.notes
    scope = SelectField("应用于", choices=options(SCOPES), default="this")


class ReasonForm(HubForm):
    reason = StringField("原因", validators=[DataRequired(message="请填写原因。"), Length(max=200)])
    scope = SelectField("范围", choices=options(SCOPES), default="this")


class PublicRequestForm(SlotFields):
    room_id = SelectField("场地", coerce=int, validators=[DataRequired(message="请选择场地。")])
    title = StringField("活动名称", validators=[DataRequired(message="请填写活动名称。"), Length(max=100)])
    headcount = IntegerField("人数", default=1, validators=[InputRequired(message="请填写人数。"), NumberRange(min=1, message="人数至少为1人。")])
    enterprise_name = StringField("单位名称", validators=[DataRequired(message="请填写单位名称。"), Length(max=100)])
    uscc = StringField("统一社会信用代码（选填）", validators=[Optional(), Length(max=18)])
    contact_name = StringField("联系人", validators=[DataRequired(message="请填写联系人。"), Length(max=40)])
    contact_phone = StringField("手机号", validators=[DataRequired(message="请填写手机号。"), mobile_number()])
    purpose = TextAreaField("用途说明", validators=[Optional(), Length(max=1000)])


class DoorCheckInForm(HubForm):
    phone_tail = StringField("预约手机号后四位", validators=[Optional(), Regexp(r"^\d{4}$", message="请输入4位数字。")])


class RoomForm(Versioned, HubForm):
    name = StringField("名称", validators=[DataRequired(message="请填写名称。"), Length(max=40)])
    kind = StringField("类型", validators=[DataRequired(message="请填写类型。"), Length(max=20)])
    capacity = IntegerField("容量（人）", validators=[InputRequired(message="请填写容量。"), NumberRange(min=1, max=10000, message="容量应在1到10000人之间。")])
    equipment = TextAreaField("设施设备", validators=[Optional()])
    description = TextAreaField("说明", validators=[Optional()])
    active = BooleanField("启用（可预约）")
    needs_approval = BooleanField("企业提交的申请需工作人员审核")
    min_minutes = IntegerField("最短预约（分钟）", validators=[InputRequired(message="请填写。"), NumberRange(min=15, max=1440, message="应在15到1440分钟之间。")])
    max_minutes = IntegerField("最长预约（分钟）", validators=[InputRequired(message="请填写。"), NumberRange(min=15, max=1440, message="应在15到1440分钟之间。")])
    max_days_ahead = IntegerField("最多提前（天）", validators=[InputRequired(message="请填写。"), NumberRange(min=0, max=365, message="应在0到365天之间。")])
    no_show_minutes = IntegerField("开始后多少分钟未签到记为爽约", validators=[InputRequired(message="请填写。"), NumberRange(min=5, max=240, message="应在5到240分钟之间。")])


class PhotoForm(HubForm):
    photo = FileField("照片", validators=[FileRequired(message="请选择照片。"),
                                        FileAllowed(["jpg", "jpeg", "png", "webp"], message="请上传 JPG 或 PNG 照片。")])  # fmt: skip


class NewRoomForm(RoomForm):
    booking_mode = SelectField("预约方式", choices=options(BOOKING_MODES), default="exclusive")


class ClosureForm(HubForm):
    room_id = SelectField("场地", coerce=int, default=0)
    start_date = DateField("开始日期", validators=[_required("开始日期")])
    end_date = DateField("结束日期", validators=[_required("结束日期")])
    reason = StringField("原因", validators=[DataRequired(message="请填写原因。"), Length(max=100)])


class SpecialOpeningForm(HubForm):
    room_id = SelectField("场地", coerce=int, default=0)
    day = DateField("日期", validators=[_required("日期")])
    opens = TimeField("开放", validators=[_required("开放时间")])
    closes = TimeField("关闭", validators=[_required("关闭时间")])
    reason = StringField("原因", default="调休上班", validators=[DataRequired(message="请填写原因。"), Length(max=100)])
