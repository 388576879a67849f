from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Hemgenix prior authorization: clinical review"
admin.site.site_title = "Hemgenix PA review"
admin.site.index_title = "Requests and determinations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("authorizations.urls")),
    path("", include("authorizations.fhir.urls")),
    path("api/v1/", include("authorizations.api.urls")),
]
