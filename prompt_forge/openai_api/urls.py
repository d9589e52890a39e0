from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("v1/models", views.models, name="v1-models"),
    *with_and_without_slash("v1/chat/completions", views.chat_completions, name="v1-chat-completions"),
]
