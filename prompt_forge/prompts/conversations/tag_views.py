"""/tags/: a user's own tags with counts; rename or delete one on every conversation. Thin: rules in tags.py."""

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prompt_forge.accounts.scopes import CONVERSATION_SCOPES

from . import selectors, tags
from .api_docs import tag_delete_schema, tag_list_schema, tag_rename_schema
from .errors import InvalidConversationRequestError

NOT_FOUND = {"detail": "Not found."}


class TagListView(APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @tag_list_schema
    def get(self, request: Request) -> Response:
        return Response(selectors.tag_counts(user_id=request.user.pk))


class TagDetailView(APIView):
    required_scopes = CONVERSATION_SCOPES  # what an API key needs here

    @tag_rename_schema
    def patch(self, request: Request, name: str) -> Response:
        data = request.data
        if not isinstance(data, dict) or set(data) != {"name"}:
            raise InvalidConversationRequestError('request body must be {"name": "<new name>"}')
        new_name = tags.clean_name(data["name"])
        if not tags.tag_rename(user_id=request.user.pk, name=name, new_name=new_name):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        counts = {row["name"]: row for row in selectors.tag_counts(user_id=request.user.pk)}
        return Response(counts[new_name])

    @tag_delete_schema
    def delete(self, request: Request, name: str) -> Response:
        if not tags.tag_delete(user_id=request.user.pk, name=name):
            return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
