from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("search", views.SearchView.as_view(), name="search"),
]
