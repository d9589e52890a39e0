"""OpenAPI schema (drf-spectacular) at /api/schema/ and interactive docs at /api/docs/.

The Swagger UI assets come from the drf-spectacular-sidecar package, served by this app: the docs
page works offline, with no CDN.
"""

SPECTACULAR_SETTINGS = {
    "TITLE": "Prompt Forge API",
    "DESCRIPTION": (
        "A self-hosted prompt workspace: answers, embeddings, semantic search and live updates. "
        "Every path also works without its trailing slash. Authenticate with `Authorization: Bearer <access>` "
        "(POST /api/token/). Errors are JSON; see each operation's responses."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    # One name for each choice set that several fields share (else drf-spectacular warns, and
    # `check --deploy --fail-level WARNING` fails).
    "ENUM_NAME_OVERRIDES": {"TextPartEnum": ["prompt", "answer"]},
    "PREPROCESSING_HOOKS": ["prompt_forge.common.openapi.slash_paths_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "prompt_forge.edge.health.document_probes",
        "prompt_forge.openai_api.api_docs.add_openai_paths",
    ],
}
