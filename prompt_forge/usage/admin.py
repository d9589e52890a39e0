from django.contrib import admin

from .models import UserQuota


@admin.register(UserQuota)
class UserQuotaAdmin(admin.ModelAdmin):
    list_display = ["user", "tokens_per_day", "tokens_per_month"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
