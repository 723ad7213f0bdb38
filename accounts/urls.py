from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import mfa_views, views
from accounts.forms import SignInForm

urlpatterns = [
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
