"""``{% submission_token %}``: the hidden one-time token of a form that acts (``submissions``)."""

import uuid

from django import template
from django.utils.html import format_html

from ..submissions import TOKEN_FIELD

register = template.Library()


@register.simple_tag
def submission_token(value=""):
    """A new token, or ``value`` when a page carries one forward (a confirmation page)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, value or uuid.uuid4()
    )
