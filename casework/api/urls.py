from django.urls import path
from rest_framework.routers import SimpleRouter

from casework.api import views
from casework.api.matches import IndicatorMatchView

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("consents", views.ConsentWithdrawViewSet, basename="consent")
router.register("tasks", views.TaskUpdateViewSet, basename="task")

CASE = "cases/<uuid:case_id>/"
PARTS = {
    "persons": views.PersonViewSet,
    "notes": views.NoteViewSet,
    "needs": views.NeedViewSet,
    "indicators": views.IndicatorViewSet,
    "consents": views.ConsentViewSet,
    "tasks": views.TaskViewSet,
}

urlpatterns = [
    path("indicators/matches/", IndicatorMatchView.as_view(), name="indicator-matches"),
    *[
        path(f"{CASE}{name}/", view.as_view({"get": "list", "post": "create"}), name=f"case-{name}")
        for name, view in PARTS.items()
    ],
    *router.urls,
]
