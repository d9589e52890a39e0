from django.contrib import admin

from .models import Prompt, PromptEmbedding, PromptMetadata


class PromptMetadataInline(admin.StackedInline):
    model = PromptMetadata
    can_delete = False


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "short_text", "status", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("text", "response", "user__username")
    inlines = [PromptMetadataInline]

    @admin.display(description="text")
    def short_text(self, obj: Prompt) -> str:
        return obj.text[:80]


@admin.register(PromptEmbedding)
class PromptEmbeddingAdmin(admin.ModelAdmin):
    list_display = ("id", "prompt", "model_name")
    exclude = ("vector",)


@admin.register(PromptMetadata)
class PromptMetadataAdmin(admin.ModelAdmin):
    list_display = ("id", "prompt", "model_used", "sent_via_websocket")
