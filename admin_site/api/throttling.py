"""Requests per person (a token or a session) and per address for those not signed in. The
rates are read on each request, so they follow the settings in force."""

from django.conf import settings
from rest_framework import throttling


class PersonRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return settings.API_RATE_PER_PERSON


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return settings.API_RATE_ANONYMOUS
