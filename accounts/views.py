from django.contrib import messages
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.services import user_set_language
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


@require_POST
def language(request):
    """The footer's language choice: Django's ``set_language`` (cookie and redirect), and for a
    signed-in user also their account, so the choice follows them to other devices."""
    response = set_language(request)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
