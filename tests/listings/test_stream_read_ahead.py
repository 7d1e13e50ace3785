"""A stream consumer reads its next round while the current one applies (listings.stream: the read
ahead). It reads only partitions whose lease it holds at that moment, so a partition taken over
meanwhile loses nothing; and the rounds it reads ahead apply in order, once each."""

import pytest

from listings.stream import GROUP, StreamConsumer, stream_key, stream_publish

from .test_stream_kill import (  # noqa: F401  (fixtures)
    LISTINGS,
    PARTITIONS,
    VERSIONS,
    applied,
    assert_each_change_applied_once,
    changes,
    pending,
    protected,
    shared_redis,
)


def _lease(client, prefix: str, p: int) -> bytes | None:
    return client.get(f"{stream_key(prefix, p)}:lease")


def test_a_read_ahead_skips_a_partition_whose_lease_another_consumer_took(shared_redis):  # noqa: F811
    _, prefix, client = shared_redis
    first = StreamConsumer(client, partitions=PARTITIONS, prefix=prefix, name="first", lease_ms=60_000)
    first.ensure_groups()
    first.rebalance()
    assert first.owned == set(range(PARTITIONS))
    items = [{"external_id": f"R-{i}", "title": f"Lamp {i}"} for i in range(40)]
    stream_publish(client, items, partitions=PARTITIONS, prefix=prefix)
    # Partition 0's lease lapsed and another consumer took it (and claimed what was pending then)
    # while `first` was applying its round; `first` has not noticed yet.
    client.set(f"{stream_key(prefix, 0)}:lease", "second", px=60_000)
    ahead = first.read_ahead(frozenset(first.owned))
    assert stream_key(prefix, 0) not in ahead
    assert sorted(ahead) == [stream_key(prefix, p) for p in range(1, PARTITIONS)
                             if client.xlen(stream_key(prefix, p))]
    assert all(isinstance(fields, dict) and b"d" in fields for entries in ahead.values() for _, fields in entries)
    assert client.xpending(stream_key(prefix, 0), GROUP)["pending"] == 0  # not delivered to `first`
    # So the new owner, reading on, gets every entry of its partition.
    got = client.xreadgroup(GROUP, "second", {stream_key(prefix, 0): ">"}, count=100)
    assert len(got[0][1]) == client.xlen(stream_key(prefix, 0)) > 0
    assert _lease(client, prefix, 0) == b"second"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rounds_read_ahead_apply_every_change_once_and_in_order(protected, shared_redis, monkeypatch):  # noqa: F811
    _, prefix, client = shared_redis
    stream_publish(client, changes(protected), partitions=PARTITIONS, prefix=prefix)
    consumer = StreamConsumer(client, partitions=PARTITIONS, prefix=prefix, name="one", batch=50, block_ms=50)
    read_ahead, rounds = consumer.read_ahead, []

    def counted(partitions):
        found = read_ahead(partitions)
        rounds.append(sum(map(len, found.values())))
        return found

    monkeypatch.setattr(consumer, "read_ahead", counted)
    assert consumer.run(idle_exit=1.0) == LISTINGS * VERSIONS
    assert sum(rounds) > LISTINGS * VERSIONS // 2  # most rounds were read ahead
    assert applied() == LISTINGS * VERSIONS
    assert_each_change_applied_once(protected)
    assert pending(client, prefix) == 0
