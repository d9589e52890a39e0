from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from prompt_forge.common.throttles import SettingsRateMixin

from .serializers import SignUpSerializer
from .services import user_create


class AuthRateThrottle(SettingsRateMixin, AnonRateThrottle):
    """Per client IP, so nobody can hammer sign-up or guess passwords."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignUpView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    def post(self, request: Request) -> Response:
        serializer = SignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_create(**serializer.validated_data)
        return Response({"message": "User created successfully"}, status=status.HTTP_201_CREATED)


class TokenView(TokenObtainPairView):
    throttle_classes = [AuthRateThrottle]


class TokenRefresh(TokenRefreshView):
    throttle_classes = [AuthRateThrottle]

    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except InvalidToken:
            # One message for malformed, expired and revoked tokens, as the API reference documents.
            return Response({"detail": "Token is invalid or expired"}, status=status.HTTP_401_UNAUTHORIZED)
