from django.db import models


class Dataset(models.Model):
    """The scale data seed_scale wrote into this database; its presence marks the data as seed data."""

    description = models.CharField(max_length=200)  # seed_scale's sizes and seed, see datasets.describe()
    seeded_at = models.DateTimeField()
    load_seconds = models.FloatField(null=True, help_text="Empty for data seeded before this was recorded.")

    def __str__(self) -> str:
        return self.description
