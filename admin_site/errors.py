"""The pages people see when something stops them, in their language and with what to do next:
a sign-in locked after too many failures (how long to wait, whom to call), and a form refused
because its page had gone stale (what they typed is kept). 404, 403 and 500 are templates of
their own (templates/404.html, 403.html, 500.html)."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render

from . import typed


def locked_out(request, response=None, credentials=None):
    """django-axes' lockout page (``AXES_LOCKOUT_CALLABLE``): the minutes to wait and whom to
    call, instead of its English sentence."""
    cool_off = get_cool_off(request)
    context = {
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "contact": settings.SUPPORT_CONTACT,
    }
    return render(request, "lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def csrf_failure(request, reason=""):
    """A form posted from a page that had gone stale (``CSRF_FAILURE_VIEW``): nothing was done;
    what was typed is kept for the page it came from, which the person is sent back to."""
    page = typed.page_posted_from(request)
    if request.method == "POST" and page != request.get_full_path():
        typed.keep(request, page)
    return render(request, "403_csrf.html", {"page": page}, status=403)
