from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Casebridge operations"
admin.site.site_title = "Casebridge operations"

urlpatterns = [
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
