"""GET /api/usage: the caller's own usage. Thin: the figures come from report.py."""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.prompts.inputs import InvalidRequestError

from .api_docs import usage_schema
from .report import usage_report


class UsageView(APIView):
    @usage_schema
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("days", "30")
        limit = settings.USAGE_MAX_DAYS
        if not raw.isdigit() or not 1 <= int(raw) <= limit:
            raise InvalidRequestError(f"days must be a whole number from 1 to {limit}", "days")
        return Response(usage_report(user_id=request.user.pk, days=int(raw)))
