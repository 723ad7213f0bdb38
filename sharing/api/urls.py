from django.urls import path
from rest_framework.routers import SimpleRouter

from sharing.api.views import CaseDisclosureViewSet, CaseShareViewSet, InboxViewSet, ShareViewSet

router = SimpleRouter()
router.register("shares", ShareViewSet, basename="share")
router.register("inbox", InboxViewSet, basename="inbox")

CASE = "cases/<uuid:case_id>/"

urlpatterns = [
    path(f"{CASE}share-preview/", CaseShareViewSet.as_view({"post": "preview"}), name="case-share-preview"),
    path(f"{CASE}shares/", CaseShareViewSet.as_view({"post": "create"}), name="case-shares"),
    path(f"{CASE}disclosures/", CaseDisclosureViewSet.as_view({"get": "list"}), name="case-disclosures"),
    *router.urls,
]
