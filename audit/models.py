"""Append-only, hash-chained audit log.

Every state change, decision and enforcement appends one entry in the same transaction as the
change. Each entry's hash covers its content and the previous entry's hash, so editing or
deleting a past entry breaks the chain (`manage.py audit_verify` finds where). The chain's order
is `seq`, given when an entry is linked: entries are written unlinked (no lock, so concurrent
writers never queue on the chain) and linked in commit order by audit.services.audit_chain_pending
(the beat every AUDIT_LINK_SECONDS with workers; after each commit when tasks run in-process).
"""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A readable copy of who acted, so history survives a renamed or deleted account.
    actor_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField()
    target_repr = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    # Null until linked into the chain (audit.services.audit_chain_pending): its place, the hash of
    # the entry before it and its own.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    # Not unique, not indexed: the chain is walked by seq, and nothing looks an entry up by hash.
    hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (null: not linked yet)
    # How `hash` is computed (audit.services.entry_digest): 1, entries linked before every field
    # was hashed (not the actor, not seq); 2, every field. Null until linked; 0, refused by the
    # linker (no valid `mac`: not written by the portal).
    hash_version = models.PositiveSmallIntegerField(null=True, blank=True)
    # HMAC-SHA256 of every field, with a key the database does not hold (audit.signing), computed
    # when the entry is written. Empty on entries written before it existed (hash_version 1).
    mac = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="audit_target_idx"),
                   models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unlinked_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_repr} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries are append-only.")


class AuditChainHead(models.Model):
    """One row holding the newest hash; locking it serializes appends so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)
    # audit.signing.head_signature(count, last_hash): a truncated or rewritten tail cannot match.
    signature = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"{self.count} entries, head {self.last_hash[:12]}"
