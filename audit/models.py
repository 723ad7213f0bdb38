from django.conf import settings
from django.db import models
from django.utils import timezone


class DomainEvent(models.Model):
    """Something that happened in the domain that a field diff cannot tell (a share was approved,
    a delivery attempt failed), written explicitly by the service that did it.

    Field-level change history is django-auditlog's LogEntry; reads land there as accesses.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    event_type = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "event_type", "-occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.object_type}:{self.object_id}"
