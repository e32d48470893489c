"""Loaded by pytest before Django (``-p tests.pytest_env`` in pyproject.toml): tests need
a SECRET_KEY even when the developer's shell has none (production settings refuse to start
without one), and run with production settings otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("DEBUG", "0")  # a development .env (DEBUG=1) must not change the settings under test
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
os.environ.setdefault("STATIC_MANIFEST", "0")  # no collectstatic before tests
os.environ.setdefault("OMS_TOOLING", "1")
# Tasks run in the test's process at commit; the queue's own tests switch to the database backend and a worker.
os.environ.setdefault("TASKS_BACKEND", "immediate")  # the bench app, for its own tests
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
