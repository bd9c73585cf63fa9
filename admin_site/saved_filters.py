"""常用筛选: a person saves the queue's current filters under a name and returns to them with one
click. Only the query is kept; what it lists is decided, and scoped, when it is followed."""

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from approvals import typed_input

from .models import QueueFilter

# The queue's parameters a saved filter keeps; anything else sent along is dropped.
KEPT = ("workflow", "view", "state", "region", "since", "until", "q", "sort")


def kept_query(query: str) -> str:
    """``query`` reduced to the queue's own parameters, in normal form (no page number)."""
    pairs = [(k, typed_input.prose(v)) for k, v in parse_qsl(query) if k in KEPT]
    return urlencode([(k, v) for k, v in pairs if v])


def saved_of(user) -> list[tuple[QueueFilter, str]]:
    """The person's saved filters, each with the queue address it opens."""
    base = reverse("admin:queue")
    return [(f, f"{base}?{f.query}") for f in QueueFilter.objects.filter(user=user)]


@require_POST
def queue_filters_view(request):
    """Save the filters posted (``name``, ``query``), or delete one of one's own (``delete``)."""
    if "delete" in request.POST:
        chosen = typed_input.whole_number(
            request.POST["delete"], *typed_input.column_range(QueueFilter._meta.pk)
        )
        QueueFilter.objects.filter(user=request.user, pk=chosen).delete()
        messages.success(request, _("已删除常用筛选"))
        return redirect("admin:queue")
    name = typed_input.prose(request.POST.get("name", ""))
    query = kept_query(request.POST.get("query", ""))
    limit = QueueFilter._meta.get_field("name").max_length
    if not name or len(name) > limit:
        messages.error(request, _("请为常用筛选填写名称（不超过%(limit)d个字）") % {"limit": limit})
    elif len(query) > QueueFilter._meta.get_field("query").max_length:
        messages.error(request, _("筛选条件太长，无法保存"))
    else:
        try:
            with transaction.atomic():
                QueueFilter.objects.create(user=request.user, name=name, query=query)
        except IntegrityError:
            messages.error(request, _("已有同名的常用筛选“%(name)s”") % {"name": name})
        else:
            messages.success(request, _("已保存常用筛选“%(name)s”") % {"name": name})
    return redirect(f"{reverse('admin:queue')}?{query}")


def urls(wrap):
    return [path("queue/filters/", wrap(queue_filters_view), name="queue_filters")]
