"""Listing changes from a log the marketplace writes to: Redis Streams, partitioned by listing id.

Two parts, so another log (a Kafka topic's partitions) can feed the same core (docs/ingest.md):

- `positions_apply`, transport-agnostic: entries of one or more partitions, each with its position
  in its partition, applied in one transaction through listings.ingest.ingest_batch. Each
  partition's last applied position is written in that transaction (IngestStreamOffset, its row
  locked), and entries at or before it are skipped: an entry delivered again (a consumer killed
  after its commit and before its acknowledgement, a partition taken over) is never applied twice.
- `StreamConsumer`, Redis: partition p of P is the stream `<prefix>:<p>`; a listing's partition is
  crc32(external id) mod P, so every change of a listing lands in one stream, in order. Each
  partition is read by one consumer at a time (a lease key per partition, renewed while the
  consumer lives; the partitions are shared out evenly among the live consumers), through the
  consumer group `ingest`, and acknowledged (XACK) only after the transaction commits. A consumer
  that takes a partition over first claims the entries its previous owner read and never
  acknowledged (XAUTOCLAIM), then reads on: per-listing order holds, and nothing is lost.
"""

import contextlib
import json
import logging
import os
import socket
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, transaction
from django.utils import timezone

from .ingest import ingest_batch
from .models import IngestStreamOffset
from .schema import NOT_JSON, json_lines

log = logging.getLogger(__name__)

GROUP = "ingest"
DEFAULT_PREFIX = "ipportal:listings"
Position = tuple[int, int]  # (Redis: ms, seq) (Kafka: offset, 0)


def partition_of(external_id: str, partitions: int) -> int:
    """The partition of a listing's changes: the same for every change of it, for every producer."""
    return zlib.crc32(external_id.encode()) % partitions


def stream_key(prefix: str, partition: int) -> str:
    return f"{prefix}:{partition}"


def stream_publish(client, items: Iterable[dict], *, partitions: int, prefix: str = DEFAULT_PREFIX) -> list[bytes]:
    """Append listing changes (the bulk API's items) to their partitions' streams, in order; what a
    marketplace's producer does (here for tests, the bench and docs). Returns the entry ids."""
    pipe = client.pipeline(transaction=False)
    for item in items:
        pipe.xadd(stream_key(prefix, partition_of(str(item.get("external_id", "")), partitions)),
                  {"d": json.dumps(item, separators=(",", ":"))})
    return pipe.execute()


# --- the transport-agnostic core --------------------------------------------------------------

def positions_apply(*, batches: dict[str, list[tuple[Position, object]]]) -> tuple[int, list[dict]]:
    """Apply listing changes read from partitions: {partition name: [(position, item), ...]} in
    order. One transaction: each partition's offset row is locked (in name order), entries at or
    before its last applied position are skipped, the rest go through ingest_batch (split so each
    batch names a listing once: two changes of one listing are applied one after the other), and
    the offsets move. Returns (entries applied, item errors with their partition and position);
    an item with errors is consumed (reported, not retried)."""
    applied, problems = 0, []
    with transaction.atomic():
        todo: list[tuple[str, Position, object]] = []
        offsets = {}  # the offsets that move: each written once, below
        locked = _offsets_locked(sorted(batches))
        for name in sorted(batches):
            offset = locked[name]
            last = (offset.last_ms, offset.last_seq)
            fresh = [(name, pos, item) for pos, item in batches[name] if pos > last]
            todo += fresh
            if fresh:
                offsets[name] = offset
                offset.last_ms, offset.last_seq = fresh[-1][1]
                offset.applied += len(fresh)
                applied += len(fresh)
        for part in _once_each(todo):
            result = ingest_batch(listings=[item for _, _, item in part], duplicates="last")
            for error in result.errors:
                name, pos, _ = part[error["index"]]
                problems.append({**error, "partition": name, "position": f"{pos[0]}-{pos[1]}"})
        if offsets:
            now = timezone.now()
            for offset in offsets.values():
                offset.updated_at = now  # bulk_update does not run auto_now
            IngestStreamOffset.objects.bulk_update(list(offsets.values()),
                                                   ["last_ms", "last_seq", "applied", "updated_at"])
    return applied, problems


def _offsets_locked(names: list[str]) -> dict[str, IngestStreamOffset]:
    """The offset rows of `names`, locked in name order (two consumers never wait on each other
    crosswise), made first where missing: one query for the usual batch, two more for a new partition."""
    def lock() -> dict[str, IngestStreamOffset]:
        return {o.stream: o for o in IngestStreamOffset.objects.select_for_update().filter(
            stream__in=names).order_by("stream")}

    offsets = lock()
    if len(offsets) < len(names):
        IngestStreamOffset.objects.bulk_create([IngestStreamOffset(stream=name) for name in names
                                                if name not in offsets], ignore_conflicts=True)
        offsets = lock()
    return offsets


def _once_each(todo: list) -> list[list]:
    """Consecutive runs in which each listing appears once, order kept: [A1, B1, A2] -> [A1, B1], [A2]."""
    parts, current, seen = [], [], set()
    for entry in todo:
        item = entry[2]
        raw = item.get("external_id") if isinstance(item, dict) else None
        # As listings.schema reads it: a number is its text, stripped.
        key = str(raw).strip() if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else None
        if key is not None and key in seen:
            parts.append(current)
            current, seen = [], set()
        if key is not None:
            seen.add(key)
        current.append(entry)
    if current:
        parts.append(current)
    return parts


# --- Redis Streams ------------------------------------------------------------------------------

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# The next round's new entries, read while the current one applies: only from the partitions whose
# lease this consumer holds at the moment of reading (KEYS: the streams, then their leases; ARGV:
# group, consumer, count). Checked in the same step as the read, so an entry is never delivered to
# a consumer that lost its partition meanwhile, where the partition's next owner, having claimed
# what was pending when it took over, would never see it.
_READ_AHEAD = """
local n = #KEYS / 2
local out = {}
for i = 1, n do
  if redis.call('get', KEYS[n + i]) == ARGV[2] then
    local read = redis.call('xreadgroup', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[i], '>')
    if read then out[#out + 1] = read[1] end
  end
end
return out
"""


def _settled(ahead: Future | None) -> None:
    """Wait for a read ahead to finish, whatever it read or raised (before reading again)."""
    if ahead is not None:
        with contextlib.suppress(Exception):
            ahead.result()


def _text_of(fields: dict) -> str | None:
    raw = fields.get(b"d", fields.get("d"))
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return raw


def _position(entry_id) -> Position:
    ms, _, seq = (entry_id.decode() if isinstance(entry_id, bytes) else entry_id).partition("-")
    return int(ms), int(seq or 0)


class StreamConsumer:
    """One consumer process of the group. `run()` loops until stopped (or idle for `idle_exit`
    seconds, for tests and benches)."""

    def __init__(self, client, *, partitions: int, prefix: str = DEFAULT_PREFIX, name: str | None = None,
                 batch: int = 1000, block_ms: int = 500, lease_ms: int = 10_000, read_ahead: bool = True):
        self.client = client
        self.partitions = partitions
        self.prefix = prefix
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.batch = batch
        self.block_ms = block_ms
        self.lease_ms = lease_ms
        self.owned: set[int] = set()
        self.taken_over: set[int] = set()  # owned partitions whose earlier entries are claimed already
        self.stopping = False
        self.applied = 0
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._read_ahead = client.register_script(_READ_AHEAD) if read_ahead else None

    # partitions ------------------------------------------------------------------------------

    def _lease_key(self, p: int) -> str:
        return f"{stream_key(self.prefix, p)}:lease"

    def ensure_groups(self) -> None:
        for p in range(self.partitions):
            try:
                self.client.xgroup_create(stream_key(self.prefix, p), GROUP, id="0", mkstream=True)
            except Exception as exc:  # BUSYGROUP: it exists
                if "BUSYGROUP" not in str(exc):
                    raise

    def rebalance(self) -> None:
        """Renew this consumer's leases; take free partitions up to its fair share of the live
        consumers; give back what is above it (another consumer joined)."""
        now = time.time()
        members = f"{self.prefix}:consumers"
        self.client.zadd(members, {self.name: now})
        self.client.zremrangebyscore(members, 0, now - self.lease_ms / 1000)
        live = max(1, self.client.zcard(members))
        share = -(-self.partitions // live)
        for p in list(self.owned):
            if not self._renew(keys=[self._lease_key(p)], args=[self.name, self.lease_ms]):
                log.warning("%s lost the lease of partition %s", self.name, p)
                self.owned.discard(p)
                self.taken_over.discard(p)
        while len(self.owned) > share:
            p = max(self.owned)
            self._release(keys=[self._lease_key(p)], args=[self.name])
            self.owned.discard(p)
            self.taken_over.discard(p)
        for p in range(self.partitions):
            if len(self.owned) >= share:
                break
            if p not in self.owned and self.client.set(self._lease_key(p), self.name, nx=True, px=self.lease_ms):
                self.owned.add(p)

    def release_all(self) -> None:
        for p in self.owned:
            self._release(keys=[self._lease_key(p)], args=[self.name])
        self.client.zrem(f"{self.prefix}:consumers", self.name)
        self.owned.clear()

    # reading -------------------------------------------------------------------------------

    def _earlier_entries(self, p: int) -> list:
        """A partition just taken: the entries any consumer (a dead one; this name before a restart)
        read and never acknowledged, claimed for this one, oldest first."""
        key = stream_key(self.prefix, p)
        claimed, start = [], "0-0"
        while True:
            start, entries, *_ = self.client.xautoclaim(key, GROUP, self.name, min_idle_time=0, start_id=start,
                                                        count=self.batch)
            claimed += [e for e in entries if e[1] is not None]  # a deleted entry comes back as None
            if start in (b"0-0", "0-0") or not entries:
                break
        return sorted(claimed, key=lambda e: _position(e[0]))

    def read(self) -> dict[str, list]:
        """The next entries of the owned partitions: first what was taken over, then new ones."""
        out: dict[str, list] = {}
        for p in sorted(self.owned - self.taken_over):
            earlier = self._earlier_entries(p)
            self.taken_over.add(p)
            if earlier:
                out[stream_key(self.prefix, p)] = earlier[: self.batch]
                if len(earlier) > self.batch:
                    self.taken_over.discard(p)  # the rest on the next round
        if out or not self.owned:
            return out
        streams = {stream_key(self.prefix, p): ">" for p in sorted(self.owned)}
        for key, entries in self.client.xreadgroup(GROUP, self.name, streams, count=self.batch,
                                                   block=self.block_ms) or []:
            out[key.decode() if isinstance(key, bytes) else key] = entries
        return out

    def read_ahead(self, partitions: frozenset[int]) -> dict[str, list]:
        """These partitions' new entries, as read() returns them, each partition's read only while
        this consumer holds its lease (one script: _READ_AHEAD). No wait for entries to come."""
        owned = sorted(partitions)
        keys = [stream_key(self.prefix, p) for p in owned] + [self._lease_key(p) for p in owned]
        out = {}
        for key, entries in self._read_ahead(keys=keys, args=[GROUP, self.name, self.batch]) or []:
            out[key.decode() if isinstance(key, bytes) else key] = [
                (entry_id, dict(zip(fields[::2], fields[1::2], strict=True))) for entry_id, fields in entries]
        return out

    def _owned_only(self, read: dict[str, list]) -> dict[str, list]:
        """A round read ahead, without the partitions given up since (a consumer joined, a lease
        lapsed): their entries stay pending under this name, and the partition's next owner
        claims them when it takes over (XAUTOCLAIM), before it reads on."""
        owned = {stream_key(self.prefix, p) for p in self.owned}
        return {key: entries for key, entries in read.items() if key in owned}

    # applying ------------------------------------------------------------------------------

    def apply(self, read: dict[str, list]) -> int:
        batches: dict[str, list] = {}
        for key, entries in read.items():
            # Each entry's JSON (json_lines: one scan for the round's entries of the partition); an
            # entry without it, or not JSON, is an empty change, refused by the schema and reported.
            texts = [_text_of(fields) for _, fields in entries]
            items = json_lines([t or "" for t in texts])
            batches[f"redis:{key}"] = [
                (_position(entry_id), item if text is not None and item is not NOT_JSON and item is not None else {})
                for (entry_id, _), text, item in zip(entries, texts, items, strict=True)]
        applied, problems = positions_apply(batches=batches)
        # Acknowledged only now: the changes and the offsets have committed. Every partition's XACK
        # and the refused entries' reports in one round trip.
        pipe = self.client.pipeline(transaction=False)
        for key, entries in read.items():
            if entries:
                pipe.xack(key, GROUP, *[e[0] for e in entries])
        for problem in problems:
            log.warning("stream entry refused: %s", problem)
            pipe.xadd(f"{self.prefix}:errors", {"e": json.dumps(problem)}, maxlen=100_000, approximate=True)
        pipe.execute()
        self.applied += applied
        return applied

    def _read_ahead_timed(self, partitions: frozenset[int]) -> tuple[dict[str, list], float]:
        return self.read_ahead(partitions), time.time()

    def _log_round(self, read: dict[str, list], read_at: float, seconds: float) -> None:
        """One line a round (ingest_stream -v 2; bench/ingest_bench.py reads them): where the time
        from an XADD to its commit goes, waiting to be read or being applied. The age is the entry
        id's time (the Redis server's clock) against this process's, when the round was read (a
        round read ahead: while the one before applied)."""
        oldest = min(_position(entries[0][0])[0] for entries in read.values() if entries)
        log.debug("round: %d entries from %d partitions, the oldest %.3f s old when read, applied in %.3f s",
                  sum(map(len, read.values())), sum(1 for entries in read.values() if entries),
                  read_at - oldest / 1000, seconds)

    def run(self, *, idle_exit: float | None = None, rebalance_every: float = 1.0) -> int:
        """Consume until stopped. Redis or PostgreSQL going away: wait and try again (what was read
        and not acknowledged is read again: a Redis restart with its append-only file keeps the
        group's pending entries; offsets skip what was applied)."""
        last_rebalance, last_work = 0.0, time.monotonic()
        groups_ready = False
        # The next round is read from Redis while this one applies (a thread waiting on the
        # socket, not on PostgreSQL): reading was ~12 % of a consumer's time (measured).
        pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-read-ahead") if self._read_ahead else None
        ahead: Future | None = None
        while not self.stopping:
            try:
                if not groups_ready:
                    self.ensure_groups()
                    groups_ready = True
                if time.monotonic() - last_rebalance >= rebalance_every:
                    self.rebalance()
                    last_rebalance = time.monotonic()
                read, read_at = ({}, 0.0) if ahead is None else ahead.result()
                read, ahead = self._owned_only(read), None
                if not any(read.values()):
                    read, read_at = self.read(), time.time()
                if any(read.values()):
                    started = time.monotonic()
                    if pool is not None and self.owned and self.owned <= self.taken_over:
                        ahead = pool.submit(self._read_ahead_timed, frozenset(self.owned))
                    self.apply(read)
                    last_work = time.monotonic()
                    if log.isEnabledFor(logging.DEBUG):
                        self._log_round(read, read_at, last_work - started)
                elif not self.owned:
                    time.sleep(self.block_ms / 1000)
                if idle_exit is not None and time.monotonic() - last_work > idle_exit:
                    break
            except Exception as exc:
                if "NOGROUP" in str(exc):
                    groups_ready = False  # Redis came back empty: the groups are made again
                log.warning("%s: %s; retrying in 1 s", self.name, exc.__class__.__name__, exc_info=True)
                close_old_connections()
                _settled(ahead)  # what it read is pending under this name: claimed again below
                ahead = None
                self.taken_over.clear()  # read again what this name holds unacknowledged
                time.sleep(1)
        _settled(ahead)  # read, not applied: pending, claimed by the partitions' next owners
        if pool is not None:
            pool.shutdown()
        try:
            self.release_all()
        except Exception:  # noqa: BLE001 - shutting down: the leases lapse on their own
            log.info("%s: leases left to lapse", self.name)
        return self.applied
