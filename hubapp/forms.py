"""The base form: WTForms' built-in messages in Chinese, for fields that set none of their own."""

from flask_wtf import FlaskForm


class HubForm(FlaskForm):
    class Meta:
        locales = ["zh_CN", "zh"]
