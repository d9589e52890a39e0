"""POST /prompts/{id}/compare/: thin; parsing in inputs, the work in services."""

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..serializers import PromptSerializer
from ..throttles import PROMPT_THROTTLES
from . import services
from .api_docs import compare_schema
from .inputs import parse_compare


class CompareView(APIView):
    throttle_classes = PROMPT_THROTTLES

    @compare_schema
    def post(self, request: Request, pk: int) -> Response:
        body = parse_compare(request.data)
        comparison = services.compare(user_id=request.user.pk, prompt_id=pk, request=body)
        if comparison is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        data = {
            "comparison": comparison.id,
            "prompt": comparison.source.pk,
            "answers": PromptSerializer(comparison.answers, many=True).data,
        }
        return Response(data, status=status.HTTP_201_CREATED)
