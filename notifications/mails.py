"""Who hears of a step, and with what context: each app writes its steps in its own `mails.py`
with the `step` decorator (found at start-up by NotificationsConfig.ready). The template is
templates/emails/<step>_<audience>.txt, its first line "Subject: ..."; one message per
recipient, so no one sees another's address."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import Role
from registry.models import BrandRole

SELLER, REPORTER, SENIOR = "seller", "reporter", "senior"


@dataclass
class Mail:
    audience: str
    recipients: list[str]
    context: dict


_STEPS: dict[str, Callable[[int], list[Mail]]] = {}


def step(*kinds: str):
    """Register the decorated function as the composer of each step kind: object id → mails."""
    def register(fn: Callable[[int], list[Mail]]):
        for kind in kinds:
            if kind in _STEPS and _STEPS[kind] is not fn:
                raise RuntimeError(f"Two composers for the e-mail step {kind!r}")
            _STEPS[kind] = fn
        return fn
    return register


def composer(kind: str) -> Callable[[int], list[Mail]]:
    return _STEPS[kind]


def steps() -> frozenset[str]:
    return frozenset(_STEPS)


def emails(users) -> list[str]:
    return [u.email for u in users if u.email]


def senior_reviewer_emails(*, exclude=None) -> list[str]:
    """Every active senior reviewer but `exclude` (who acted and knows)."""
    seniors = get_user_model().objects.filter(role=Role.SENIOR_REVIEWER, is_active=True).order_by("id")
    if exclude is not None:
        seniors = seniors.exclude(pk=exclude.pk)
    return emails(seniors)


def seller_emails(seller) -> list[str]:
    return emails(m.user for m in seller.members.select_related("user").order_by("id"))


def brand_admin_emails(brand) -> list[str]:
    return emails([m.user for m in brand.members.filter(role=BrandRole.ADMIN).select_related("user").order_by("id")])


def reporter_emails(report) -> list[str]:
    """The reporter, the report's contact address and the brand's admins, once each."""
    return [e for e in dict.fromkeys([*emails([report.reporter]), report.contact_email,
                                      *brand_admin_emails(report.brand)]) if e]


def case_mails(case, audiences=(REPORTER, SELLER), **context) -> list[Mail]:
    """A case's step told to its reporter side and its seller."""
    context = {"case": case, "report": case.report, "listing": case.listing, "base_url": settings.SITE_URL,
               **context}
    mails = []
    if REPORTER in audiences:
        # An automatic detection has no report: the brand's admins hear of it instead of a reporter.
        reporters = reporter_emails(case.report) if case.report_id else brand_admin_emails(case.right.brand)
        mails.append(Mail(REPORTER, reporters, context))
    if SELLER in audiences:
        mails.append(Mail(SELLER, seller_emails(case.listing.seller), context))
    return mails
