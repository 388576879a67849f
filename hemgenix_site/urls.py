from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Hemgenix prior authorization: clinical review"
admin.site.site_title = "Hemgenix PA review"
admin.site.index_title = "Requests and determinations"

urlpatterns = [
    # Browsers ask for it whatever the page says: answer with the real icon.
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg")), name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("authorizations.urls")),
    path("", include("authorizations.fhir.urls")),
    path("api/v1/", include("authorizations.api.urls")),
]
