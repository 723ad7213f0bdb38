from django.contrib import admin
from django.urls import include, path

from config import health

admin.site.site_header = "Casebridge operations"
admin.site.site_title = "Casebridge operations"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("casework.urls")),
    path("", include("sharing.urls")),
    path("audit/", include("audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api.urls")),
    path("o/", include("config.oauth_urls")),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler404 = "config.api.errors.not_found"
handler500 = "config.api.errors.server_error"
