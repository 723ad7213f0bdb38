from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from casework.selectors import case_list


@login_required
def home(request):
    user = request.user
    notifications = list(user.notifications.filter(read_at__isnull=True)[:20])
    if notifications:
        user.notifications.filter(pk__in=[n.pk for n in notifications]).update(read_at=timezone.now())
    return render(
        request,
        "accounts/home.html",
        {
            "visible_case_count": case_list(actor=user).count() if user.works_cases else None,
            "notifications": notifications,
        },
    )
