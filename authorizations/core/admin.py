"""The admin's base for records: read by reviewers, never added, changed or
deleted in the admin (even by superusers); their one writer is a service."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Model
from django.http import HttpRequest

if TYPE_CHECKING:  # ModelAdmin is generic in django-stubs only
    _Base = admin.ModelAdmin[Any]
else:
    _Base = admin.ModelAdmin


class ReadOnlyAdmin(_Base):
    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CheckedSelection(_Base):
    """A list's action refuses a selection that is not a list of primary keys
    with a 400 (issue 23 N10): the admin passes `_selected_action` to the
    database unchecked, where "abc" for an integer key is a 500."""

    def response_action(self, request: HttpRequest, queryset: Any) -> Any:
        pk = self.model._meta.pk
        assert pk is not None  # every model has one
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                key = pk.to_python(value)
            except ValidationError:
                key = None
            # An integer beyond 64 bits overflows the database's driver: a 500 too.
            if key is None or (isinstance(key, int) and not -2**63 <= key < 2**63):
                raise BadRequest("The selection is not a list of records")
        return super().response_action(request, queryset)
