"""Passwords hashed with Argon2 and at least 12 characters long; the proxy header only when a proxy sets it;
no demo logins in a deployment."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oms.accounts.hashers import Argon2Hasher
from tests.factories import UserFactory
from tests.helpers import production_settings


def test_production_settings_hash_passwords_with_argon2id_at_owasps_small_memory_setting():
    hashers = production_settings("PASSWORD_HASHERS")["PASSWORD_HASHERS"]
    assert hashers[0] == "oms.accounts.hashers.Argon2Hasher"
    hasher = Argon2Hasher()  # argon2-cffi is installed: it hashes and checks
    encoded = hasher.encode("a long enough passphrase", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert hasher.verify("a long enough passphrase", encoded)


def test_a_hash_made_with_djangos_default_argon2_still_verifies_and_is_redone_with_ours():
    old = Argon2PasswordHasher().encode("a long enough passphrase", Argon2PasswordHasher().salt())
    assert "m=102400" in old
    hasher = Argon2Hasher()
    assert hasher.verify("a long enough passphrase", old) and hasher.must_update(old)


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xq7#vL2!pw9")  # 11
    validate_password("Xq7#vL2!pw9k")


def test_the_proxy_header_is_trusted_only_when_the_environment_says_a_proxy_sets_it():
    assert production_settings("SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": None}
    assert production_settings("SECURE_PROXY_SSL_HEADER", SECURE_PROXY_SSL_HEADER="1") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


@pytest.mark.django_db
def test_without_the_proxy_setting_a_forwarded_proto_header_is_not_believed(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 301  # still redirected
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def demo_errors():
    return [message for message in run_checks(include_deployment_checks=True) if message.id == "accounts.E001"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["demo", "demo-entry", "demo-manager", "Demo-Admin"])
def test_deploy_check_fails_while_a_demo_login_exists(username):
    UserFactory(username=username)
    errors = demo_errors()
    assert len(errors) == 1 and username in errors[0].msg
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check", deploy=True, verbosity=0)


@pytest.mark.django_db
def test_deploy_check_passes_without_demo_logins(settings):
    UserFactory(username="demonstrator")
    assert demo_errors() == []


@pytest.mark.django_db
def test_demo_logins_are_fine_in_development(settings):
    settings.DEBUG = True
    UserFactory(username="demo")
    assert demo_errors() == []


@pytest.mark.django_db
def test_deploy_check_passes_once_the_demo_logins_are_deactivated_as_its_hint_says():
    users = [UserFactory(username=username) for username in ("demo-entry", "demo-manager", "demo-admin")]
    [error] = demo_errors()
    assert "deactivate" in error.hint

    get_user_model().objects.filter(pk__in=[user.pk for user in users[:2]]).update(is_active=False)
    [error] = demo_errors()
    assert "demo-admin" in error.msg and "demo-entry" not in error.msg
    get_user_model().objects.filter(pk=users[2].pk).update(is_active=False)

    assert demo_errors() == []
