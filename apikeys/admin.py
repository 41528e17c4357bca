"""Editors issue API keys in the admin; the key is shown once, on the page that issues it."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone

from .middleware import KEY_HEADER
from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "rate", "contact_email", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "contact_name", "contact_email", "prefix")
    readonly_fields = ("prefix", "created_at", "created_by")
    fields = (
        "name",
        "contact_name",
        "contact_email",
        "rate",
        "note",
        "prefix",
        "created_at",
        "created_by",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # editors revoke; a revoked key stays on record

    def save_model(self, request, obj, form, change):
        if not change:
            request._treatykb_new_key = obj.issue()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_treatykb_new_key", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "API key issued",
            "key": obj,
            "secret": secret,
            "header": KEY_HEADER,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "apikeys/key_issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoked_at = timezone.now()
            key.save()
        self.message_user(request, "Revoked.")
