"""Requests per person (a token or a session) and per address for those not signed in. The
rates are read on each request, so they follow the settings in force; the address is the one
the site's other throttles count (``admin_site.client_address``)."""

from django.conf import settings
from rest_framework import throttling

from admin_site.client_address import client_ip


class PersonRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return settings.API_RATE_PER_PERSON

    def get_ident(self, request):
        return client_ip(request)


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return settings.API_RATE_ANONYMOUS

    def get_ident(self, request):
        return client_ip(request)
