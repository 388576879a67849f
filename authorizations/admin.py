"""Django's admin autodiscovery imports this module: it registers each
slice's admin pages and puts the documents' and the treatment's parts on the
request's admin page (so no slice imports another slice's admin)."""

from django.contrib import admin
from django_q import models as django_q_models

from authorizations.appeals import admin as appeals_admin  # noqa: F401
from authorizations.documents import admin as documents_admin
from authorizations.review.admin import records  # noqa: F401
from authorizations.review.admin.requests import AuthorizationRequestAdmin
from authorizations.treatment import admin as treatment_admin

AuthorizationRequestAdmin.parts = (documents_admin, treatment_admin)


# Delivery (issue 21): django-q2's own admin pages (its queue, schedules and
# task results) are left out: the admin home shows what waits (the outbox,
# models.Delivery), and the queue's rows are the worker's, not the reviewers'.
def _unregister_task_queue() -> None:
    for model in (django_q_models.Failure, django_q_models.OrmQ, django_q_models.Schedule,
                  django_q_models.Success):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_task_queue()
