"""The region filter shared by the queue and the inspector."""

from django import forms
from django.utils.translation import gettext as _

from roles.models import Region

from .request_scope import filter_regions, in_read_scope
from .typed_fields import CodeField


class RegionFilterField(CodeField):
    """A region code: offered as a short list (see ``filter_regions``), accepted for any region
    in the user's scope (a village below a listed township too, e.g. from a link)."""

    widget = forms.Select

    def bind(self, request):
        self.request = request
        self.widget.choices = [("", "---------")] + [
            (region.code, region.name) for region in filter_regions(request)
        ]
        return self

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None or not in_read_scope(self.request, region):
            raise forms.ValidationError(_("请选择您辖区内的乡镇或村"))
        return region
