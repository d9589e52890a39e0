from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("api/usage", views.UsageView.as_view(), name="usage"),
]
