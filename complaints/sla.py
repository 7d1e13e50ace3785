"""Service-level targets of the review lanes: how long a case may wait for a decision."""

from datetime import datetime, timedelta

from django.conf import settings


def sla_hours(priority: int) -> int:
    return settings.REVIEW_SLA_HOURS[priority]


def case_due_at(*, priority: int, created_at: datetime) -> datetime:
    """When a case of this lane, opened at `created_at`, becomes overdue."""
    return created_at + timedelta(hours=sla_hours(priority))
