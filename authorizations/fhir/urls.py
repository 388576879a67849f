from django.urls import path

from authorizations.api import cds, pas_views, smart_views
from authorizations.fhir import views

urlpatterns = [
    path("fhir/Claim/$submit", pas_views.ClaimSubmit.as_view(), name="pas_submit"),
    path("fhir/Claim/$inquire", pas_views.ClaimInquire.as_view(), name="pas_inquire"),
    path("cds-services", cds.Discovery.as_view(), name="cds_discovery"),
    path("cds-services/<str:service_id>", cds.Service.as_view(), name="cds_service"),
    # SMART App Launch (EHR launch) from the CRD card's "smart" link.
    path("smart/launch", smart_views.smart_launch, name="smart_launch"),
    path("smart/callback", smart_views.smart_callback, name="smart_callback"),
    path("fhir/Questionnaire", views.questionnaire_search, name="fhir_questionnaire_search"),
    path("fhir/Questionnaire/<str:resource_id>", views.questionnaire_read,
         name="fhir_questionnaire"),
    path("fhir/Library/<str:resource_id>", views.library_read, name="fhir_library"),
    path("requests/<int:pk>/fhir.json", views.request_fhir, name="request_fhir"),
    path("requests/import/", views.import_page, name="request_import"),
]
