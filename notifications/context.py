"""Template context for every page: how many notifications the person has not read (the
header's 收件箱 count), one COUNT on an index of unread rows."""

from .models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
