from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("prompts/<int:pk>/compare", views.CompareView.as_view(), name="prompt-compare"),
]
