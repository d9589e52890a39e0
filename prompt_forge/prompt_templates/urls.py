from prompt_forge.common.urls import with_and_without_slash

from . import views

urlpatterns = [
    *with_and_without_slash("templates", views.TemplateListView.as_view(), name="template-list"),
    *with_and_without_slash("templates/<str:name>", views.TemplateDetailView.as_view(), name="template-detail"),
    *with_and_without_slash(
        "templates/<str:name>/versions", views.VersionCreateView.as_view(), name="template-versions"
    ),
    *with_and_without_slash(
        "templates/<str:name>/versions/<int:number>", views.VersionDetailView.as_view(), name="template-version"
    ),
    *with_and_without_slash("templates/<str:name>/diff", views.DiffView.as_view(), name="template-diff"),
    *with_and_without_slash(
        "templates/<str:name>/labels/<str:label>", views.LabelView.as_view(), name="template-label"
    ),
]
