from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from hubapp.blueprints.reports.models import MAX_TEXT
from hubapp.concurrency import Versioned
from hubapp.forms import HubForm


class NewBriefingForm(HubForm):
    #: Its choices, the periods that have begun, are set by the view; the service says why another
    #: period cannot be chosen (not begun yet), so the field does not refuse it first.
    period = SelectField("简报期间", validate_choice=False, validators=[DataRequired(message="请选择简报期间。")])


class BriefingTextForm(Versioned, HubForm):
    text = TextAreaField(
        "简报正文",
        validators=[
            DataRequired(message="请填写简报正文。"),
            Length(max=MAX_TEXT, message=f"正文不超过{MAX_TEXT}字。"),
        ],
    )


class RegenerateForm(Versioned, HubForm):
    confirm = BooleanField(
        "我知道重新生成将以最新数据重写正文，已修改的内容将被放弃",
        validators=[DataRequired(message="请先勾选确认：重新生成将放弃已修改的内容。")],
    )


class PrintForm(Versioned, HubForm):
    """印发: the version the user previewed travels with the button."""


class DeleteBriefingForm(Versioned, HubForm):
    """删除: the version the user looked at travels with the button."""
