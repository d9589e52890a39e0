"""HTTP endpoints for conversations (JWT, own data only). Thin: parsing in serializers, logic in services;
domain errors raised here are answered by prompt_forge/edge/errors.py."""

from functools import wraps

from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.accounts.scopes import CONVERSATION_SCOPES, key_id_of

from ..inputs import parse_model, parse_prompt_request, parse_sampling
from ..serializers import PromptSerializer, validate_query
from ..throttles import PROMPT_THROTTLES
from . import selectors, services
from .api_docs import (
    create_schema,
    delete_schema,
    list_schema,
    regenerate_schema,
    retrieve_schema,
    turn_schema,
    update_schema,
)
from .errors import InvalidConversationRequestError
from .placement import ACTIVE_LEAF
from .serializers import (
    ConversationSerializer,
    ListQuerySerializer,
    ScoredConversationSerializer,
    ThreadQuerySerializer,
    parse_create,
    parse_update,
    thread_data,
)

NOT_FOUND = {"detail": "Not found."}
ARCHIVED = {"true": True, "false": False, "all": None}


def owned(handler):
    """Resolve the URL's conversation id to the caller's own conversation, or answer 404."""

    @wraps(handler)
    def wrapped(self, request: Request, pk: int, *args, **kwargs):
        conversation = selectors.conversation_get(user_id=request.user.pk, conversation_id=pk)
        if conversation is None:
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return handler(self, request, conversation, *args, **kwargs)

    return wrapped


class ConversationPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


class ConversationListView(APIView):
    """GET: the caller's conversations (pinned first, then most recently updated), or ranked by `q`.
    POST: a new, empty conversation."""

    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @list_schema
    def get(self, request: Request) -> Response:
        params = validate_query(request.query_params, ListQuerySerializer)
        archived = ARCHIVED[params["archived"]]
        if params.get("q"):
            paginator = ConversationPagination()
            limit = min(params.get("limit") or paginator.default_limit, paginator.max_limit)
            found = selectors.conversation_search(
                user_id=request.user.pk,
                query=params["q"],
                archived=archived,
                limit=limit,
                template=params.get("template"),
                tag=params.get("tag"),
            )
            return Response({"count": len(found), "results": ScoredConversationSerializer(found, many=True).data})
        paginator = ConversationPagination()
        page = paginator.paginate_queryset(
            selectors.conversation_list(
                user_id=request.user.pk, archived=archived, template=params.get("template"), tag=params.get("tag")
            ),
            request,
            view=self,
        )
        return paginator.get_paginated_response(ConversationSerializer(page, many=True).data)

    @create_schema
    def post(self, request: Request) -> Response:
        fields = parse_create(request.data)
        conversation = services.conversation_create(user_id=request.user.pk, **fields)
        return Response(thread_data(selectors.conversation_thread(conversation)), status=status.HTTP_201_CREATED)


class ConversationDetailView(APIView):
    """GET the conversation with its active path; PATCH its title, system, pinned, archived, active_turn;
    DELETE it with all its turns."""

    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @retrieve_schema
    @owned
    def get(self, request: Request, conversation) -> Response:
        turn = validate_query(request.query_params, ThreadQuerySerializer).get("turn")
        thread = selectors.conversation_thread(conversation)
        if turn is not None and turn not in {shown.pk for shown in thread.turns}:
            # A turn off the active path (a search hit on another branch): the path down to it.
            if selectors.turn_get(conversation=conversation, turn_id=turn) is None:
                raise InvalidConversationRequestError("turn must be a turn of this conversation")
            thread = selectors.conversation_thread(conversation, leaf_id=turn)
        return Response(thread_data(thread))

    @update_schema
    @owned
    def patch(self, request: Request, conversation) -> Response:
        services.conversation_update(conversation, changes=parse_update(request.data))
        return Response(thread_data(selectors.conversation_thread(conversation)))

    @delete_schema
    def delete(self, request: Request, pk: int) -> Response:
        if not services.conversation_delete(user_id=request.user.pk, conversation_id=pk):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TurnCreateView(APIView):
    """POST a new turn: answered with the conversation's earlier turns as context."""

    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    throttle_classes = PROMPT_THROTTLES

    @turn_schema
    @owned
    def post(self, request: Request, conversation) -> Response:
        body = parse_prompt_request(request.data, user_id=request.user.pk)
        parent = request.data.get("parent", ACTIVE_LEAF) if isinstance(request.data, dict) else ACTIVE_LEAF
        turn = services.turn_create(
            user_id=request.user.pk,
            text=body.text,
            conversation_id=conversation.pk,
            parent_id=parent,
            use_cache=body.use_cache,
            send_via_websocket=body.send_via_websocket,
            params=body.params,
            template=body.template,
            model=body.model,
            key_id=key_id_of(request.auth),
        )
        return Response(PromptSerializer(turn).data, status=status.HTTP_201_CREATED)


class TurnRegenerateView(APIView):
    """POST: a new answer to a turn's prompt, added as its sibling (and made active)."""

    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    throttle_classes = PROMPT_THROTTLES

    @regenerate_schema
    @owned
    def post(self, request: Request, conversation, turn: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        created = services.turn_regenerate(
            user_id=request.user.pk,
            conversation=conversation,
            turn_id=turn,
            params=parse_sampling(data),
            model=parse_model(data.get("model")),
            key_id=key_id_of(request.auth),
        )
        return Response(PromptSerializer(created).data, status=status.HTTP_201_CREATED)
