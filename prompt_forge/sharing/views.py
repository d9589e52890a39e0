"""Share links: the owner's endpoints (JWT, own conversations only) and the public page /shared/<token>.

The public page needs no login and gets none: it runs no script, loads nothing but its stylesheet,
and its Content-Security-Policy forbids any request to another endpoint (connect-src falls back to
default-src 'none'). It tells search engines not to index it (meta robots and X-Robots-Tag).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.accounts.scopes import CONVERSATION_SCOPES
from prompt_forge.prompts.serializers import validate_query

from . import selectors, services
from .api_docs import share_create_schema, share_delete_schema, share_list_schema, share_revoke_schema
from .inputs import parse_share
from .serializers import NewShareSerializer, PageQuerySerializer, ShareLinkSerializer
from .tokens import TOKEN

NOT_FOUND = {"detail": "Not found."}
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",  # no script, no fetch / XHR / WebSocket, no frames, no fonts
        "style-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


class ShareView(APIView):
    """POST: a new link to the conversation. DELETE: revoke all its links."""

    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @share_create_schema
    def post(self, request: Request, pk: int) -> Response:
        days = parse_share(request.data)
        share = services.share_create(user_id=request.user.pk, conversation_id=pk, expires_in_days=days)
        share.link.url = request.build_absolute_uri(f"/shared/{share.token}")
        return Response(NewShareSerializer(share.link).data, status=status.HTTP_201_CREATED)

    @share_revoke_schema
    def delete(self, request: Request, pk: int) -> Response:
        services.share_revoke_conversation(user_id=request.user.pk, conversation_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharePagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100


class ShareListView(APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @share_list_schema
    def get(self, request: Request) -> Response:
        validate_query(request.query_params, PageQuerySerializer)
        paginator = SharePagination()
        page = paginator.paginate_queryset(selectors.share_list(user_id=request.user.pk), request, view=self)
        return paginator.get_paginated_response(ShareLinkSerializer(page, many=True).data)


class ShareDetailView(APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @share_delete_schema
    def delete(self, request: Request, pk: int) -> Response:
        if not services.share_revoke(user_id=request.user.pk, share_id=pk):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _public(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer header
    response["Cache-Control"] = "no-store"  # a revoked link is gone at once, from every cache
    response.html_page = True  # prompt_forge.common.not_found keeps this page's own 404
    return response


@require_safe
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """A conversation's active path, read-only: HTML for a browser, JSON for Accept: application/json."""
    wants_json = request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    thread = selectors.shared_thread(token=token) if TOKEN.match(token) else None
    if thread is None:
        if wants_json:
            return _public(JsonResponse(NOT_FOUND, status=404))
        return _public(render(request, "sharing/missing.html", status=404))
    if wants_json:
        return _public(JsonResponse(thread.as_json()))
    return _public(render(request, "sharing/shared.html", {"thread": thread}))
