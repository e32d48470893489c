import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST",
                                  "DJANGO_ALLOW_ASYNC_UNSAFE", "OMS_TOOLING")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_without_debug_the_app_refuses_to_start_with_no_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_deploy_check_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        SECRET_KEY="a-long-random-production-secret-" + "k" * 40, ALLOWED_HOSTS="orders.example.com")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_leave_the_tooling_out():
    secret = "a-long-random-production-secret-" + "k" * 40
    production = run_manage("help", "seed_scale", SECRET_KEY=secret)
    assert production.returncode != 0 and "Unknown command" in production.stderr
    assert run_manage("help", "seed_scale", SECRET_KEY=secret, OMS_TOOLING="1").returncode == 0
    assert run_manage("help", "seed_demo", DEBUG="1").returncode == 0
