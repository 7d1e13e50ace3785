from django.db import models


class Notification(models.Model):
    """The e-mails of one step, as a row written in the step's transaction (an outbox): the task
    sends them and sets `sent_at`; a re-delivered message finds it set and sends nothing; the
    beat sweep re-queues rows left unsent (a lost message), so a statement of reasons is never
    silently dropped."""

    # Its history in the audit log is filed under the label it had when written (hashed into
    # each entry), from before the model left `enforcement`.
    audit_label = "enforcement.notification"

    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "enforcement_notification"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_notification_per_step")]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notification_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({'sent' if self.sent_at else 'pending'})"
