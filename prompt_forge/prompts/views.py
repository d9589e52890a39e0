"""HTTP endpoints for prompts. Thin: validation in inputs and serializers, logic in services and selectors;
errors raised here are answered by prompt_forge/edge/errors.py."""

from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.accounts.scopes import key_id_of

from . import selectors, services, socket_stream
from .api_docs import create_schema, delete_schema, list_schema, retrieve_schema, retry_schema, similar_schema
from .conversations import rest_turns as conversation_turns
from .inputs import InvalidRequestError, parse_prompt_request, parse_stream_flag
from .serializers import (
    PageQuerySerializer,
    PromptSerializer,
    ScoredPromptSerializer,
    SimilarQuerySerializer,
    validate_query,
)
from .throttles import PROMPT_THROTTLES


class PromptPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


class PromptListCreateView(APIView):
    """GET: the user's own prompts, newest first. POST: answer, embed and store a new prompt."""

    def get_throttles(self):
        # Generation is the expensive part; reading one's own history is not rate limited as tightly.
        return [throttle() for throttle in PROMPT_THROTTLES] if self.request.method == "POST" else []

    @list_schema
    def get(self, request: Request) -> Response:
        params = validate_query(request.query_params, PageQuerySerializer)
        prompts = selectors.with_template(
            selectors.prompt_list(user_id=request.user.pk), template=params.get("template")
        )
        paginator = PromptPagination()
        page = paginator.paginate_queryset(prompts, request, view=self)
        return paginator.get_paginated_response(PromptSerializer(page, many=True).data)

    @create_schema
    def post(self, request: Request) -> Response:
        body = parse_prompt_request(request.data, user_id=request.user.pk)
        stream = parse_stream_flag(request.data, body.send_via_websocket)
        if conversation_turns.names_conversation(request.data):
            # "conversation" (and/or "parent"): a turn of an existing conversation, with its context.
            return conversation_turns.create_from_prompts_request(request, body=body, stream=stream)
        if stream:
            prompt = socket_stream.prompt_stream_to_user(
                user_id=request.user.pk,
                text=body.text,
                params=body.params,
                template=body.template,
                model=body.model,
                key_id=key_id_of(request.auth),
            )
        else:
            prompt = services.prompt_create(
                user_id=request.user.pk,
                text=body.text,
                send_via_websocket=body.send_via_websocket,
                use_cache=body.use_cache,
                params=body.params,
                template=body.template,
                model=body.model,
                key_id=key_id_of(request.auth),
            )
        return Response(PromptSerializer(prompt).data, status=status.HTTP_201_CREATED)


class PromptDetailView(APIView):
    """GET or DELETE one of the user's own prompts; anyone else's id answers 404."""

    @retrieve_schema
    def get(self, request: Request, pk: int) -> Response:
        prompt = selectors.prompt_get(user_id=request.user.pk, prompt_id=pk)
        if prompt is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(PromptSerializer(prompt).data)

    @delete_schema
    def delete(self, request: Request, pk: int) -> Response:
        if not services.prompt_delete(user_id=request.user.pk, prompt_id=pk):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PromptRetryView(APIView):
    """POST: answer again one of the user's prompts whose generation failed or timed out."""

    throttle_classes = PROMPT_THROTTLES

    @retry_schema
    def post(self, request: Request, pk: int) -> Response:
        prompt = services.prompt_retry(user_id=request.user.pk, prompt_id=pk, key_id=key_id_of(request.auth))
        if prompt is None:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(PromptSerializer(prompt).data)


class SimilarPromptsView(APIView):
    """The user's own prompts closest in meaning to `q`, most similar first, with cosine `score`."""

    throttle_classes = PROMPT_THROTTLES

    @similar_schema
    def get(self, request: Request) -> Response:
        params = validate_query(request.query_params, SimilarQuerySerializer)
        if not params.get("q"):
            raise InvalidRequestError('query parameter "q" is required')
        results = selectors.prompt_similar(
            user_id=request.user.pk, query=params["q"], k=params["k"], min_score=params["min_score"]
        )
        for item in results:
            item.prompt.score = item.score
        # One serializer for the list: DRF builds a serializer's fields once per instance, not per row.
        return Response(ScoredPromptSerializer([item.prompt for item in results], many=True).data)
