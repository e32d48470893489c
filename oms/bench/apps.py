from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Scale seeding, the benchmark and demo data (management commands); not installed in production."""

    name = "oms.bench"
    label = "bench"
