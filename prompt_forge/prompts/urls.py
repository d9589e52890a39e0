from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("prompts", views.PromptListCreateView.as_view(), name="prompt-list"),
    *with_and_without_slash("prompts/similar", views.SimilarPromptsView.as_view(), name="prompt-similar"),
    *with_and_without_slash("prompts/<int:pk>", views.PromptDetailView.as_view(), name="prompt-detail"),
    *with_and_without_slash("prompts/<int:pk>/retry", views.PromptRetryView.as_view(), name="prompt-retry"),
]
