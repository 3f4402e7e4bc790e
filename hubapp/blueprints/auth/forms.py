from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import PasswordInput

from hubapp.blueprints.auth.roles import ROLE_LABELS
from hubapp.forms import CheckboxesField, HubForm, options

ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]
USERNAME_RULE = Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和短横线。")
PHONE_RULE = Regexp(r"^[0-9-]{7,20}$", message="请输入有效的电话号码。")


class LoginForm(HubForm):
    username = StringField("用户名", validators=[DataRequired(message="请输入用户名。"), Length(max=40)])
    password = PasswordField("密码", validators=[DataRequired(message="请输入密码。")])
    remember = BooleanField("记住我")


class PasswordChangeForm(HubForm):
    current_password = PasswordField("当前密码", validators=[DataRequired(message="请输入当前密码。")])
    new_password = PasswordField("新密码", validators=[DataRequired(message="请输入新密码。")])
    confirm = PasswordField(
        "确认新密码",
        validators=[DataRequired(message="请再次输入新密码。"), EqualTo("new_password", message="两次输入的新密码不一致。")],
    )


class UserForm(HubForm):
    """Create or edit a user; ``password`` is only shown when creating."""

    username = StringField("用户名", validators=[DataRequired(message="请输入用户名。"), Length(max=40), USERNAME_RULE])
    display_name = StringField("姓名", validators=[DataRequired(message="请输入姓名。"), Length(max=40)])
    role = SelectField("角色", choices=options(ROLE_CHOICES))
    # Unknown or deactivated ids are the service's to refuse, with a message that says what to do.
    department_id = SelectField("所属部门（部门联络员）", coerce=int, validators=[Optional()], validate_choice=False)
    grid_ids = CheckboxesField("负责的网格（网格员，可多选）", coerce=int, validate_choice=False)
    phone = StringField("联系电话", validators=[Optional(), PHONE_RULE])
    # The admin types a password to hand over: a form refused for another field keeps it.
    password = PasswordField("初始密码", widget=PasswordInput(hide_value=False))
    must_change_password = BooleanField("首次登录时必须修改密码", default=True)


class ResetPasswordForm(HubForm):
    new_password = PasswordField("新密码", validators=[DataRequired(message="请输入新密码。")])
    must_change = BooleanField("下次登录时必须修改密码", default=True)
