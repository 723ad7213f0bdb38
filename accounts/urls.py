from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import mfa_views, org_views, views
from accounts.forms import SignInForm

org_admin_urlpatterns = [
    path("", org_views.users, name="users"),
    path("users/new/", org_views.user_create, name="user-create"),
    path("users/<int:pk>/", org_views.user_detail, name="user-detail"),
    path("users/<int:pk>/role/", org_views.user_role, name="user-role"),
    path("users/<int:pk>/teams/", org_views.user_teams, name="user-teams"),
    path("users/<int:pk>/deactivate/", org_views.user_deactivate, name="user-deactivate"),
    path("users/<int:pk>/unlock/", org_views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/reset-second-factor/", org_views.user_reset_mfa, name="user-reset-mfa"),
    path("teams/", org_views.teams, name="teams"),
    path("teams/<int:pk>/", org_views.team_detail, name="team-detail"),
    path("teams/<int:pk>/remove/<int:user_pk>/", org_views.team_remove, name="team-remove"),
    path("agreements/", org_views.agreements, name="agreements"),
    path("agreements/new/", org_views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", org_views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/terminate/", org_views.agreement_terminate, name="agreement-terminate"),
    path("api-clients/", org_views.api_clients, name="api-clients"),
    path("api-clients/<int:pk>/", org_views.api_client_detail, name="api-client-detail"),
    path("api-clients/<int:pk>/revoke/", org_views.api_client_revoke, name="api-client-revoke"),
    path("webhook/", org_views.webhook, name="webhook"),
    path("webhook/rotate/", org_views.webhook_rotate, name="webhook-rotate"),
]

urlpatterns = [
    path("organization/", include((org_admin_urlpatterns, "orgadmin"))),
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", mfa_views.mfa_verify, name="mfa_verify"),
    path("account/security/", mfa_views.mfa_setup, name="mfa_setup"),
]
