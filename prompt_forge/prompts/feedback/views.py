"""HTTP endpoints for feedback and template stats (own data only). Thin: parsing in inputs, logic in
services and selectors; errors are answered by prompt_forge/edge/errors.py."""

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.prompt_templates import selectors as templates

from . import selectors, services
from .api_docs import feedback_delete_schema, feedback_set_schema, stats_schema
from .inputs import parse_feedback
from .serializers import FeedbackSerializer

NOT_FOUND = {"detail": "Not found."}


class FeedbackView(APIView):
    @feedback_set_schema
    def put(self, request: Request, pk: int) -> Response:
        rating, comment = parse_feedback(request.data)
        feedback = services.feedback_set(user_id=request.user.pk, prompt_id=pk, rating=rating, comment=comment)
        if feedback is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(FeedbackSerializer(feedback).data)

    @feedback_delete_schema
    def delete(self, request: Request, pk: int) -> Response:
        if not services.feedback_clear(user_id=request.user.pk, prompt_id=pk):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateStatsView(APIView):
    @stats_schema
    def get(self, request: Request, name: str) -> Response:
        template = templates.template_get_or_404(user_id=request.user.pk, name=name)
        rows = selectors.template_stats(user_id=request.user.pk, name=template.name)
        return Response({"template": template.name, "stats": rows})
