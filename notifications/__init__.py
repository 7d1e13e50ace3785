"""The e-mail outbox: one row per step, sent once after commit, re-queued if lost."""
