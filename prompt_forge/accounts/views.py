from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.views import TokenBlacklistView, TokenObtainPairView, TokenRefreshView

from prompt_forge.common.throttles import AtomicWindowMixin, SettingsRateMixin

from .api_docs import logout_schema, refresh_schema, signup_schema, token_schema
from .serializers import SignUpSerializer
from .services import user_create


class AuthRateThrottle(AtomicWindowMixin, SettingsRateMixin, AnonRateThrottle):
    """Per client IP, so nobody can hammer sign-up or guess passwords. The IP is the TCP peer, or with
    TRUSTED_PROXY_COUNT proxies in front, the address they saw (X-Forwarded-For entries a client adds
    itself are ignored)."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignUpView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    @signup_schema
    def post(self, request: Request) -> Response:
        serializer = SignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_create(**serializer.validated_data)
        return Response({"message": "User created successfully"}, status=status.HTTP_201_CREATED)


class TokenView(TokenObtainPairView):
    throttle_classes = [AuthRateThrottle]

    @token_schema
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)


INVALID_REFRESH = {"detail": "Token is invalid or expired"}


class TokenRefresh(TokenRefreshView):
    """A new access token and a new refresh token; the refresh token sent is revoked (rotation)."""

    throttle_classes = [AuthRateThrottle]

    @refresh_schema
    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except InvalidToken:
            # One message for malformed, expired and revoked tokens, as the API reference documents.
            return Response(INVALID_REFRESH, status=status.HTTP_401_UNAUTHORIZED)


class LogoutView(TokenBlacklistView):
    """Revoke a refresh token. Possessing it is the proof needed, so an expired access token still logs out."""

    throttle_classes = [AuthRateThrottle]

    @logout_schema
    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            super().post(request, *args, **kwargs)
        except InvalidToken:
            return Response(INVALID_REFRESH, status=status.HTTP_401_UNAUTHORIZED)
        return Response({"message": "Logged out successfully"}, status=status.HTTP_200_OK)
