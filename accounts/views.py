from django.contrib import messages
from django.utils import timezone

from casework.views import dashboard


def home(request):
    """The start page is the dashboard: what is due (or, for roles without case content, who you are).

    Unread notifications (a second factor reset by an admin…) are shown once, as messages.
    """
    if request.user.is_authenticated:
        unread = list(request.user.notifications.filter(read_at__isnull=True)[:20])
        for notification in unread:
            messages.info(request, notification.message)
        if unread:
            request.user.notifications.filter(pk__in=[n.pk for n in unread]).update(read_at=timezone.now())
    return dashboard(request)
