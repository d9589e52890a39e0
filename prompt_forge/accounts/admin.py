from django.contrib import admin

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    # The secret exists only as a hash; an operator may set budgets or revoke, never see or change a secret.
    readonly_fields = ["user", "prefix", "secret_hash", "created_at", "last_used_at"]
