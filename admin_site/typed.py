"""What people typed into a form that did not go through (a refused step, a session that ended,
a stale page), kept in the session for the page the form is on, to fill that page again.

Files are not kept (a browser sends them again only when they are chosen again); tokens and the
CSRF field are not either.
"""

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

from approvals import typed_input

from .confirmation import NOT_CARRIED
from .submissions import TOKEN_FIELD

SESSION_KEY = "jingzhun_typed"
NOT_KEPT = NOT_CARRIED | {TOKEN_FIELD}


def entered(request) -> dict:
    """The text fields of the post (one value each; several for a multiple choice), in the
    normal form typed text is saved in: no control characters, which neither the session nor a
    PostgreSQL JSON column can hold (``\u0000``)."""
    return {
        name: kept
        if len(kept := [typed_input.prose(v, multiline=True) for v in values]) > 1
        else kept[0]
        for name, values in request.POST.lists()
        if name not in NOT_KEPT
    }


def kept_for(page: str, request) -> dict:
    """The session's record of what was typed on ``page`` (to store with ``session.update``)."""
    return {SESSION_KEY: {"page": page, "fields": entered(request)}}


def keep(request, page: str) -> None:
    request.session.update(kept_for(page, request))


def take(request, page: str) -> dict:
    """What was typed on ``page`` and not taken yet; taken once."""
    typed = request.session.get(SESSION_KEY)
    if not typed or typed.get("page") != page:
        return {}
    del request.session[SESSION_KEY]
    return typed["fields"]


def page_posted_from(request) -> str:
    """The page the post came from (its Referer, on this site), else the address posted to."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()
