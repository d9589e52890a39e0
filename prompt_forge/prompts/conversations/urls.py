from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
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
