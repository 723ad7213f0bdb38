"""The OAuth2 endpoints Casebridge mounts under ``/o/``: token issuance (client credentials) and
revocation. Nothing else of django-oauth-toolkit: no application registration pages, no
authorization, device or OpenID Connect endpoints."""

from django.urls import path
from oauth2_provider import views as oauth_views

from accounts.oauth_views import ThrottledTokenView

app_name = "oauth2_provider"

urlpatterns = [
    path("token/", ThrottledTokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
]
