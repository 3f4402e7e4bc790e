"""The forms of the grid and department pages. The services check every rule again; a form's
validators only give the quick answer."""

from wtforms import BooleanField, HiddenField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hubapp import params
from hubapp.forms import CheckboxesField, HubForm


class GridForm(HubForm):
    number = IntegerField(
        "网格编号",
        validators=[
            InputRequired(message="请填写网格编号（整数）。"),
            NumberRange(min=1, max=9999, message="网格编号应为1至9999之间的整数。"),
        ],
    )
    name = StringField("网格名称", validators=[Optional(), Length(max=40, message="网格名称不超过40字。")])
    area = StringField("范围说明", validators=[Optional(), Length(max=200, message="范围说明不超过200字。")])


def _ids(text: str | None) -> list[int]:
    found = (params.id_from(part) for part in (text or "").split(","))
    return [number for number in found if number is not None]


class ShownIdsField(HiddenField):
    """The ids the page showed ticked, so that a save changes only what this user changed."""

    def _value(self):
        return ",".join(str(i) for i in self.data or [])

    def process_formdata(self, valuelist):
        self.data = _ids(valuelist[0]) if valuelist else []


class GridEnterprisesForm(HubForm):
    enterprises = CheckboxesField("网格内企业", coerce=int, validate_choice=False)
    shown = ShownIdsField()


class GridWorkersForm(HubForm):
    workers = CheckboxesField("负责本网格的网格员", coerce=int, validate_choice=False)
    shown = ShownIdsField()


class DepartmentForm(HubForm):
    name = StringField(
        "单位名称",
        validators=[InputRequired(message="请填写单位名称。"), Length(max=60, message="单位名称不超过60字。")],
    )
    short_name = StringField("简称", validators=[Optional(), Length(max=20, message="简称不超过20字。")])
    joint_meeting_member = BooleanField("联席会议成员单位")
    contact_name = StringField("联系人", validators=[Optional(), Length(max=40, message="联系人不超过40字。")])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20, message="联系电话不超过20位。")])
    sort_order = IntegerField(
        "排序", validators=[Optional(), NumberRange(min=0, max=9999, message="排序应为0至9999之间的整数。")]
    )
    robot_webhook = StringField(
        "企业微信群机器人地址", validators=[Optional(), Length(max=500, message="机器人地址不超过500个字符。")]
    )
