"""/api/keys: create, list and revoke API keys. Only a login (a JWT) may: never a key itself."""

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import api_keys
from .key_api_docs import key_create_schema, key_list_schema, key_revoke_schema
from .key_serializers import CreatedKeySerializer, KeyCreateSerializer, KeySerializer


class KeyListView(APIView):
    keys_forbidden = True

    @key_list_schema
    def get(self, request: Request) -> Response:
        return Response(KeySerializer(api_keys.key_list(user_id=request.user.pk), many=True).data)

    @key_create_schema
    def post(self, request: Request) -> Response:
        serializer = KeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = api_keys.key_create(user_id=request.user.pk, **serializer.validated_data)
        created.key.key = created.secret
        return Response(CreatedKeySerializer(created.key).data, status=status.HTTP_201_CREATED)


class KeyDetailView(APIView):
    keys_forbidden = True

    @key_revoke_schema
    def delete(self, request: Request, pk: int) -> Response:
        if not api_keys.key_revoke(user_id=request.user.pk, key_id=pk):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
