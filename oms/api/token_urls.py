from django.urls import path

from . import tokens

app_name = "api_tokens"

urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("<id:pk>/revoke/", tokens.token_revoke, name="revoke"),
]
