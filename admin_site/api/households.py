"""Households with their members. ID and phone numbers are shown whole only to those who may
write where the household lives; anyone else who may read it sees them masked, as the ledgers
and the notice board show them."""

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from admin_site.filters import RegionFilterField
from admin_site.request_scope import get_readable_or_404, readable, write_prefixes
from approvals import typed_input
from approvals.models import mask_contact
from workflows.household.models import Household

from . import serializers as s
from .cases import Pages
from .errors import form_invalid
from .responses import refusals


class HouseholdFilters(forms.Form):
    region = RegionFilterField(required=False)

    def __init__(self, data, request):
        super().__init__(data)
        self.fields["region"].bind(request)


def described(household, writable: list[str]) -> dict:
    whole = any(household.region.code.startswith(p) for p in writable)
    return {
        "id": household.pk,
        "number": household.number,
        "head_name": household.head_name,
        "phone": household.phone if whole else mask_contact(household.phone),
        "region": {"code": household.region.code, "name": household.region.name},
        "register_status": household.register_status,
        "register_status_label": str(household.get_register_status_display()),
        "poverty_attribute": household.poverty_attribute,
        "main_cause": household.main_cause,
        "members": [
            {
                "name": m.name,
                "id_number": m.id_number if whole else m.masked_id_number,
                "relation": m.relation,
                "sex": m.sex,
                "birth_date": m.birth_date,
                "health": m.health,
            }
            for m in household.members.all()
        ],
    }


def households(request):
    return readable(Household.objects.select_related("region"), request).prefetch_related("members")


@extend_schema(
    operation_id="households_list",
    summary=_("农户"),
    parameters=[
        OpenApiParameter("region", str, description=_("乡镇或村的12位区划代码")),
        OpenApiParameter("page", int),
    ],
    responses={200: s.page_of(s.HouseholdSerializer), **refusals(400, 404)},
)
@api_view(["GET"])
def households_view(request):
    """The households the person may read, with their members."""
    form = HouseholdFilters(request.query_params, request)
    if not form.is_valid():
        raise form_invalid(form)
    found = households(request)
    if form.cleaned_data["region"]:
        found = found.filter(region__code__startswith=form.cleaned_data["region"].prefix)
    pages = Pages()
    page = pages.paginate_queryset(found.order_by("region__code", "number", "pk"), request)
    writable = write_prefixes(request)
    return pages.get_paginated_response([described(h, writable) for h in page])


@extend_schema(
    operation_id="household_detail",
    summary=_("农户详情"),
    responses={200: s.HouseholdSerializer, **refusals(404)},
)
@api_view(["GET"])
def household_view(request, pk):
    pk = typed_input.whole_number(str(pk), *typed_input.column_range(Household._meta.pk))
    if pk is None:
        raise Http404
    household = get_readable_or_404(households(request), request, pk=pk)
    return Response(described(household, write_prefixes(request)))
