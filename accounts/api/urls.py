from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.views import AgreementViewSet, MeView, OrganizationViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("agreements", AgreementViewSet, basename="agreement")

urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
