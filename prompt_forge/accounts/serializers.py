from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import models
from rest_framework import serializers
from rest_framework_simplejwt.serializers import (
    PasswordField,
    TokenBlacklistSerializer,
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
)

from prompt_forge.common.fields import StrictCharField, StrictEmailField, StringOnlyMixin

from .services import refresh_token_spend, refresh_token_user

User = get_user_model()


class SignUpSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,  # username: a JSON string, never a number turned into one
    }
    email = StrictEmailField(required=False, allow_blank=True, default="")
    password = StrictCharField(write_only=True, trim_whitespace=False, max_length=128)

    class Meta:
        model = User
        fields = ["username", "email", "password"]

    def validate(self, attrs: dict) -> dict:
        # Django's password validators, including similarity to the username and email.
        candidate = User(username=attrs.get("username", ""), email=attrs.get("email", ""))
        try:
            validate_password(attrs["password"], user=candidate)
        except Exception as exc:  # django.core.exceptions.ValidationError
            raise serializers.ValidationError({"password": list(getattr(exc, "messages", [str(exc)]))}) from exc
        return attrs


# The token endpoints take strings only, like sign-up (set in SIMPLE_JWT in config/settings/jwt.py).
class StrictPasswordField(StringOnlyMixin, PasswordField):
    pass


class StrictTokenObtainPairSerializer(TokenObtainPairSerializer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = StrictCharField(write_only=True)
        self.fields["password"] = StrictPasswordField()


class StrictTokenRefreshSerializer(TokenRefreshSerializer):
    """Rotation that cannot be raced: the old token is spent by a unique insert before new ones are made."""

    refresh = StrictCharField()

    def validate(self, attrs: dict) -> dict:
        refresh = self.token_class(attrs["refresh"])
        user = refresh_token_user(refresh)
        refresh_token_spend(refresh, user=user)
        data = {"access": str(refresh.access_token)}
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        data["refresh"] = str(refresh)
        return data


class StrictTokenBlacklistSerializer(TokenBlacklistSerializer):
    refresh = StrictCharField(write_only=True)
