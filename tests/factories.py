from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User
from complaints.sla import case_due_at
from listings.models import Listing, Seller, SellerMember
from registry.models import Brand, BrandMember, BrandRole, IPRight, RightKind, RightStatus

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = "Test"
    last_name = factory.LazyAttribute(lambda u: u.username.title())
    role = Role.RIGHTS_HOLDER
    password = factory.django.Password(PASSWORD)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    owner_company = factory.LazyAttribute(lambda b: f"{b.name} Ltd")
    country = "DE"


class BrandMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandMember

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)
    role = BrandRole.ADMIN


class TrademarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IPRight

    brand = factory.SubFactory(BrandFactory)
    kind = RightKind.TRADEMARK
    office = "USPTO"
    registration_number = factory.Sequence(lambda n: f"{5000000 + n}")
    name = factory.LazyAttribute(lambda r: r.brand.name.upper())
    status = RightStatus.VERIFIED


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    name = factory.Sequence(lambda n: f"Seller {n}")
    external_id = factory.Sequence(lambda n: f"S-{n:05d}")
    country = "US"


class SellerMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerMember

    seller = factory.SubFactory(SellerFactory)
    user = factory.SubFactory(UserFactory, role=Role.SELLER)


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    external_id = factory.Sequence(lambda n: f"T-{n:06d}")
    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"Replica product {n}")
    description = "A copy."
    brand_name = ""
    ships_from = "CN"
    price = Decimal("9.99")


# Rows below are built straight in the database for tests that need an object in a given state
# (the transition tables); flows go through the services (see conftest.file_report).


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Report"

    right = factory.SubFactory(TrademarkFactory)
    brand = factory.LazyAttribute(lambda r: r.right.brand)
    reporter = factory.SubFactory(UserFactory)
    kind = RightKind.TRADEMARK
    capacity = "owner"
    infringement_type = "counterfeit"
    explanation = "Replica of our goods."
    contact_email = "legal@example.test"
    decl_good_faith = True
    decl_accurate = True
    decl_authority = True
    signature = "Alice Example"
    signed_at = factory.LazyFunction(timezone.now)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Case"

    report = factory.SubFactory(ReportFactory)
    listing = factory.SubFactory(ListingFactory)
    right = factory.LazyAttribute(lambda c: c.report.right)
    priority = 1
    listing_snapshot = factory.LazyAttribute(lambda c: c.listing.snapshot())
    due_at = factory.LazyAttribute(lambda c: case_due_at(priority=c.priority, created_at=timezone.now()))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Decision"

    case = factory.SubFactory(CaseFactory, state="actioned")
    outcome = "remove"
    reason_code = "tm_counterfeit"
    statement = "What was decided: removed."


class EnforcementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.EnforcementAction"

    decision = factory.SubFactory(DecisionFactory)
    case = factory.LazyAttribute(lambda a: a.decision.case)
    listing = factory.LazyAttribute(lambda a: a.decision.case.listing)
    kind = "remove"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appeals.Appeal"

    decision = factory.SubFactory(DecisionFactory)
    case = factory.LazyAttribute(lambda a: a.decision.case)
    filed_by = factory.SubFactory(UserFactory, role=Role.SELLER)
    statement = "Genuine goods."


class PendingTrademarkFactory(TrademarkFactory):
    """A trademark as a brand admin registers it: pending, dated, with a correspondent on record."""

    status = RightStatus.PENDING
    registration_number = factory.Sequence(lambda n: f"{6000000 + n}")
    nice_classes = [9]
    registered_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2020))
    expires_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=timezone.localdate().year + 5))
    correspondent_email = "tm@office-record.example"
class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.WebhookEndpoint"

    owner = factory.SubFactory(UserFactory, username="market", role=Role.MARKETPLACE)
    url = "https://hooks.example.test/ipportal"
    event_types = factory.LazyFunction(lambda: ["listing.reinstated", "listing.removed"])
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.WebhookEvent"

    action = factory.SubFactory(EnforcementActionFactory, status="applied")
    event_id = factory.Sequence(lambda n: f"evt_test{n}")
    type = "listing.removed"
    payload = factory.LazyAttribute(lambda e: {"id": e.event_id, "type": e.type, "data": {}})


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.WebhookDelivery"

    event = factory.SubFactory(WebhookEventFactory)
    endpoint = factory.SubFactory(WebhookEndpointFactory)
    window_started_at = factory.LazyFunction(timezone.now)


class SuspensionFactory(factory.django.DjangoModelFactory):
    """A suspension row as the services leave it once approved (no job: tests give their own)."""

    class Meta:
        model = "suspensions.Suspension"

    seller = factory.SubFactory(SellerFactory)
    status = "approved"
    reason = "Repeated counterfeit listings."


_ISSUED_KEYS: dict[int, tuple[int, str]] = {}


def api_key_for(user) -> str:
    """A live API token's key for `user`, the same on each call while that token lives, as
    DRF's Token.objects.get_or_create gave (accounts.tokens keeps only its hash)."""
    import secrets
    from datetime import timedelta

    from accounts.models import ApiToken
    from accounts.tokens import token_hash

    known = _ISSUED_KEYS.get(user.pk)
    if known and ApiToken.objects.filter(pk=known[0], user=user, revoked_at__isnull=True).exists():
        return known[1]
    # Written directly (not by api_token_create, which refuses roles without API access): tests also
    # check that a token of such a user is refused by the API.
    key = secrets.token_hex(20)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = ApiToken.objects.create(user=user, prefix=key[:6], key_hash=token_hash(key),
                                    expires_at=timezone.now() + timedelta(days=90))
    _ISSUED_KEYS[user.pk] = (token.pk, key)
    return key
