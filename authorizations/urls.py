from django.urls import path

from . import (
    views,
    views_appeal,
    views_documents,
    views_operations,
    views_response,
    views_treatment,
)
from .wizard import RequestWizard

wizard = RequestWizard.as_view(url_name="request_step")

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.dashboard, name="dashboard"),
    path("requests/new/", wizard, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", wizard, name="request_resume"),
    path("requests/<int:pk>/edit/<str:step>/", wizard, name="request_step"),
    path("requests/<int:pk>/export.json", views.request_export, name="request_export"),
    path("requests/<int:pk>/discard/", views.request_discard, name="request_discard"),
    path("requests/<int:pk>/letter.pdf", views.request_letter, name="request_letter"),
    path("requests/<int:pk>/documents/", views_documents.request_documents,
         name="request_documents"),
    path("requests/<int:pk>/documents/<int:doc_id>/", views_documents.request_document,
         name="request_document"),
    path("requests/<int:pk>/documents/<int:doc_id>/remove/",
         views_documents.request_document_remove, name="request_document_remove"),
    path("requests/<int:pk>/authorization/cancel/", views_treatment.authorization_cancel,
         name="authorization_cancel"),
    path("requests/<int:pk>/infusion/", views_treatment.infusion, name="infusion"),
    path("requests/<int:pk>/follow-ups/", views_treatment.follow_ups, name="follow_ups"),
    path("requests/<int:pk>/follow-ups/<int:n>/", views_treatment.follow_up,
         name="follow_up"),
    path("operations/", views_operations.operations, name="operations"),
    path("operations/metrics.csv", views_operations.operations_csv, name="operations_csv"),
    path("operations/outcomes/", views_operations.outcomes_page, name="operations_outcomes"),
    path("requests/<int:pk>/respond/", views_response.request_respond, name="request_respond"),
    path("requests/<int:pk>/respond/<str:step>/", views_response.request_respond_step,
         name="request_respond_step"),
    path("requests/<int:pk>/expedite/", views_response.request_expedite,
         name="request_expedite"),
    path("requests/<int:pk>/peer-to-peer/", views_response.request_peer_to_peer,
         name="request_peer_to_peer"),
    path("requests/<int:pk>/information/<int:ir_id>/letter.pdf",
         views_response.information_letter, name="request_information_letter"),
    path("requests/<int:pk>/appeal/", views_appeal.request_appeal, name="request_appeal"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
]
