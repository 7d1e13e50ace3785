"""Helpers for the webhook tests: marketplace accounts, endpoints, a fake receiver at the HTTP
boundary, and removals applied through the real flow."""

from dataclasses import dataclass, field

from django.db import transaction
from django.test import TestCase

from webhooks import client
from webhooks.services import webhook_endpoint_create

from ..conftest import claim_and_remove, file_report
from ..factories import UserFactory

BOTH = ["listing.reinstated", "listing.removed"]


def marketplace_user(username="market"):
    return UserFactory(username=username, role="marketplace")


def endpoint_for(user, url="https://hooks.example.test/ipportal", event_types=None, **kwargs):
    return webhook_endpoint_create(owner=user, url=url, event_types=event_types or BOTH, **kwargs)


@dataclass
class FakeReceiver:
    """Stands in for client.post: records each call and answers from `answers` (then 200)."""

    answers: list = field(default_factory=list)
    calls: list = field(default_factory=list)

    def __call__(self, *, url, headers, body, connect_timeout, read_timeout):
        self.calls.append({"url": url, "headers": headers, "body": body,
                           "timeouts": (connect_timeout, read_timeout)})
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, client.PostResult):
            return answer
        return client.PostResult(answer, "" if 200 <= answer < 300 else f"HTTP {answer}")


def remove_listing(world, listing=None, *, run_on_commit=True):
    """rev1 removes one of sam's listings; with run_on_commit the takedown (and its webhook
    deliveries) run as they would after commit."""
    listing = listing or world.listings_a[0]
    case = file_report(reporter=world.alice, right=world.tm_a, listings=[listing]).cases.get()
    if run_on_commit and not transaction.get_connection().in_atomic_block:
        claim_and_remove(case=case, reviewer=world.rev1)  # transactional test: on_commit runs for real
    else:
        with TestCase.captureOnCommitCallbacks(execute=run_on_commit):
            claim_and_remove(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    return case
