from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from casework.selectors import case_list


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {"visible_case_count": case_list(actor=user).count() if user.works_cases else None},
    )
