from django.urls import path

from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("conversations/<int:pk>/share", views.ShareView.as_view(), name="conversation-share"),
    *with_and_without_slash("shares", views.ShareListView.as_view(), name="share-list"),
    *with_and_without_slash("shares/<int:pk>", views.ShareDetailView.as_view(), name="share-detail"),
    path("shared/<str:token>", views.shared_page, name="shared-page"),
    path("shared/<str:token>/", views.shared_page),
]
