from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

from authorizations.api import views

urlpatterns = [
    path("", views.Index.as_view(), name="api_index"),
    path("requests/<str:number>", views.RequestStatus.as_view(), name="api_request"),
    path("requests/<str:number>/fhir", views.RequestFhir.as_view(), name="api_request_fhir"),
    path("questionnaire-responses", views.QuestionnaireResponseCreate.as_view(),
         name="api_questionnaire_responses"),
    path("schema", SpectacularAPIView.as_view(), name="api_schema"),
    # Redoc is the default: Swagger UI has contrast faults that axe reports.
    path("docs/", views.RedocView.as_view(url_name="api_schema"), name="api_docs"),
    # The split view serves its script as a file: the site's CSP allows no inline script.
    path("docs/swagger/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"),
         name="api_docs_swagger"),
]
