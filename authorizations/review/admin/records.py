"""The admin's other pages: the records, read-only, and the HTC directory
and the accounts, which superusers edit through the services.

Every change made on these pages is a service call (htc_save,
prescriber_profile_save, user_memberships_set, ...), audited with the names
of the fields that changed; the stock admin would save them with no audit row.
"""

from __future__ import annotations

from axes import admin as axes_admins
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from authorizations.accounts import directory
from authorizations.accounts import services as account_services
from authorizations.accounts.services import group_permissions_set, user_memberships_set, user_save
from authorizations.core.actions import AuditAction
from authorizations.core.admin import CheckedSelection, ReadOnlyAdmin
from authorizations.core.forms import no_bidi_controls
from authorizations.letters.pages import letter_download
from authorizations.models import (
    HTC,
    AuditEvent,
    Authorization,
    Determination,
    Letter,
    PrescriberProfile,
    ReviewerProfile,
)
from authorizations.requests import selectors

# The records: read by reviewers, never changed here (even by superusers).

@admin.register(Determination)
class DeterminationAdmin(ReadOnlyAdmin):
    list_display = ("request", "status", "outcome", "kind", "decided_by_name", "created_at")
    list_select_related = ("request",)
    list_filter = ("status", "kind", "policy_version", "created_at")
    search_fields = ("decided_by_name",)
    fields = ("request", "status", "outcome", "unmet_criteria", "kind", "decided_by_name",
              "decided_by_credentials", "rationale", "policy_version", "criteria_trace",
              "created_at")
    readonly_fields = ("unmet_criteria", "criteria_trace")

    # Criterion names as people read them, never the raw IDs alone.
    @admin.display(description="Unmet criteria")
    def unmet_criteria(self, obj):
        return ", ".join(selectors.criterion_name(c) for c in obj.unmet) or "-"

    @admin.display(description="Criteria")
    def criteria_trace(self, obj):
        return format_html_join(mark_safe("<br>"), "{}: {} ({})", (
            (selectors.criterion_name(r.get("id", "")), r.get("status", ""), r.get("reason", ""))
            for r in obj.trace))


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "created_at", "sha256", "download")
    list_select_related = ("determination__request",)
    list_filter = ("kind", "created_at")
    # The PDF's bytes are never shown as a field; they are downloaded.
    fields = ("determination", "kind", "created_at", "sha256", "download")
    readonly_fields = ("download",)

    @admin.display(description="PDF")
    def download(self, obj):
        url = reverse("admin:authorizations_letter_pdf", args=[obj.pk])
        return format_html('<a href="{}">Open PDF</a>, <a href="{}?copy=member">member\'s copy</a>',
                           url, url)

    def get_urls(self):
        return [path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view),
                     name="authorizations_letter_pdf")] + super().get_urls()

    def pdf_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        letter = get_object_or_404(Letter.objects.select_related("determination__request"),
                                   pk=pk)
        req = letter.determination.request
        # `?copy=member`: the member's copy, as on the request's page.
        return letter_download(request, req, letter,
                               filename=f"{req.number}-{letter.kind}-{letter.pk}")


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnlyAdmin):
    list_display = ("number", "request", "member_id", "start_date", "end_date", "hcpcs_code",
                    "icd10_code", "quantity")
    list_select_related = ("request",)
    search_fields = ("^member_id",)
    list_filter = ("start_date",)

    @admin.display(description="Authorization", ordering="pk")
    def number(self, obj):
        return obj.number


class AuditActionFilter(admin.SimpleListFilter):
    """The actions by their words, from AuditAction: every action is offered,
    and the log is not scanned for its distinct values to list them."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return AuditAction.choices

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_id", "detail")
    list_filter = (AuditActionFilter, "object_type", "at")
    search_fields = ("=object_id", "actor_username")


# --------------------------------------------------------------------------
# The directory and the accounts: edited by superusers, through the services.
# --------------------------------------------------------------------------

class ThroughServices(CheckedSelection):
    """Saves and deletes through `services.<service>_save` and `_delete`."""

    service = ""

    def _service(self, verb: str):
        name = f"{self.service}_{verb}"
        return getattr(account_services, name, None) or getattr(directory, name)

    def save_model(self, request, obj, form, change):
        self._service("save")(obj, by=request.user)

    def delete_model(self, request, obj):
        self._service("delete")(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        # "Delete selected": one service call, and one audit row, per record.
        for obj in queryset:
            self.delete_model(request, obj)

    def save_related(self, request, form, formsets, change):
        # These pages have no inlines, and their many-to-many fields (the
        # accounts' below) are saved by save_memberships, through a service.
        if formsets:
            raise NotImplementedError("inlines would be saved around the services")
        self.save_memberships(request, form)

    def save_memberships(self, request, form):
        pass


@admin.register(HTC)
class HTCAdmin(ThroughServices):
    """The CDC directory: reviewers read it, only superusers edit it."""

    service = "htc"
    list_display = ("name", "city", "state", "time_zone", "federally_designated", "region")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ("federally_designated", "state")
    search_fields = ("name", "city")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(PrescriberProfile)
class PrescriberProfileAdmin(ThroughServices):
    service = "prescriber_profile"
    list_display = ("__str__", "credentials", "npi", "bleeding_disorder_specialist")
    list_select_related = ("user", "htc")
    autocomplete_fields = ("htc",)
    raw_id_fields = ("user",)
    search_fields = ("user__username", "user__last_name", "npi")


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(ThroughServices):
    service = "reviewer_profile"
    list_display = ("__str__", "credentials", "time_zone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


class AdminPasswordForm(AdminPasswordChangeForm):
    """The admin's password page: the new password is set here and saved by
    UserAdmin.log_change, which knows who acts, through user_save."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.password_set_in_admin = True
        return user


class UserNamesForm(auth_forms.UserChangeForm):
    """The account's names refuse bidirectional controls (issue 23): a
    prescriber's name is printed on letters and lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("first_name", "First name"), ("last_name", "Last name")):
            if name in self.fields:
                self.fields[name].validators.append(no_bidi_controls(label))


class UserAdmin(ThroughServices, auth_admin.UserAdmin):
    service = "user"
    change_password_form = AdminPasswordForm
    form = UserNamesForm

    def save_memberships(self, request, form):
        if "groups" in form.cleaned_data:
            user_memberships_set(
                form.instance, by=request.user, groups=form.cleaned_data["groups"],
                permissions=form.cleaned_data.get("user_permissions"))

    def log_change(self, request, obj, message):
        if getattr(obj, "password_set_in_admin", False):
            del obj.password_set_in_admin
            user_save(obj, by=request.user)
        return super().log_change(request, obj, message)


class GroupAdmin(ThroughServices, auth_admin.GroupAdmin):
    service = "group"

    def save_memberships(self, request, form):
        if "permissions" in form.cleaned_data:
            group_permissions_set(form.instance, by=request.user,
                                  permissions=form.cleaned_data["permissions"])


User = get_user_model()
for model, model_admin in ((User, UserAdmin), (Group, GroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)

# django-axes's lists, with the selection checked (issue 23 N10).
for model, axes_admin in ((AccessAttempt, axes_admins.AccessAttemptAdmin),
                          (AccessLog, axes_admins.AccessLogAdmin),
                          (AccessFailureLog, axes_admins.AccessFailureLogAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(axes_admin.__name__, (CheckedSelection, axes_admin), {}))
