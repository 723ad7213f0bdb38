from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api.views import AgreementViewSet, MeView, OrganizationViewSet
from audit.api.views import AuditEventsView
from casework.api import views as casework_views
from casework.api.matches import IndicatorMatchView
from config.api.errors import not_found_view
from sharing.api.views import CaseShareViewSet, InboxViewSet, ShareViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("cases", casework_views.CaseViewSet, basename="case")
router.register("consents", casework_views.ConsentWithdrawViewSet, basename="consent")
router.register("tasks", casework_views.TaskUpdateViewSet, basename="task")
router.register("shares", ShareViewSet, basename="share")
router.register("inbox", InboxViewSet, basename="inbox")

CASE = "cases/<uuid:case_id>/"
parts = [
    (f"{CASE}{name}/", view.as_view({"get": "list", "post": "create"}), f"case-{name}")
    for name, view in (
        ("persons", casework_views.PersonViewSet),
        ("notes", casework_views.NoteViewSet),
        ("needs", casework_views.NeedViewSet),
        ("indicators", casework_views.IndicatorViewSet),
        ("consents", casework_views.ConsentViewSet),
        ("tasks", casework_views.TaskViewSet),
    )
]

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("indicators/matches/", IndicatorMatchView.as_view(), name="indicator-matches"),
    path("audit/events/", AuditEventsView.as_view(), name="audit-events"),
    *[path(route, view, name=name) for route, view, name in parts],
    path(f"{CASE}share-preview/", CaseShareViewSet.as_view({"post": "preview"}), name="case-share-preview"),
    path(f"{CASE}shares/", CaseShareViewSet.as_view({"post": "create"}), name="case-shares"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a problem+json 404, in debug mode too.
    re_path(r"^.*$", not_found_view),
]
