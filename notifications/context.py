"""Template context for every page: how many notifications the person has not read (the
header's 收件箱 count). One COUNT on an index of unread rows, made only by a page that shows it."""

from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return {"inbox_unread": SimpleLazyObject(unread.count)}
