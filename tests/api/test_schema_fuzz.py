"""The API fuzzed against its own OpenAPI schema (schemathesis): every operation, with a rights
holder's token and with the marketplace's, must answer without a 5xx and as its schema says
(status codes, response bodies, content types). Bounded: a few examples per operation, so the
run stays under a few minutes in CI."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from accounts.models import Role

from ..factories import (
    BrandMemberFactory,
    ListingFactory,
    SellerMemberFactory,
    TrademarkFactory,
    UserFactory,
    api_key_for,
)

# Rate limits stay out of the way: the fuzzer would otherwise meet its own 429s.
# No 5xx, and every answer as the schema says. Not "valid data is accepted": a schema cannot say that
# a listing id must exist or a file must be a real PDF, so a 400 for those is correct.
CHECKED = [not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
           checks.response_headers_conformance, checks.response_schema_conformance]
LOG_KEY = "oUPv8HBNe6iG2lbPUDfMjW1LuYy0Ld0eaH2HCnIGi/I="  # a test key: base64 of 32 bytes
EXAMPLES = 15  # per operation, each called with both tokens: ~35 operations, well under a minute
FUZZ_RATES = {"api": "100000/minute", "api_anon": "100000/minute", "report_filing": "100000/hour",
              "uploads": "100000/hour"}


@pytest.fixture
def wsgi_api(db, settings):
    """The portal's WSGI application, called in-process within the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from ipportal.wsgi import application

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **FUZZ_RATES}
    settings.CERTIFICATES_LOG_KEY = LOG_KEY  # required in production (certificates.apps warns at start)
    # As Django's test client does: the test's transaction holds the connection across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    alice = UserFactory(username="fuzz-holder", role=Role.RIGHTS_HOLDER)
    brand = BrandMemberFactory(user=alice, brand__name="Fuzzco").brand
    TrademarkFactory(brand=brand, name="FUZZCO")
    market = UserFactory(username="fuzz-market", role=Role.MARKETPLACE)
    seller = SellerMemberFactory(user=UserFactory(username="fuzz-seller", role=Role.SELLER)).seller
    ListingFactory(seller=seller, external_id="L-1", title="FUZZCO speaker")
    return {"rights_holder": api_key_for(alice), "marketplace": api_key_for(market)}


def test_the_api_answers_as_its_schema_says(wsgi_api, tokens):
    """schemathesis' own pytest integration does not run under pytest 9: operations are walked here,
    each with Hypothesis directly. Failures are collected over all operations, then reported."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_api)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def fuzz(case):
            for who in ("rights_holder", "marketplace"):
                case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=CHECKED)

        try:
            fuzz()
        except BaseException as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:3000]}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)
