"""The audit trail's own tables.

django-auditlog's ``LogEntry`` holds field changes and accesses; ``DomainEvent`` what a diff
cannot tell. Every row of both is linked into its organization's hash chain (``ChainLink``),
written in the same transaction. All of these tables are append-only: the database refuses
``UPDATE``, ``DELETE`` and ``TRUNCATE`` on them (migration ``0002``), and the ORM refuses the same
before the database has to (``AppendOnlyModel``). The one exception is ``ChainHead``, the
per-chain cursor that serialises appends; tampering with it is itself caught by verification.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit row through the ORM."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: update refused.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: delete refused.")

    # Retention (audit.retention) deletes with raw SQL under the database's privileged flag.


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only: a stored row is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only: delete refused.")


class DomainEvent(AppendOnlyModel):
    """Something that happened in the domain that a field diff cannot tell (a share was approved,
    a delivery attempt failed), written explicitly by the service that did it.

    Field-level change history is django-auditlog's LogEntry; reads land there as accesses.
    The actor is protected (users are deactivated, never deleted) and their username kept.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    event_type = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    cid = models.CharField(max_length=64, blank=True, help_text="The request's correlation id.")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "event_type", "-occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.object_type}:{self.object_id}"


class ChainHead(models.Model):
    """The last sequence number and hash of one chain: the row appends lock, one at a time."""

    chain = models.CharField(max_length=32, unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


class ChainLink(AppendOnlyModel):
    """One audit entry's place in its organization's hash chain, and its index row.

    ``hash = sha256(prev_hash | chain | seq | kind | canonical JSON of the entry's stored row)``.
    The organization, actor, object, case, action and time are copied here so that the auditor's
    three questions (by object, by actor, by time, within an organization) are answered from this
    table's indexes without reaching into auditlog's JSON.
    """

    LOG = "log"
    EVENT = "event"
    KINDS = [(LOG, "change or access (auditlog)"), (EVENT, "domain event")]

    chain = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=8, choices=KINDS)
    entry_id = models.BigIntegerField()
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    case_id = models.UUIDField(null=True, blank=True)
    channel = models.CharField(max_length=8, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="chainlink_unique_seq"),
            models.UniqueConstraint(fields=["kind", "entry_id"], name="chainlink_unique_entry"),
        ]
        indexes = [
            models.Index(fields=["organization", "-occurred_at", "-id"], name="chainlink_org_time"),
            # By object id alone: ids are unique across types, and the API filters by id without a type.
            models.Index(fields=["organization", "object_id", "-occurred_at"], name="chainlink_org_objectid"),
            models.Index(fields=["organization", "case_id", "-occurred_at"], name="chainlink_org_case"),
            # A case's changes without its reads (the dashboard's recent activity): reads are
            # nine entries in ten, so the partial index skips them instead of filtering them out.
            models.Index(
                fields=["organization", "case_id", "-occurred_at"],
                condition=~models.Q(action="access"),
                name="chainlink_org_case_changes",
            ),
            models.Index(fields=["organization", "actor", "-occurred_at"], name="chainlink_org_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.kind}:{self.entry_id}"


class Checkpoint(AppendOnlyModel):
    """A chain's head at one moment, signed with HMAC-SHA256 of ``CASEBRIDGE_SIGNING_KEY``: whoever
    cuts the tail of a chain cannot forge the checkpoint that names the link they removed."""

    chain = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    signature = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["chain", "-seq"])]

    def __str__(self) -> str:
        return f"checkpoint {self.chain}@{self.seq}"


class ChainAnchor(AppendOnlyModel):
    """Retention's signed summary: links up to ``seq`` of ``chain`` were removed (entries older than
    ``cutoff``); verification starts after ``seq`` from ``hash``, the last removed link's hash."""

    chain = models.CharField(max_length=32)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    cutoff = models.DateTimeField()
    removed = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    signature = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["chain", "-seq"])]

    def __str__(self) -> str:
        return f"anchor {self.chain}@{self.seq}"


class Flag(AppendOnlyModel):
    """Unusual access for an auditor to review, computed by a beat task (``audit.flags``).

    ``key`` makes a flag idempotent: the same finding computed twice is one row. A review is a
    separate append-only row (``FlagReview``), so a flag itself is never changed.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    details = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="flag_unique_key")]
        indexes = [models.Index(fields=["organization", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} flag {self.pk}"


class FlagReview(AppendOnlyModel):
    flag = models.OneToOneField(Flag, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField()

    def __str__(self) -> str:
        return f"review of flag {self.flag_id}"


class FlagEntry(AppendOnlyModel):
    """The trail entries a flag is about (what ``?flagged=true`` selects)."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="entries")
    link = models.ForeignKey(ChainLink, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["flag", "link"], name="flagentry_unique")]

    def __str__(self) -> str:
        return f"flag {self.flag_id} link {self.link_id}"
