"""The base form, with WTForms' built-in messages in Chinese for fields that set none of their own,
and the one way the modules give a select field its options."""

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class HubForm(FlaskForm):
    class Meta:
        locales = ["zh_CN", "zh"]

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
