"""The admin site: Django's, without the navigation sidebar, and with the app
list built only where a page shows it.

Reviewers use a handful of models, all on the index page; the sidebar would
take the width the requests list needs. Django's each_context builds the app
list (every model's permissions and URLs) on every admin page for that
sidebar alone, so here the list is built when a template reads it: on the
index and app pages, not on the queue or a request's page.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


class AdminSite(admin.AdminSite):
    enable_nav_sidebar = False

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> Any:
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))


class AdminConfig(DjangoAdminConfig):
    default_site = "authorizations.core.adminsite.AdminSite"
