"""GET /conversations/{id}/export?format=markdown|json and GET /conversations/export (all, streamed)."""

import json

from django.http import HttpResponse, StreamingHttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from prompt_forge.accounts.scopes import CONVERSATION_SCOPES

from ..inputs import InvalidRequestError
from . import export
from .api_docs import export_all_schema, export_schema
from .views import owned

FORMATS = {"json": ("application/json", "json"), "markdown": ("text/markdown; charset=utf-8", "md")}


class FormatParameterMixin:
    def perform_content_negotiation(self, request, force=False):
        # "format" names an export's format here, not one of DRF's renderers: errors are always JSON.
        return JSONRenderer(), JSONRenderer.media_type


class ConversationExportView(FormatParameterMixin, APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @export_schema
    @owned
    def get(self, request: Request, conversation) -> HttpResponse:
        given = request.query_params.getlist("format") or ["json"]
        if len(given) > 1 or given[0] not in FORMATS:
            raise InvalidRequestError("format must be markdown or json", "format")
        content_type, extension = FORMATS[given[0]]
        if given[0] == "markdown":
            body = export.as_markdown(conversation)
        else:
            body = json.dumps(export.as_json(conversation), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="conversation-{conversation.pk}.{extension}"'
        return response


class ConversationExportAllView(FormatParameterMixin, APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @export_all_schema
    def get(self, request: Request) -> StreamingHttpResponse:
        response = StreamingHttpResponse(export.all_as_json(request.user.pk), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="conversations.json"'
        return response
