from wtforms import BooleanField, StringField
from wtforms.validators import Length

from hubapp.forms import HubForm


class PreferencesForm(HubForm):
    """The options a role does not have are not shown; the service keeps them at their defaults."""

    sms_demand_answers = BooleanField("我登记的诉求有办理结果时，短信通知我")
    email_staff_messages = BooleanField("中心工作群（企业微信）的通知，同时发到我的电子邮箱")
    email = StringField("电子邮箱地址", validators=[Length(max=254, message="电子邮箱地址不能超过254个字符。")])
