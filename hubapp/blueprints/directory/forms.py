"""The forms of the enterprise register. ``register`` checks every rule again; the validators
here give the quick answer next to each field."""

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from hubapp.blueprints.directory import uscc
from hubapp.blueprints.directory.models import ENTERPRISE_KINDS
from hubapp.blueprints.directory.register import MAX_LENGTHS, normalise_mobile
from hubapp.concurrency import Versioned
from hubapp.forms import MOBILE_MESSAGE, HubForm, is_mobile, options


def _length(name: str, label: str) -> Length:
    return Length(max=MAX_LENGTHS[name], message=f"{label}不能超过{MAX_LENGTHS[name]}个字。")


def valid_code(form, field) -> None:
    problem = uscc.validation_error(field.data or "")
    if problem:
        raise ValidationError(problem)


def mobile_if_given(form, field) -> None:
    """Accepts the number as people type it (spaces, dashes, full-width digits); ``register``
    keeps the 11 digits."""
    if field.data and not is_mobile(normalise_mobile(field.data)):
        raise ValidationError(MOBILE_MESSAGE)


class EnterpriseForm(Versioned, HubForm):
    """Adding an enterprise, and editing one (version-checked, ``hubapp.concurrency``)."""

    name = StringField("企业名称", validators=[DataRequired(message="请填写企业名称。"), _length("name", "企业名称")])
    uscc = StringField("统一社会信用代码", validators=[DataRequired(message="请填写统一社会信用代码。"), valid_code])
    short_name = StringField("简称", validators=[Optional(), _length("short_name", "简称")])
    kind = SelectField(
        "企业类型", choices=options([("", "请选择")] + list(ENTERPRISE_KINDS.items())),
        validators=[DataRequired(message="请选择企业类型。")],
    )  # fmt: skip
    grid_id = SelectField("所属网格", coerce=int, default=0)
    address = StringField("地址", validators=[Optional(), _length("address", "地址")])
    industry = StringField("所属行业", validators=[Optional(), _length("industry", "所属行业")])
    above_designated_size = BooleanField("规上企业（规模以上）")
    contact_name = StringField("联系人", validators=[Optional(), _length("contact_name", "联系人")])
    contact_phone = StringField("联系人手机", validators=[Optional(), mobile_if_given])
    notes = TextAreaField("备注", validators=[Optional(), _length("notes", "备注")])


class DeactivateForm(HubForm):
    reason = StringField("停用原因", validators=[DataRequired(message="请填写停用原因，如：已迁出园区、已注销。"), Length(max=200, message="停用原因不能超过200个字。")])


class UploadForm(HubForm):
    file = FileField("企业名录 Excel 文件（.xlsx）", validators=[FileRequired(message="请选择要导入的 Excel 文件。")])


class ConfirmImportForm(HubForm):
    #: The plan the preview showed; a different plan at confirmation means the register changed.
    digest = HiddenField()
    skip_errors = BooleanField("跳过有错误的行，只导入其余的行")
