"""The base form, with WTForms' built-in messages in Chinese for fields that set none of their own,
the 2000–2099 range on every date and date-time field and the INTEGER range on every whole
number; the one way the modules give a select field its options; and the fields and rules several
modules share (checkbox lists, mobile numbers)."""

import re
from collections.abc import Iterable, Mapping
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateTimeField, IntegerField, SelectField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

#: A mainland mobile number: 11 digits, 13x–19x.
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
MOBILE_MESSAGE = "请填写11位手机号码。"

#: The largest whole number a form takes: what an INTEGER column holds on PostgreSQL.
MAX_INTEGER = 2**31 - 1
#: Dates anyone can enter: beyond them a calendar's "next day" would run off the end of Python's
#: calendar (9999-12-31) and answer 500 instead of a message.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DATE_RANGE_MESSAGE = "日期超出范围，请选择2000年至2099年之间的日期。"


class HubForm(FlaskForm):
    class Meta:
        locales = ["zh_CN", "zh"]

        def bind_field(self, form, unbound_field, options):
            """Every date and date-time field (DateField and DateTimeLocalField are DateTimeFields;
            so is TimeField, which has no year) keeps to the calendar, so that no form can forget it."""
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, DateTimeField) and not isinstance(field, TimeField):
                field.validators = [*field.validators, within_calendar]
            elif isinstance(field, IntegerField) or (
                isinstance(field, SelectField | SelectMultipleField) and field.coerce is int
            ):
                field.validators = [*field.validators, within_integer]
            return field

    def add_error(self, message: str, field_name: str | None = None) -> None:
        """Show a rule's Chinese message next to the field it is about, or above the form."""
        field = self._fields.get(field_name) if field_name else None
        if field is not None and isinstance(field.errors, list | tuple):
            field.errors = [*field.errors, message]
        else:
            self.form_errors.append(message)


def options(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """``(value, label)`` pairs, or a dict of labels by value, as the options of a select field
    (WTForms 3.3 deprecates plain tuples)."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]


class CheckboxesField(SelectMultipleField):
    """A select-multiple drawn as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def is_mobile(text: str | None) -> bool:
    return bool(MOBILE_PATTERN.match(text or ""))


def mobile_number(message: str = MOBILE_MESSAGE) -> Regexp:
    """The mobile-number rule as a form validator."""
    return Regexp(MOBILE_PATTERN, message=message)


def within_calendar(form, field) -> None:
    """The date (or date-time) lies in 2000–2099; ``HubForm`` gives it to every such field."""
    if field.data is not None and not FIRST_DAY.year <= field.data.year <= LAST_DAY.year:
        raise ValidationError(DATE_RANGE_MESSAGE)


def within_integer(form, field) -> None:
    """The number (or each of the ids chosen) fits the INTEGER column it is stored in; ``HubForm``
    gives it to every IntegerField and every select of ids."""
    numbers = field.data if isinstance(field.data, list | tuple) else [field.data]
    if any(isinstance(n, int) and not -MAX_INTEGER <= n <= MAX_INTEGER for n in numbers):
        raise ValidationError("数值过大，请检查后重新填写。")
