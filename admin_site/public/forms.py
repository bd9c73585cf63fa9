"""The objection form the public fills in; its messages say in plain words what to fix."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from admin_site.typed_fields import CodeField, LineField, TextField

NAME_MAX = 50
CONTACT_MAX = 50
TEXT_MAX = 2000


class ObjectionForm(forms.Form):
    name = LineField(
        label=_("姓名"),
        max_length=NAME_MAX,
        error_messages={
            "required": _("请填写您的姓名"),
            "max_length": _("姓名不能超过%(limit_value)d个字（现有%(show_value)d个字）"),
        },
    )
    contact = CodeField(
        label=_("联系方式"),
        required=False,
        max_length=CONTACT_MAX,
        help_text=_("选填。电话号码，只能包含数字、“+”和“-”，便于工作人员联系您核实情况"),
        validators=[RegexValidator(r"^[0-9+\-]+$", code="invalid")],
        error_messages={
            "invalid": _("联系方式只能包含数字、“+”和“-”"),
            "max_length": _("联系方式不能超过%(limit_value)d个字符（现有%(show_value)d个字符）"),
        },
    )
    text = TextField(
        label=_("异议内容"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明您认为不符合条件的事实和依据，不超过2000字"),
        error_messages={
            "required": _("请填写异议内容"),
            "max_length": _("异议内容不能超过%(limit_value)d个字（现有%(show_value)d个字）"),
        },
    )

    def __init__(self, *args, **kwargs):
        # Labels stand on their own line; no colon, which differs between Chinese and English.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
