"""DRF authentication by `Authorization: Token <key>`, against the hashed tokens of accounts.tokens."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .tokens import api_token_authenticate


class HashedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)
