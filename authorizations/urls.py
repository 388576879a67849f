from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # Letters (PDF) have their own module: see urls_letters.py.
    path("", include("authorizations.urls_letters")),
]
