"""The client's address as this site sees it, for everything that counts per address.

Behind the reverse proxy every connection comes from the proxy, so counting on ``REMOTE_ADDR``
would put every client in one bucket: five wrong passwords from anywhere would lock a person out
for everyone. With ``CLIENT_IP_HEADER`` set, the address is read from the header the proxy writes;
without it (no proxy) the header is ignored, since any client could send it. The objection
throttle (django-ratelimit) and the login lockout (django-axes) both call ``client_ip``.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address of the client behind our proxy, or the connection's address without one."""
    connected = request.META.get("REMOTE_ADDR", "")
    if not settings.CLIENT_IP_HEADER:
        return connected
    # A proxy that appends to the header (X-Forwarded-For) puts the address it saw last.
    reported = request.META.get(settings.CLIENT_IP_HEADER, "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(reported))
    except ValueError:
        return connected
