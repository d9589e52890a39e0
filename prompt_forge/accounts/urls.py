from prompt_forge.common.urls import with_and_without_slash

from . import key_views, views

urlpatterns = [
    *with_and_without_slash("api/signup", views.SignUpView.as_view(), name="signup"),
    *with_and_without_slash("api/token", views.TokenView.as_view(), name="token"),
    *with_and_without_slash("api/token/refresh", views.TokenRefresh.as_view(), name="token-refresh"),
    *with_and_without_slash("api/logout", views.LogoutView.as_view(), name="logout"),
]
urlpatterns += [
    *with_and_without_slash("api/keys", key_views.KeyListView.as_view(), name="api-keys"),
    *with_and_without_slash("api/keys/<int:pk>", key_views.KeyDetailView.as_view(), name="api-key"),
]
