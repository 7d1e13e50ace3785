"""The set-based ingest core (listings.ingest.ingest_batch) and its rule stage (monitoring.batch):
one merge statement, unchanged rows untouched, rule hits written with a fixed number of statements,
a suspended seller's listings and a person's reinstatement still respected."""

import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Restriction, RestrictionSource
from appeals.services import appeal_decide, appeal_file
from audit.models import AuditEntry
from complaints.models import UNDECIDED_STATES, Case, CaseSource, Decision
from complaints.reasons import REASONS, statement_compose
from decisions.services import case_decide
from listings import ingest, schema
from listings.ingest import ingest_batch
from listings.models import Listing, ListingStatus
from listings.signals import listings_ingested
from suspensions.services import suspension_approve, suspension_propose
from webhooks.models import WebhookEvent

from ..conftest import claim
from ..factories import UserFactory, WebhookEndpointFactory, api_key_for
from ..monitoring.helpers import set_rules, upsert

URL = "/api/v1/listings/bulk/"


def item(i, seller, **overrides) -> dict:
    return {"external_id": f"G-{i}", "seller_external_id": seller.external_id, "title": f"Lamp {i}",
            "ships_from": "DE", "price": "19.90", **overrides}


@pytest.mark.postgres
def test_a_batch_is_merged_and_an_unchanged_listing_is_not_written_again(world, require_postgres):
    items = [item(i, world.seller_a) for i in range(3)]
    first = ingest_batch(listings=items)
    assert first.counts("listing") == {"created": 3, "updated": 0, "unchanged": 0, "failed": 0}
    stamps = dict(Listing.objects.filter(external_id__startswith="G-").values_list("external_id", "updated_at"))
    assert all(Listing.objects.filter(external_id__startswith="G-").values_list("content_hash", flat=True))
    # "19.9" is the price "19.90": the same content.
    again = ingest_batch(listings=[dict(items[0], price="19.9"), items[1], dict(items[2], title="Lamp 2, brass")])
    assert again.counts("listing") == {"created": 0, "updated": 1, "unchanged": 2, "failed": 0}
    after = dict(Listing.objects.filter(external_id__startswith="G-").values_list("external_id", "updated_at"))
    assert after["G-0"] == stamps["G-0"] and after["G-1"] == stamps["G-1"] and after["G-2"] > stamps["G-2"]
    assert Listing.objects.get(external_id="G-2").title == "Lamp 2, brass"


@pytest.mark.postgres
def test_rule_hits_are_written_with_as_many_statements_for_ten_hits_as_for_two(
        world, require_postgres, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)  # Acme: ships from DE or US only, suppress
    WebhookEndpointFactory(event_types=["listing.suppressed"])

    def batch(prefix: str, hits: int):
        items = [item(f"{prefix}{i}", world.seller_b, title=f"ACME lamp {i}" if i < hits else f"Lamp {i}",
                      ships_from="CN") for i in range(12)]
        with CaptureQueriesContext(connection) as queries:
            result = ingest_batch(listings=items)
        assert result.errors == []
        return len(queries.captured_queries)

    batch("W", 1)  # this process's automaton is built from the database: not counted
    two, ten = batch("A", 2), batch("B", 10)
    assert two == ten
    hit = Listing.objects.filter(external_id__startswith="G-B", title__startswith="ACME")
    assert hit.count() == 10
    assert set(hit.values_list("status", flat=True)) == {ListingStatus.SUPPRESSED}
    cases = Case.objects.filter(listing__in=hit, source=CaseSource.AUTOMATIC)
    assert cases.count() == 10
    decisions = Decision.objects.filter(case__in=cases, automated=True)
    assert decisions.count() == 10
    assert all("Detection and decision were automated" in d.statement or "automated" in d.statement.lower()
               for d in decisions)
    assert Restriction.objects.filter(listing__in=hit, source=RestrictionSource.AUTOMATIC,
                                      lifted_at__isnull=True).count() == 10
    assert AuditEntry.objects.filter(action="case.open", target_id__in=cases.values("id")).count() == 10
    assert WebhookEvent.objects.filter(type="listing.suppressed",
                                       payload__data__listing_external_id__startswith="G-B").count() == 10
    assert not Listing.objects.filter(external_id__startswith="G-B", title__startswith="Lamp").exclude(
        status=ListingStatus.ACTIVE).exists()


def test_each_automatic_statement_of_a_batch_is_the_one_its_case_would_compose(
        world, django_capture_on_commit_callbacks):
    # The batch composes its statements from rows, naming each right once for all its cases: word
    # for word what statement_compose writes from the case as a model, whichever right it is on.
    set_rules(world, django_capture_on_commit_callbacks)  # Acme
    set_rules(world, django_capture_on_commit_callbacks, brand=world.brand_b, by=world.bob)  # Borealis
    ingest_batch(listings=[item(f"S{i}", world.seller_b, title=f"{name} lamp {i}", ships_from="CN")
                           for i, name in enumerate(["ACME", "BOREALIS", "ACME", "BOREALIS"])])
    decisions = list(Decision.objects.filter(case__listing__external_id__startswith="G-S", automated=True)
                     .select_related("case"))
    assert sorted(d.case.right_id for d in decisions) == sorted([world.tm_a.pk, world.tm_b.pk] * 2)
    for decision in decisions:
        case = decision.case
        found = case.detection
        facts = (f"The listing uses the watched term “{found['matched']}” ({found['term_source']}) in its "
                 f"{found['field']} and {found['rule_label']} set by {case.right.brand}.")
        assert decision.statement == statement_compose(case=case, reason=REASONS[decision.reason_code], facts=facts,
                                                       automated=True)
        assert f"held by {case.right.brand} (automatic detection, no report)" in decision.statement


@pytest.mark.postgres
def test_a_batch_hitting_many_rights_costs_the_statements_of_one(
        world, require_postgres, django_capture_on_commit_callbacks):
    # The rights a batch hits are read once, with what it reads of them: nothing loaded right by right.
    set_rules(world, django_capture_on_commit_callbacks)
    set_rules(world, django_capture_on_commit_callbacks, brand=world.brand_b, by=world.bob)

    def batch(prefix: str, names: list[str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            ingest_batch(listings=[item(f"{prefix}{i}", world.seller_b, title=f"{name} lamp {i}", ships_from="CN")
                                   for i, name in enumerate(names)])
        return len(queries.captured_queries)

    batch("W", ["ACME"])  # this process's automaton is built from the database: not counted
    assert batch("O", ["ACME", "ACME"]) == batch("T", ["ACME", "BOREALIS"])
    assert Case.objects.filter(listing__external_id__startswith="G-T", source=CaseSource.AUTOMATIC).count() == 2


def test_a_suspended_sellers_listing_is_suppressed_by_the_batch_that_writes_it(
        world, django_capture_on_commit_callbacks):
    upsert(django_capture_on_commit_callbacks, world.seller_b, "SUSP-0", title="Lamp", ships_from="DE")
    listing = Listing.objects.get(external_id="SUSP-0")
    report_case = _reported_case(world, listing, django_capture_on_commit_callbacks)
    proposal = suspension_propose(case=report_case, reviewer=world.rev2,
                                  reason="A counterfeit shop relisting under new ids.")
    with django_capture_on_commit_callbacks(execute=True):
        suspension_approve(suspension=proposal, senior=world.senior2, reason="Counterfeit shop.")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=[item("new", world.seller_b)])
    assert Listing.objects.get(external_id="G-new").status == ListingStatus.SUPPRESSED
    assert Restriction.objects.filter(listing__external_id="G-new", source=RestrictionSource.SUSPENSION).exists()


def _reported_case(world, listing, capture):
    from ..conftest import file_report

    report = file_report(reporter=world.alice, right=world.tm_a, listings=[listing])
    case = report.cases.get()
    claim(case, world.rev1)
    with capture(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_counterfeit", facts="Replica.")
    case.refresh_from_db()
    return case


def test_a_person_reinstatement_holds_the_rule_off_until_the_listing_changes(
        world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=[item("R", world.seller_b, title="ACME headphones", ships_from="CN")])
    listing = Listing.objects.get(external_id="G-R")
    case = Case.objects.get(listing=listing, source=CaseSource.AUTOMATIC)
    assert listing.status == ListingStatus.SUPPRESSED
    claim(case, world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(case=case, reviewer=world.rev1, reason_code="tm_misuse", facts="Replica sold at 9.99.")
    appeal = appeal_file(case=case, user=world.sue, statement="These are genuine goods bought from Acme.")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(appeal=appeal, senior=world.senior, reason_code="appeal_genuine_goods", facts="Invoices.")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    # Every restriction lifted by the reinstatement, each keeping the facts the person cleared.
    lifted = list(Restriction.objects.filter(listing=listing).values_list("lifted_at", "lifted_by__kind",
                                                                         "cleared_facts"))
    assert lifted and all(at is not None and by == "reinstate" for at, by, _ in lifted)
    assert {"title": "ACME headphones", "description": "", "brand_name": "", "ships_from": "CN",
            "seller_id": world.seller_b.pk} in [facts for *_, facts in lifted]
    # A price change: what the rule reads is the same, the person's decision holds (the listing is
    # not even checked again: nothing to hold off, nothing recorded).
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=[item("R", world.seller_b, title="ACME headphones", ships_from="CN", price="18.00")])
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE and str(listing.price) == "18.00"
    assert Case.objects.filter(listing=listing).count() == 1
    # Pictures with the same facts are checked: the rule matches, and the person's decision holds it off.
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=[item("R", world.seller_b, title="ACME headphones", ships_from="CN", price="18.00",
                                    images=[{"phash": "00ff00ff00ff00ff"}])])
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert Case.objects.filter(listing=listing).count() == 1
    assert AuditEntry.objects.filter(action="case.automation_held", target_id=case.pk).count() == 1
    # The title changes: the rule acts again.
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=[item("R", world.seller_b, title="ACME headphones MAX", ships_from="CN")])
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED
    assert Case.objects.filter(listing=listing, source=CaseSource.AUTOMATIC).count() == 2


def test_a_registered_optional_key_reaches_the_hook_with_the_listing_id(world, monkeypatch):
    monkeypatch.setattr(schema, "_EXTRA_KEYS", {})
    schema.ingest_key_register("images", lambda v: (v, None) if isinstance(v, list) else (None, "Expected a list."))
    seen = {}

    def receiver(sender, listings, extras, **kwargs):
        seen.update(extras)
        seen["written"] = [w.external_id for w in listings]

    listings_ingested.connect(receiver, dispatch_uid="test.images")
    try:
        result = ingest_batch(listings=[item(1, world.seller_a, images=["https://img.test/1.jpg"]),
                                        item(2, world.seller_a, images="nope"), item(3, world.seller_a, other=1)])
    finally:
        listings_ingested.disconnect(dispatch_uid="test.images")
    assert [(e["index"], list(e["errors"])) for e in result.errors] == [(1, ["images"])]
    one = Listing.objects.get(external_id="G-1")
    assert seen[one.pk] == {"images": ["https://img.test/1.jpg"]}
    assert sorted(seen["written"]) == ["G-1", "G-3"]


@pytest.fixture
def marketplace(db):
    user = UserFactory(username="market", role="marketplace")
    return api_key_for(user)


def _ndjson(lines) -> bytes:
    return "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode()


def test_an_ndjson_body_gzipped_reports_each_bad_line_by_its_number(world, client, marketplace):
    body = gzip.compress(_ndjson([{"kind": "seller", "external_id": "NS-1", "name": "Lamp Shop", "country": "DE"},
                                  item(1, world.seller_a) | {"seller_external_id": "NS-1"},
                                  "{not json", item(2, world.seller_a, ships_from="Germany"), item(3, world.seller_a),
                                  item(4, world.seller_a, title="Lamp\u0000 4")]))
    response = client.post(URL, body, content_type="application/x-ndjson", HTTP_CONTENT_ENCODING="gzip",
                           HTTP_AUTHORIZATION=f"Token {marketplace}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["sellers"]["created"] == 1
    assert data["listings"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 3}
    assert [(e["index"], sorted(e["errors"])) for e in data["errors"]] == [
        (2, ["non_field_errors"]), (3, ["ships_from"]), (5, ["title"])]
    assert Listing.objects.get(external_id="G-1").seller.external_id == "NS-1"


def test_a_gzip_body_that_inflates_without_end_is_refused(world, client, marketplace, caplog):
    bomb = gzip.compress(b"{" + b" " * (130 * 1024 * 1024) + b"}", 9)
    response = client.post(URL, bomb, content_type="application/json", HTTP_CONTENT_ENCODING="gzip",
                           HTTP_AUTHORIZATION=f"Token {marketplace}")
    assert response.status_code == 413 and "inflates past" in response.json()["detail"]
    assert "bulk ingest body refused" in caplog.text
    bad = client.post(URL, b"\x1f\x8bnot gzip", content_type="application/json", HTTP_CONTENT_ENCODING="gzip",
                      HTTP_AUTHORIZATION=f"Token {marketplace}")
    assert bad.status_code == 400 and "gzip" in bad.json()["detail"]
    other = client.post(URL, b"{}", content_type="application/json", HTTP_CONTENT_ENCODING="br",
                        HTTP_AUTHORIZATION=f"Token {marketplace}")
    assert other.status_code == 415


def test_an_ndjson_body_of_more_than_ten_thousand_lines_is_refused(world, client, marketplace):
    body = _ndjson([item(i, world.seller_a) for i in range(10_001)])
    response = client.post(URL, body, content_type="application/x-ndjson", HTTP_AUTHORIZATION=f"Token {marketplace}")
    assert response.status_code == 400 and "10,000" in response.json()["detail"]
    assert not Listing.objects.filter(external_id__startswith="G-").exists()


def test_a_listing_changed_out_of_the_rules_reach_is_released_by_the_batch_itself(
        world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_batch(listings=[item("F", world.seller_b, title="ACME headphones", ships_from="CN")])
    case = Case.objects.get(listing__external_id="G-F", source=CaseSource.AUTOMATIC)
    # The seller fixes the title: back up within the batch's transaction, before any task runs.
    with django_capture_on_commit_callbacks(execute=False):
        ingest_batch(listings=[item("F", world.seller_b, title="Headphones", ships_from="CN")])
        assert Listing.objects.get(external_id="G-F").status == ListingStatus.ACTIVE
    case.refresh_from_db()
    assert case.is_undecided is False
    assert not Restriction.objects.filter(case=case, lifted_at__isnull=True).exists()


@pytest.mark.postgres
def test_a_batch_sent_again_unchanged_is_only_read(world, require_postgres):
    items = [item(f"U{i}", world.seller_a) for i in range(5)]
    ingest_batch(listings=items)
    with CaptureQueriesContext(connection) as queries:
        again = ingest_batch(listings=items)
    assert again.counts("listing") == {"created": 0, "updated": 0, "unchanged": 5, "failed": 0}
    statements = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "INSERT" not in statements and "LISTING_STAGE" not in statements
    # One changed among them: only it is written.
    mixed = ingest_batch(listings=[*items[:4], dict(items[4], title="Lamp U4, brass")])
    assert mixed.counts("listing") == {"created": 0, "updated": 1, "unchanged": 4, "failed": 0}
    assert [w.external_id for w in mixed.listings.written] == ["G-U4"]


@pytest.mark.postgres
def test_text_the_copy_format_treats_specially_is_stored_and_announced_as_sent(world, require_postgres, monkeypatch):
    # The merge COPYs the batch as CSV and announces the items it sent (not rows read back): both
    # must be exactly what the marketplace sent, whatever the text holds.
    nasty = ["tab\there", "line\nbreak", "carriage\r\nreturn", "back\\slash \\N \\t", '"quoted", with comma',
             "end\n\\.\nof copy", "\\.", "", " ", "émoji 🎧 ß İ", "NULL", ",", '"']
    items = [item(i, world.seller_a, title=f"T{i} {text}", description=text, brand_name=text, url="")
             for i, text in enumerate(nasty)]
    cleaned = {x["external_id"]: schema.listing_item_check(x)[0] for x in items}  # as the schema keeps it
    announced = []

    def hook(sender, listings, **kwargs):
        announced.extend(listings)

    monkeypatch.setattr("listings.ingest.listings_upsert_bulk", None)  # the COPY path, not the ORM fallback
    listings_ingested.connect(hook, dispatch_uid="test.nasty")
    try:
        result = ingest_batch(listings=items)
    finally:
        listings_ingested.disconnect(dispatch_uid="test.nasty")
    assert not result.errors, result.errors
    assert result.counts("listing") == {"created": len(nasty), "updated": 0, "unchanged": 0, "failed": 0}
    stored = {row[0]: row[1:] for row in Listing.objects.filter(external_id__startswith="G-").values_list(
        "external_id", "id", "title", "description", "brand_name", "url", "price")}
    assert {k: (c["title"], c["description"], c["brand_name"], "") for k, c in cleaned.items()} == {
        k: v[1:5] for k, v in stored.items()}
    assert "end\n\\.\nof copy" in [c["description"] for c in cleaned.values()]
    assert {w.external_id: (w.id, w.title, w.description, w.brand_name, w.url, w.price) for w in announced} == stored
    assert all(w.created for w in announced)
    # Sent again: nothing changed, nothing written.
    assert ingest_batch(listings=items).counts("listing")["unchanged"] == len(nasty)
    # Changed: the stored listings go through the stage table's COPY and the merge, as sent too.
    changed = [dict(x, title=f"{x['title']} \\. v2", description=f"v2 {x['description']}\t\\N\r\nend",
                    brand_name=f"{x['brand_name']}\\") for x in items]
    cleaned = {x["external_id"]: schema.listing_item_check(x)[0] for x in changed}
    announced.clear()
    listings_ingested.connect(hook, dispatch_uid="test.nasty")
    try:
        again = ingest_batch(listings=changed)
    finally:
        listings_ingested.disconnect(dispatch_uid="test.nasty")
    assert again.counts("listing") == {"created": 0, "updated": len(nasty), "unchanged": 0, "failed": 0}
    stored = {row[0]: row[1:] for row in Listing.objects.filter(external_id__startswith="G-").values_list(
        "external_id", "title", "description", "brand_name")}
    assert {k: (c["title"], c["description"], c["brand_name"]) for k, c in cleaned.items()} == stored
    assert {w.external_id: (w.title, w.description, w.brand_name) for w in announced} == stored


@pytest.mark.postgres
def test_new_listings_copied_over_many_reads_keep_each_its_id_and_order(world, require_postgres, monkeypatch):
    # The COPY of new listings is fed a few rows per read, under ids taken from the sequence first:
    # every row must arrive once, under the id announced for it, and the table's own ids go on after.
    monkeypatch.setattr("listings.ingest.COPY_CHUNK_ROWS", 3)
    monkeypatch.setattr("listings.ingest.listings_upsert_bulk", None)  # the COPY path, not the ORM fallback
    result = ingest_batch(listings=[item(i, world.seller_a) for i in (5, 1, 10, 3, 2, 8, 4, 7, 9, 6)])
    assert result.counts("listing") == {"created": 10, "updated": 0, "unchanged": 0, "failed": 0}
    announced = [(w.id, w.external_id, w.title) for w in result.listings.written]
    assert [a[1] for a in announced] == sorted(f"G-{i}" for i in range(1, 11))
    assert announced == list(Listing.objects.filter(external_id__startswith="G-").order_by("external_id")
                             .values_list("id", "external_id", "title"))
    assert [a[0] for a in announced] == sorted(a[0] for a in announced)  # ids follow the external ids
    later = Listing.objects.create(external_id="G-later", seller=world.seller_a, title="Later", ships_from="DE",
                                   price="1.00")
    assert later.pk > max(a[0] for a in announced)


@pytest.mark.postgres
def test_a_listing_stored_by_another_batch_after_the_read_is_updated_not_lost(world, require_postgres, monkeypatch):
    # New listings go in with COPY. One another batch stored between this batch's read and its
    # COPY makes the COPY fail; the merge is then tried again, and its read finds the listing.
    ingest_batch(listings=[item(1, world.seller_a)])
    stored_hashes, reads = ingest._stored_hashes, []

    def read_before_the_other_batch(external_ids):
        reads.append(external_ids)
        return {} if len(reads) == 1 else stored_hashes(external_ids)

    monkeypatch.setattr("listings.ingest._stored_hashes", read_before_the_other_batch)
    monkeypatch.setattr("listings.ingest.listings_upsert_bulk", None)  # the merge again, not the ORM path
    result = ingest_batch(listings=[item(1, world.seller_a, title="Lamp 1, brass"), item(2, world.seller_a)])
    assert not result.errors
    assert result.counts("listing") == {"created": 1, "updated": 1, "unchanged": 0, "failed": 0}
    assert dict(Listing.objects.filter(external_id__in=["G-1", "G-2"]).values_list("external_id", "title")) == {
        "G-1": "Lamp 1, brass", "G-2": "Lamp 2"}


@pytest.mark.postgres
def test_a_change_no_rule_reads_is_not_checked_again_unless_it_brings_pictures(
        world, require_postgres, django_capture_on_commit_callbacks, monkeypatch):
    set_rules(world, django_capture_on_commit_callbacks)  # Acme: ships from DE or US only, suppress
    hit = item("H", world.seller_b, title="ACME lamp", ships_from="CN")
    ingest_batch(listings=[hit])
    case = Case.objects.get(listing__external_id="G-H", source=CaseSource.AUTOMATIC)
    import monitoring.batch

    checked = []
    real = monitoring.batch.listings_check_written

    def spy(*, listings):
        checked.append(sorted(w.external_id for w in listings))
        return real(listings=listings)

    monkeypatch.setattr(monitoring.batch, "listings_check_written", spy)
    # A new price (and url): written, not matched again; the case and its suppression stand.
    result = ingest_batch(listings=[dict(hit, price="25.00", url="https://shop.example/h"), item("P", world.seller_b)])
    assert result.counts("listing") == {"created": 1, "updated": 1, "unchanged": 0, "failed": 0}
    assert checked == [["G-P"]]
    listing = Listing.objects.get(external_id="G-H")
    assert (str(listing.price), listing.status) == ("25.00", ListingStatus.SUPPRESSED)
    # The same facts with pictures: checked (the pictures may match a reference).
    ingest_batch(listings=[dict(hit, price="26.00", images=[{"phash": "00ff00ff00ff00ff"}])])
    assert checked[-1] == ["G-H"]
    # A title no rule matches any more: checked, and the automatic case is released.
    ingest_batch(listings=[dict(hit, price="26.00", title="Plain lamp", images=[{"phash": "00ff00ff00ff00ff"}])])
    assert checked[-1] == ["G-H"]
    case.refresh_from_db()
    assert case.state not in UNDECIDED_STATES
    assert Listing.objects.get(external_id="G-H").status == ListingStatus.ACTIVE


@pytest.mark.postgres
def test_the_listing_table_has_its_unique_external_id_index_and_no_like_index(db, require_postgres):
    # Migration 0005 dropped the varchar_pattern_ops index Django adds beside a unique CharField:
    # no query uses it, and each new listing paid for it. The unique index (ON CONFLICT's) stays.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [Listing._meta.db_table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert not [d for d in definitions if "pattern_ops" in d]
    assert [d for d in definitions if d.startswith("CREATE UNIQUE INDEX") and d.endswith("(external_id)")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batches_sent_at_once_with_shared_new_listings_store_each_once_with_one_case_each(
        world, require_postgres, django_capture_on_commit_callbacks):
    # Three callers at once (web workers, stream consumers) with overlapping new listings, a quarter
    # naming a watched term: a COPY that meets another batch's uncommitted rows waits for it, then
    # fails and writes its batch by the ORM path. No deadlock (each batch writes in external id
    # order), no error, each listing stored once, one automatic case and one suppression each.
    import threading

    from django.db import connections

    set_rules(world, django_capture_on_commit_callbacks)  # Acme: ships from DE or US only, suppress
    batches = [[item(f"X{i}", world.seller_b, title=f"ACME lamp {i}" if i % 4 == 0 else f"Lamp {i}",
                     ships_from="CN") for i in range(start, start + 60)] for start in (0, 30, 45)]
    results, failures = [], []
    start = threading.Barrier(len(batches))

    def caller(items) -> None:
        try:
            start.wait()
            results.append(ingest_batch(listings=items))
        except BaseException as exc:  # noqa: B036 - re-raised in the main thread below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=caller, args=(items,)) for items in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(results) == 3 and all(r.errors == [] for r in results)
    assert sum(r.counts("listing")["created"] for r in results) == 105
    stored = Listing.objects.filter(external_id__startswith="G-X")
    assert stored.count() == 105
    hit = stored.filter(title__startswith="ACME")
    assert hit.count() == 27
    assert set(hit.values_list("status", flat=True)) == {ListingStatus.SUPPRESSED}
    per_listing = Case.objects.filter(listing__in=hit, source=CaseSource.AUTOMATIC).values_list("listing_id", flat=True)
    assert sorted(per_listing) == sorted(hit.values_list("id", flat=True))  # one case each
    assert Restriction.objects.filter(listing__in=hit, lifted_at__isnull=True).count() == 27
    assert not stored.filter(title__startswith="Lamp").exclude(status=ListingStatus.ACTIVE).exists()


@pytest.mark.postgres
def test_a_changed_title_is_written_beside_its_old_version_on_the_same_page(world, require_postgres):
    # listings/migrations/0006: a third of each page left free, so a listing's change is written in
    # place (no index entry); on full pages, the row's new version goes to another page.
    ingest_batch(listings=[item(i, world.seller_a, description="A brass desk lamp. " * 8) for i in range(100)])

    def page(external_id: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT (ctid::text::point)[0] FROM listings_listing WHERE external_id = %s",
                           [external_id])
            return int(cursor.fetchone()[0])

    before = page("G-0")
    result = ingest_batch(listings=[item(0, world.seller_a, title="Lamp 0, brass",
                                         description="A brass desk lamp. " * 8)])
    assert result.counts("listing")["updated"] == 1
    assert page("G-0") == before
