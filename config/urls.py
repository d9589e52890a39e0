from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from prompt_forge.accounts.admin_login import admin_login
from prompt_forge.common.urls import with_and_without_slash
from prompt_forge.edge import health

urlpatterns = [
    path("admin/login/", admin_login, name="admin-login"),  # throttled like /api/token
    path("admin/", admin.site.urls),
    path("", include("prompt_forge.accounts.urls")),
    path("", include("prompt_forge.prompts.urls")),
    path("", include("prompt_forge.prompts.conversations.urls")),
    path("", include("prompt_forge.prompts.history.urls")),
    path("", include("prompt_forge.prompts.feedback.urls")),
    path("", include("prompt_forge.prompts.comparisons.urls")),
    path("", include("prompt_forge.prompt_templates.urls")),
    path("", include("prompt_forge.sharing.urls")),
    path("", include("prompt_forge.openai_api.urls")),
    path("", include("prompt_forge.usage.urls")),
    *with_and_without_slash("api/schema", SpectacularAPIView.as_view(), name="schema"),
    *with_and_without_slash("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    *with_and_without_slash("metrics", health.metrics, name="metrics"),
    path("", include("prompt_forge.web.urls")),
]

handler400 = "prompt_forge.common.exceptions.handler400"
handler403 = "prompt_forge.common.exceptions.handler403"
handler404 = "prompt_forge.common.exceptions.handler404"
handler500 = "prompt_forge.common.exceptions.handler500"
