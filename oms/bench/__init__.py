"""Tooling, not part of the back office: scale seeding, the benchmark and demo data.

Installed only with DEBUG or OMS_TOOLING=1 (see oms/settings.py); the apps import nothing from here."""
