from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path

from authorizations.accounts import views
from authorizations.core import health

admin.site.site_header = "Hemgenix prior authorization: clinical review"
admin.site.site_title = "Hemgenix PA review"
admin.site.index_title = "Requests and determinations"

urlpatterns = [
    # /favicon.ico is WhiteNoise's (settings.WHITENOISE_ROOT), never Django's.
    # Load balancers: no login, no patient data (core/health.py).
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Django's own account pages; the password reset's, rate-limited.
    path("accounts/", include([
        path("password_reset/", views.PasswordResetView.as_view(),
             name="password_reset"),
        *(p for p in auth_urls.urlpatterns if p.name != "password_reset")])),
    path("", include("authorizations.urls")),
    path("", include("authorizations.fhir.urls")),
    path("api/v1/", include("authorizations.api.urls")),
]

# The 404 and 500 pages render even without the static files' manifest.
handler404 = "authorizations.core.errors.page_not_found"
handler500 = "authorizations.core.errors.server_error"
