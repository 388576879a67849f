from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from authorizations.api import views

urlpatterns = [
    path("requests/<str:number>", views.RequestStatus.as_view(), name="api_request"),
    path("requests/<str:number>/fhir", views.RequestFhir.as_view(), name="api_request_fhir"),
    path("questionnaire-responses", views.QuestionnaireResponseCreate.as_view(),
         name="api_questionnaire_responses"),
    path("schema", SpectacularAPIView.as_view(), name="api_schema"),
]
