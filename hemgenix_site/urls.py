from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says: send the real icon
    (its URL read per request, as the static files storage names it)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


admin.site.site_header = "Hemgenix prior authorization: clinical review"
admin.site.site_title = "Hemgenix PA review"
admin.site.index_title = "Requests and determinations"

urlpatterns = [
    # Browsers ask for it whatever the page says: answer with the real icon.
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("authorizations.urls")),
    path("", include("authorizations.fhir.urls")),
    path("api/v1/", include("authorizations.api.urls")),
]
