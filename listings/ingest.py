"""Bulk ingest from the marketplace: sellers and listings upserted by external id.

`ingest_batch` is the core every transport calls (the bulk API: JSON or NDJSON, gzip or not;
the Redis Stream consumer, listings.stream): one transaction per batch. The batch is checked in
one pass (listings.schema); on PostgreSQL one read then finds the listings stored with the same
content hash (unchanged: they cost nothing more), new listings are COPY'd into the table as the
server takes them, and changed ones are staged with COPY into a temporary table and merged with
one INSERT ... ON CONFLICT DO UPDATE that writes only rows whose content hash differs. In that
transaction, `listings_written` (a suspended seller's listing is restricted) and then
`listings_ingested` (the hook point: monitoring checks the written listings against the rules and
writes its cases and suppressions set-based; other apps may connect there) are sent with the
listings written. Elsewhere (SQLite, embedded mode), or when the database refuses a row, the
listings are written through the ORM (listings_upsert_bulk's path), each refused item reported on
its own.
"""

import contextlib
import gc
import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from common.db import copy_escape, text_array

from .models import Listing, Seller, listing_content_hash
from .schema import batch_check, listing_item_check, seller_item_check
from .services import listings_changed_on_commit
from .signals import listings_ingested, listings_written

MAX_ITEMS_PER_CALL = 1000


@dataclass
class IngestResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[int, dict] = field(default_factory=dict)  # item index -> {field: [messages]}
    written: list["WrittenListing"] = field(default_factory=list)  # created and updated, as stored


def sellers_upsert_bulk(*, items: dict[int, dict]) -> IngestResult:
    """Create or update sellers (`items`: index -> name, external_id, country). Idempotent."""
    result = IngestResult()
    with transaction.atomic():
        existing = {s.external_id: s for s in Seller.objects.filter(
            external_id__in=[i["external_id"] for i in items.values()])}
        for index, item in items.items():
            seller = existing.get(item["external_id"])
            if seller is not None and seller.name == item["name"] and seller.country == item["country"]:
                result.unchanged.append(seller.external_id)
                continue
            try:
                with transaction.atomic():
                    seller, created = Seller.objects.update_or_create(
                        external_id=item["external_id"], defaults={"name": item["name"], "country": item["country"]})
            except DatabaseError as exc:
                result.errors[index] = {"non_field_errors": [f"Not stored: {exc.__class__.__name__}."]}
                continue
            existing[seller.external_id] = seller
            (result.created if created else result.updated).append(seller.external_id)
    return result


_LISTING_FIELDS = ("title", "description", "brand_name", "ships_from", "price", "currency", "url")  # not images


def listings_upsert_bulk(*, items: dict[int, dict], announce: bool = True) -> IngestResult:
    """Create or update listings (`items`: index -> validated fields with `seller` a Seller).

    The ORM path (SQLite; or PostgreSQL when the merge statement is refused). `announce`: send
    `listings_written` and, after commit, `listings_changed` (ingest_batch sends its own signals).
    Idempotent: a listing sent again unchanged is not written and not re-checked. New listings are
    inserted in one statement and changed ones updated in one (per call); if the database refuses
    that (a concurrent call created the same id a moment ago), each item is written on its own so
    the refusal lands on the item at fault. Changed and new listings are checked by monitoring after
    commit (one signal for the batch).
    """
    result = IngestResult()
    with transaction.atomic():
        # Race: a concurrent call for the same ids; the row locks make the second wait, then see ours.
        existing = {lst.external_id: lst for lst in Listing.objects.select_for_update().filter(
            external_id__in=[i["external_id"] for i in items.values()]).order_by("pk")}
        new: dict[int, dict] = {}
        seen: set[str] = set()
        changed: list[Listing] = []
        for index, item in items.items():
            if item["external_id"] in seen:
                result.errors[index] = {"external_id": ["Sent twice in this call; send each listing once."]}
                continue
            seen.add(item["external_id"])
            current = existing.get(item["external_id"])
            fields = {k: item[k] for k in _LISTING_FIELDS if k in item}
            fields["content_hash"] = _content_hash(item)
            if current is None:
                new[index] = item
            elif current.seller_id == item["seller"].pk and all(getattr(current, k) == v for k, v in fields.items()
                                                                    if k != "content_hash") \
                    and not (item.get("extras") and current.content_hash != fields["content_hash"]):
                result.unchanged.append(current.external_id)
            else:
                for k, v in fields.items():
                    setattr(current, k, v)
                current.seller = item["seller"]
                changed.append(current)
        try:
            with transaction.atomic():
                created = Listing.objects.bulk_create([_listing(item) for item in new.values()])
        except DatabaseError:
            created = _create_one_by_one(new, result)
        now = timezone.now()
        for listing in changed:
            listing.updated_at = now  # bulk_update does not run auto_now
        Listing.objects.bulk_update(changed, ["seller", *_LISTING_FIELDS, "content_hash", "updated_at"],
                                    batch_size=500)
        result.created += [lst.external_id for lst in created]
        result.updated += [lst.external_id for lst in changed]
        result.written = ([_written(lst, True) for lst in created] + [_written(lst, False) for lst in changed])
        written = [lst.pk for lst in created] + [lst.pk for lst in changed]
        if written and announce:
            listings_written.send(sender=Listing, listing_ids=written)
            listings_changed_on_commit(listing_ids=written)
    return result


def _content_hash(item: dict) -> str:
    return listing_content_hash(seller_id=item["seller"].pk, title=item["title"],
                                description=item.get("description", ""), brand_name=item.get("brand_name", ""),
                                ships_from=item["ships_from"], price=item["price"],
                                currency=item.get("currency", "USD"), url=item.get("url", ""),
                                extras=item.get("extras"))


def _written(listing: Listing, created: bool) -> "WrittenListing":
    return WrittenListing(listing.pk, listing.external_id, created, listing.seller_id, listing.title,
                          listing.description, listing.brand_name, listing.ships_from, listing.price,
                          listing.currency, listing.url)


def _listing(item: dict) -> Listing:
    return Listing(external_id=item["external_id"], seller=item["seller"], content_hash=_content_hash(item),
                   **{k: item[k] for k in _LISTING_FIELDS if k in item})


def _create_one_by_one(new: dict[int, dict], result: IngestResult) -> list[Listing]:
    created = []
    for index, item in new.items():
        try:
            with transaction.atomic():
                created.append(_save_new(item))
        except DatabaseError as exc:
            result.errors[index] = {"non_field_errors": [f"Not stored: {exc.__class__.__name__}."]}
    return created


def _save_new(item: dict) -> Listing:
    listing = _listing(item)
    listing.save(force_insert=True)
    return listing


# --- the set-based core ----------------------------------------------------------------------

class WrittenListing(NamedTuple):
    """A listing as the batch wrote it (new or changed): what `listings_ingested` receivers read,
    without reading the rows back."""

    id: int
    external_id: str
    created: bool
    seller_id: int
    title: str
    description: str
    brand_name: str
    ships_from: str
    price: object
    currency: str
    url: str
    # False when only what no rule reads changed (price, currency, url): nothing to check again,
    # unless the change carried an optional key (extras, such as pictures).
    facts_changed: bool = True


@dataclass
class BatchResult:
    sellers: IngestResult
    listings: IngestResult
    errors: list[dict]  # {"kind", "index", "external_id", "errors": {field: [messages]}}, by position

    def counts(self, kind: str) -> dict:
        result = self.sellers if kind == "seller" else self.listings
        return {"created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged),
                "failed": sum(e["kind"] == kind for e in self.errors)}


def ingest_batch(*, sellers: list | None = None, listings: list | None = None,
                 duplicates: str = "refuse") -> BatchResult:
    """Store a batch of sellers and listing changes (raw items as sent) in one transaction, or in
    the caller's. Bad items are reported by position and not written; the others are, each whole
    with what follows from it (a suspended seller's restriction, monitoring's cases and
    suppressions: `listings_ingested`). `duplicates`: "refuse" reports a listing sent twice in
    the batch (an API call); "last" is for callers that already split a batch so each listing
    appears once (the stream consumer), and raises otherwise."""
    sellers, listings = sellers or [], listings or []
    errors: list[dict] = []
    with _collector_paused(), transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys checked as each statement ends rather than all at commit: the queue of
            # deferred checks cost 25-30 ms a 5,000-listing batch (measured), immediate ones a
            # few; and a row they refuse fails in the merge, which reports it alone, not the commit.
            # Every statement of the batch writes parents before children. This transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seller_result = IngestResult()
        if sellers:
            valid, bad = batch_check(sellers, seller_item_check)
            errors += _errors("seller", sellers, bad)
            seller_result = sellers_upsert_bulk(items=valid)
            errors += _errors("seller", sellers, seller_result.errors)
        valid, bad = batch_check(listings, listing_item_check)
        bad.update(_resolve_sellers(valid, duplicates))
        result = _listings_merge(valid)
        errors += _errors("listing", listings, {**bad, **result.errors})
        if result.written:
            listings_written.send(sender=Listing, listing_ids=[w.id for w in result.written])
            # The hook point: every listing this batch wrote, as written, and the optional keys
            # other apps registered (listings.schema.ingest_key_register), by listing id.
            extras = {w.id: valid[i]["extras"] for i, w in _positions(valid, result.written) if valid[i]["extras"]}
            listings_ingested.send(sender=Listing, listings=result.written, extras=extras)
    errors.sort(key=lambda e: (e["kind"] != "seller", e["index"]))
    return BatchResult(sellers=seller_result, listings=result, errors=errors)


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off for the batch: a batch allocates tens of thousands of dicts and
    tuples, which set off full collections walking the whole heap (about a tenth of a 5,000-listing
    batch, measured). What a batch leaves is freed by reference counting; the few cycles wait for
    the next collection after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _errors(kind: str, raw: list, by_index: dict[int, dict]) -> list[dict]:
    return [{"kind": kind, "index": i, "external_id": raw[i].get("external_id") if isinstance(raw[i], dict) else None,
             "errors": e} for i, e in by_index.items()]


def _positions(valid: dict[int, dict], written: list[WrittenListing]):
    index_of = {item["external_id"]: i for i, item in valid.items()}
    return [(index_of[w.external_id], w) for w in written]


def _resolve_sellers(valid: dict[int, dict], duplicates: str) -> dict[int, dict]:
    """Each valid item's seller (one query for the batch) and the batch's duplicates; what fails
    leaves `valid` and is returned as errors by position."""
    wanted = {item["seller_external_id"] for item in valid.values()}
    by_external = {s.external_id: s for s in Seller.objects.filter(external_id__in=wanted)}
    errors: dict[int, dict] = {}
    seen: set[str] = set()
    for index in list(valid):
        item = valid[index]
        seller = by_external.get(item["seller_external_id"])
        if seller is None:
            errors[index] = {"seller_external_id": ["Unknown seller; send it in `sellers` or register it first."]}
        elif item["external_id"] in seen:
            if duplicates != "refuse":
                raise ValueError(f"listing {item['external_id']} twice in one batch")
            errors[index] = {"external_id": ["Sent twice in this call; send each listing once."]}
        else:
            seen.add(item["external_id"])
            item["seller"] = seller
            continue
        del valid[index]
    return errors


def _listings_merge(valid: dict[int, dict]) -> IngestResult:
    if not valid:
        return IngestResult()
    if connection.vendor == "postgresql":
        for _ in range(_MERGE_TRIES):
            try:
                with transaction.atomic():
                    return _merge_pg(valid)
            except IntegrityError:
                # Another batch stored some of these new listings since the read: the COPY waited for
                # it to commit, so the merge, read again, finds them stored (an update, or nothing).
                continue
            except DatabaseError:
                break  # a row the database refuses: the ORM path below finds it and reports it alone
    return listings_upsert_bulk(items=valid, announce=False)


# Merges of one batch before the ORM path: each retry follows a batch that committed meanwhile.
_MERGE_TRIES = 3


_STAGE_COLUMNS = ("external_id", "seller_id", "title", "description", "brand_name", "ships_from", "price", "currency",
                  "url", "content_hash")


def _stored_hashes(external_ids: list[str]) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT external_id, content_hash FROM {Listing._meta.db_table} "
                       "WHERE external_id = ANY(%s::text[])", [text_array(external_ids)])
        return dict(cursor.fetchall())


def _merge_pg(valid: dict[int, dict]) -> IngestResult:
    """The listings stored with these very hashes are unchanged: one read, and only the others are
    written. The new ones are COPY'd into the listings table as the server asks for them
    (_insert_new); the changed ones are staged with COPY and merged with one INSERT ... ON CONFLICT
    DO UPDATE ... WHERE the content hash differs (_update_stored). A listing another batch changes
    meanwhile is the other batch's to write, as if it had come second."""
    now = timezone.now()
    items = sorted(valid.values(), key=lambda item: item["external_id"])
    stored = _stored_hashes([item["external_id"] for item in items])
    result = IngestResult()
    new, changed = [], []
    for item in items:
        stored_hash = stored.get(item["external_id"])
        if stored_hash is None:
            new.append(item)
        elif stored_hash != (content_hash := _content_hash(item)):
            changed.append((item, content_hash))
        else:
            result.unchanged.append(item["external_id"])
    written = []
    with connection.cursor() as cursor:
        if new:
            written += _insert_new(cursor, new, now)
        if changed:
            written += _update_stored(cursor, changed, now)
    if new and changed:
        written.sort(key=lambda w: w.external_id)  # in external id order, as the rows were locked
    result.written = written
    done = set()
    for w in written:
        (result.created if w.created else result.updated).append(w.external_id)
        done.add(w.external_id)
    result.unchanged += [item["external_id"] for item, _ in changed if item["external_id"] not in done]
    return result


def _copy_fields(item: dict) -> str:
    """The listing's fields in _STAGE_COLUMNS order but the hash, as COPY's text format reads them:
    the text the marketplace sends escaped (copy_escape); the rest needs none (country and currency
    codes, a Decimal, the seller's id). Written here rather than by the csv module: half the time."""
    return (f"{copy_escape(item['external_id'])}\t{item['seller'].pk}\t{copy_escape(item['title'])}\t"
            f"{copy_escape(item['description'])}\t{copy_escape(item['brand_name'])}\t{item['ships_from']}\t"
            f"{item['price']}\t{item['currency']}\t{copy_escape(item['url'])}")


def _written_item(item: dict, pk: int, created: bool, facts_changed: bool = True) -> "WrittenListing":
    """The listing as the merge wrote it: the item sent, under its id."""
    return WrittenListing(pk, item["external_id"], created, item["seller"].pk, item["title"], item["description"],
                          item["brand_name"], item["ships_from"], item["price"], item["currency"], item["url"],
                          facts_changed)


# Rows per read of the COPY: enough that a read is worth a round of the socket, few enough that
# PostgreSQL starts on the first while Python makes the rest.
COPY_CHUNK_ROWS = 1000


class _CopyStream:
    """What psycopg2's copy_expert reads from: COPY text-format lines joined COPY_CHUNK_ROWS at a
    time as the server asks for more, so PostgreSQL inserts a chunk's rows (and their index
    entries, on the other core) while Python hashes and formats the next."""

    def __init__(self, lines):
        self._lines, self._chunk = iter(lines), COPY_CHUNK_ROWS

    def read(self, size: int = -1) -> str:
        return "".join(itertools.islice(self._lines, self._chunk))  # "" once spent: the end of the COPY


_SEQUENCES: dict[str, str] = {}  # table -> the sequence of its ids, read once per process


def _insert_new(cursor, new: list[dict], now) -> list[WrittenListing]:
    """Listings not stored a moment ago go straight into the table with COPY, under ids taken
    from its sequence first (COPY returns nothing). One another batch stored since fails the
    unique constraint, and _listings_merge merges the batch again."""
    table = Listing._meta.db_table
    if table not in _SEQUENCES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        _SEQUENCES[table] = cursor.fetchone()[0]
    # The sequence named once: pg_get_serial_sequence in the statement ran for each row (27 ms of
    # 10,000 ids, against 3 ms; measured).
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_SEQUENCES[table], len(new)])
    ids = [row[0] for row in cursor.fetchall()]
    written: list[WrittenListing] = []
    stamp = now.isoformat()

    def lines():
        for pk, item in zip(ids, new, strict=True):
            written.append(_written_item(item, pk, True))
            yield f"{pk}\t{_copy_fields(item)}\t{_content_hash(item)}\tactive\t{stamp}\t{stamp}\n"

    with connection.wrap_database_errors:  # a refused row: Django's DatabaseError, so the ORM path runs
        cursor.cursor.copy_expert(f"COPY {table} (id, {', '.join(_STAGE_COLUMNS)}, status, created_at, updated_at) "
                                  "FROM STDIN", _CopyStream(lines()))
    return written


def _update_stored(cursor, changed: list[tuple[dict, str]], now) -> list[WrittenListing]:
    """COPY the changed listings into a temporary table, then one INSERT ... ON CONFLICT DO UPDATE
    ... WHERE the content hash differs, returning the ids it wrote."""
    table = Listing._meta.db_table
    columns = ", ".join(_STAGE_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_STAGE_COLUMNS[1:], "updated_at"))
    cursor.execute("DROP TABLE IF EXISTS pg_temp.listing_stage")
    cursor.execute("CREATE TEMPORARY TABLE listing_stage (external_id varchar(64), seller_id bigint, "
                   "title varchar(300), description text, brand_name varchar(200), ships_from varchar(2), "
                   "price numeric(12, 2), currency varchar(3), url varchar(200), content_hash varchar(32)) "
                   "ON COMMIT DROP")
    with connection.wrap_database_errors:  # a refused row: Django's DatabaseError, so the ORM path runs
        cursor.cursor.copy_expert(f"COPY listing_stage ({columns}) FROM STDIN", _CopyStream(
            f"{_copy_fields(item)}\t{content_hash}\n" for item, content_hash in changed))
    # Before the update: the stored listings whose rule facts (RULE_FACTS) stay as they are.
    cursor.execute(
        f"SELECT s.external_id FROM listing_stage s JOIN {table} l USING (external_id) "
        "WHERE (l.title, l.description, l.brand_name, l.ships_from, l.seller_id) IS NOT DISTINCT FROM "
        "(s.title, s.description, s.brand_name, s.ships_from, s.seller_id)")
    same_facts = {row[0] for row in cursor.fetchall()}
    # Rows in external id order: two batches touching the same listings lock them in one order.
    # Only the ids come back: the rows written are the items sent (the merge writes them as is).
    cursor.execute(
        f"INSERT INTO {table} AS l ({columns}, status, created_at, updated_at) "
        f"SELECT {columns}, 'active', %s, %s FROM listing_stage ORDER BY external_id "
        f"ON CONFLICT (external_id) DO UPDATE SET {updates} "
        "WHERE l.content_hash IS DISTINCT FROM EXCLUDED.content_hash "
        "RETURNING l.external_id, l.id, (l.xmax = 0)", [now, now])
    ids = {external_id: (pk, created) for external_id, pk, created in cursor.fetchall()}
    written = []
    for item, _ in changed:
        pk_created = ids.get(item["external_id"])  # None: already so, written by another batch meanwhile
        if pk_created is not None:
            written.append(_written_item(item, *pk_created, item["external_id"] not in same_facts))
    return written
