from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("prompts/<int:pk>/feedback", views.FeedbackView.as_view(), name="prompt-feedback"),
    *with_and_without_slash("templates/<str:name>/stats", views.TemplateStatsView.as_view(), name="template-stats"),
]
