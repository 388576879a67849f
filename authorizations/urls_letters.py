from django.urls import path

from . import views_letters

urlpatterns = [
    path("requests/<int:pk>/letter.pdf", views_letters.request_letter, name="request_letter"),
]
