from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("case/", views.case_accesses, name="case-accesses"),
    path("user/", views.user_accesses, name="user-accesses"),
    path("flags/", views.flag_queue, name="flags"),
    path("flags/<int:flag_id>/review/", views.flag_review_view, name="flag-review"),
]
