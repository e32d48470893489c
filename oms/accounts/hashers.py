"""Argon2id with OWASP's smallest-memory recommended setting (7 MiB, 5 passes, 1 lane: the same strength as
its 19 MiB, 2-pass one) instead of Django's default of 100 MiB and 8 lanes, which made a web worker's memory
jump by about 100 MB at every login. The parameters are written into each hash: hashes made with Django's
default still verify, and are re-made with these at the user's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
