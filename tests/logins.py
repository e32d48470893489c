"""Logging in through the login form, as the lockout and Redis tests do."""

from django.urls import reverse

PASSWORD = "correct horse battery staple"


def log_in(client, username, password=PASSWORD, address="10.0.0.1", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session
