"""Tooling, not part of the back office: scale seeding, the benchmark and demo data.

Installed only with OMS_TOOLING on (by default with DEBUG, see oms/settings.py); the apps import nothing from
here. It has no models and no migrations: a database migrated without it has nothing of it."""
