"""POST /conversations/import: upload a ChatGPT or Open WebUI export (multipart field "file")."""

from django.conf import settings
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.accounts.scopes import CONVERSATION_SCOPES
from prompt_forge.ai.registry import get_embedder

from ..inputs import InvalidRequestError
from .api_docs import import_schema
from .export_views import FormatParameterMixin
from .importing import PARSERS, ImportFileError, import_records, load_records

FORMAT_ERROR = f"format must be one of: {', '.join(sorted(PARSERS))}"


class ConversationImportView(FormatParameterMixin, APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here
    parser_classes = [MultiPartParser]

    @import_schema
    def post(self, request: Request) -> Response:
        fmt = request.query_params.get("format") or request.data.get("format")
        if fmt not in PARSERS:
            raise InvalidRequestError(FORMAT_ERROR, "format")
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidRequestError('upload the export as the multipart field "file"', "file")
        limit = settings.CONVERSATION_IMPORT_MAX_BYTES
        if upload.size > limit:
            too_large = {"error": f"the file must be at most {limit} bytes"}
            return Response(too_large, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        try:
            records = load_records(upload.read())
        except ImportFileError as exc:
            raise InvalidRequestError(str(exc), "file") from exc
        report = import_records(user_id=request.user.pk, records=records, fmt=fmt, embedder=get_embedder())
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK)
