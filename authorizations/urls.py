from django.urls import path

from authorizations.appeals import views as appeal_views
from authorizations.documents import views as document_views
from authorizations.operations import views as operation_views
from authorizations.requests import views as request_views
from authorizations.requests.wizard import DONE, RequestWizard
from authorizations.review import views as response_views
from authorizations.treatment import views as treatment_views

# formtools' done step is the review's POST (requests/wizard/gate.py).
wizard = RequestWizard.as_view(url_name="request_step", done_step_name=DONE)

urlpatterns = [
    path("", request_views.home, name="home"),
    path("requests/", request_views.dashboard, name="dashboard"),
    path("requests/new/", wizard, name="request_new"),
    path("requests/new/from-ehr/<str:token>/", request_views.request_from_ehr,
         name="request_from_ehr"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", wizard, name="request_resume"),
    path("requests/<int:pk>/edit/<str:step>/", wizard, name="request_step"),
    path("requests/<int:pk>/export.json", request_views.request_export, name="request_export"),
    path("requests/<int:pk>/discard/", request_views.request_discard, name="request_discard"),
    path("requests/<int:pk>/letter.pdf", request_views.request_letter, name="request_letter"),
    path("requests/<int:pk>/documents/", document_views.request_documents,
         name="request_documents"),
    path("requests/<int:pk>/documents/<int:doc_id>/", document_views.request_document,
         name="request_document"),
    path("requests/<int:pk>/documents/<int:doc_id>/remove/",
         document_views.request_document_remove, name="request_document_remove"),
    path("requests/<int:pk>/authorization/cancel/", treatment_views.authorization_cancel,
         name="authorization_cancel"),
    path("requests/<int:pk>/infusion/", treatment_views.infusion, name="infusion"),
    path("requests/<int:pk>/follow-ups/", treatment_views.follow_ups, name="follow_ups"),
    path("requests/<int:pk>/follow-ups/<int:n>/", treatment_views.follow_up,
         name="follow_up"),
    path("operations/", operation_views.operations, name="operations"),
    path("operations/metrics.csv", operation_views.operations_csv, name="operations_csv"),
    path("operations/outcomes/", operation_views.outcomes_page, name="operations_outcomes"),
    path("requests/<int:pk>/respond/", response_views.request_respond, name="request_respond"),
    path("requests/<int:pk>/respond/<str:step>/", response_views.request_respond_step,
         name="request_respond_step"),
    path("requests/<int:pk>/expedite/", response_views.request_expedite,
         name="request_expedite"),
    path("requests/<int:pk>/peer-to-peer/", response_views.request_peer_to_peer,
         name="request_peer_to_peer"),
    path("requests/<int:pk>/information/<int:ir_id>/letter.pdf",
         response_views.information_letter, name="request_information_letter"),
    path("requests/<int:pk>/appeal/", appeal_views.request_appeal, name="request_appeal"),
    path("session/keepalive/", request_views.session_keepalive, name="session_keepalive"),
]
