from prompt_forge.common.urls import with_and_without_slash

from . import export_views, import_views, tag_views, views

urlpatterns = [
    *with_and_without_slash("tags", tag_views.TagListView.as_view(), name="tag-list"),
    *with_and_without_slash("tags/<str:name>", tag_views.TagDetailView.as_view(), name="tag-detail"),
    *with_and_without_slash(
        "conversations/import", import_views.ConversationImportView.as_view(), name="conversation-import"
    ),
    *with_and_without_slash(
        "conversations/export", export_views.ConversationExportAllView.as_view(), name="conversation-export-all"
    ),
    *with_and_without_slash(
        "conversations/<int:pk>/export", export_views.ConversationExportView.as_view(), name="conversation-export"
    ),
    *with_and_without_slash("conversations", views.ConversationListView.as_view(), name="conversation-list"),
    *with_and_without_slash(
        "conversations/<int:pk>", views.ConversationDetailView.as_view(), name="conversation-detail"
    ),
    *with_and_without_slash("conversations/<int:pk>/turns", views.TurnCreateView.as_view(), name="conversation-turns"),
    *with_and_without_slash(
        "conversations/<int:pk>/turns/<int:turn>/regenerate",
        views.TurnRegenerateView.as_view(),
        name="conversation-turn-regenerate",
    ),
]
