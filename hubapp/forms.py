"""The base form, with WTForms' built-in messages in Chinese for fields that set none of their own,
and the one way the modules give a select field its options."""

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class HubForm(FlaskForm):
    class Meta:
        locales = ["zh_CN", "zh"]


def options(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """``(value, label)`` pairs, or a dict of labels by value, as the options of a select field
    (WTForms 3.3 deprecates plain tuples)."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]
