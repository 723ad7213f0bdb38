from django.urls import path

from audit.api.views import AuditEventsView, AuditFlagReviewView, AuditFlagsView

urlpatterns = [
    path("audit/events/", AuditEventsView.as_view(), name="audit-events"),
    path("audit/flags/", AuditFlagsView.as_view(), name="audit-flags"),
    path("audit/flags/<str:id>/review/", AuditFlagReviewView.as_view(), name="audit-flag-review"),
]
