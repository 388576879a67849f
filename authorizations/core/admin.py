"""The admin's base for records: read by reviewers, never added, changed or
deleted in the admin (even by superusers); their one writer is a service."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
