"""API tokens in the admin: superusers only. A token is shown once, when it
is created; after that only its prefix. Revoking is an action (it cannot be
undone); nothing else about a token changes.

A token has no page of its own: the library's primary key is
"<prefix>.<stored hash>", so a page addressed by it would write the hash
into every access log line (issue 23 N13). The list and the add page only."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from rest_framework_api_key.models import APIKey

from authorizations.api import services
from authorizations.api.models import HTCAPIKey
from authorizations.core.admin import CheckedSelection

# The library's own key model is not used: tokens here belong to an HTC.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class TokenForm(forms.ModelForm):
    class Meta:
        model = HTCAPIKey
        fields = ["name", "htc", "expiry_date"]


@admin.register(HTCAPIKey)
class HTCAPIKeyAdmin(CheckedSelection):
    form = TokenForm
    list_display = ["prefix", "name", "htc", "created", "expiry_date", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "htc__name"]
    actions = ["revoke"]
    list_select_related = ["htc"]
    list_display_links = None  # no page of its own (see above)

    def get_urls(self):
        return [url for url in super().get_urls()
                if url.name and url.name.endswith(("_changelist", "_add"))]

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return False  # a token is created or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # revoked tokens stay on the record

    def get_actions(self, request):
        return super().get_actions(request) if self._superuser(request) else {}

    def save_model(self, request, obj, form, change):
        key, token = services.api_key_create(
            by=request.user, htc=form.cleaned_data["htc"], name=form.cleaned_data["name"],
            expiry_date=form.cleaned_data.get("expiry_date"))
        obj.pk, obj.prefix = key.pk, key.prefix  # for the admin's own messages and log
        messages.warning(request, f"The API token for {key.htc.name} is: {token} — copy it "
                                  "now and give it to the HTC: it is stored only as a hash and "
                                  "cannot be shown again.")

    def response_add(self, request, obj, post_url_continue=None):
        # The stock response links the new token's page; the list instead.
        return HttpResponseRedirect(reverse("admin:authorizations_api_htcapikey_changelist"))

    def log_addition(self, request, obj, message):
        return None  # audited by services.api_key_create; the admin log would hold the hash

    @admin.action(description="Revoke the selected tokens (cannot be undone)")
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(by=request.user, key=key)
        messages.success(request, f"Revoked {queryset.count()} token(s).")
