from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A staff member's personal API token: only the SHA-256 of its key is kept (the key is shown once, when
    made); it acts with its owner's permissions until revoked or past ``expires``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)  # the key's start, to tell tokens apart on the page
    key_hash = models.CharField(max_length=64, unique=True)
    expires = models.DateField(null=True, blank=True, help_text="The last day the token works; empty: no end.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
