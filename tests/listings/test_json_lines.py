"""One JSON value a line, for the NDJSON bulk API and the stream consumer (listings.schema.json_lines):
each line read as json.loads reads it, no value running into the next line, and a line that is not
JSON reported by its number, whatever the lines around it."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listings.models import IngestStreamOffset, Listing
from listings.schema import NOT_JSON, json_lines
from listings.stream import StreamConsumer, stream_key, stream_publish

from .test_ingest_batch import URL, item, marketplace  # noqa: F401  (a fixture)
from .test_stream_kill import PARTITIONS, shared_redis  # noqa: F401  (a fixture)


def _loads(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return NOT_JSON


# Three lines, none of them JSON, that read as three objects once joined into one array: a string
# opened on the first and closed on the second, and two objects on the third.
TRICK = ['{"a":"}', '{"}', '{},{}']


def test_lines_that_are_not_json_stay_not_json_whatever_their_neighbours():
    assert json_lines(TRICK) == [NOT_JSON] * 3
    assert json.loads("[" + ",".join(TRICK) + "]") == [{"a": "},{"}, {}, {}]  # what joining them read
    # A value over two lines is neither line's; whitespace and a CR around a value are whitespace.
    assert json_lines(['{"a":', '1}', ' \t{"b": 2} \r', '', '[1, 2]', 'null', '{"c": 3} x']) == [
        NOT_JSON, NOT_JSON, {"b": 2}, NOT_JSON, [1, 2], None, NOT_JSON]


_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                     max_size=3), max_leaves=6)
_fragments = st.sampled_from(['{', '}', '"', '",', '{"a":', '[', ']', ',', ' ', '\r', '1', 'x', '\u2028'])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_values.map(json.dumps), _values.map(lambda v: f" {json.dumps(v)}\r"),
                          st.lists(_fragments, max_size=6).map("".join),
                          st.text(max_size=10).filter(lambda t: "\n" not in t)), max_size=12))
def test_each_line_reads_as_json_loads_reads_it_alone(lines):
    assert json_lines(lines) == [_loads(line) for line in lines]


def test_the_bulk_api_reports_each_line_that_is_not_json_and_keeps_a_title_with_a_line_separator(
        world, client, marketplace):  # noqa: F811
    body = "\n".join([*TRICK, json.dumps(item(1, world.seller_a, title="Lamp\u2028brass"), ensure_ascii=False),
                      json.dumps(item(2, world.seller_a)) + "\r"]).encode()
    response = client.post(URL, body, content_type="application/x-ndjson", HTTP_AUTHORIZATION=f"Token {marketplace}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["listings"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 3}
    assert [(e["index"], e["errors"]) for e in data["errors"]] == [
        (n, {"non_field_errors": ["This line is not JSON."]}) for n in range(3)]
    assert Listing.objects.get(external_id="G-1").title == "Lamp\u2028brass"
    assert not Listing.objects.filter(external_id="a").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_stream_entry_that_is_not_json_is_consumed_and_reported_by_its_position(world, shared_redis):  # noqa: F811
    _, prefix, client = shared_redis
    good = [item(i, world.seller_a) for i in range(3)]
    stream_publish(client, good, partitions=PARTITIONS, prefix=prefix)
    key = stream_key(prefix, 0)
    bad = [client.xadd(key, {"d": raw}) for raw in [*TRICK, b"\xff\xfe", json.dumps(item(9, world.seller_a))[:-1]]]
    missing = client.xadd(key, {"other": "x"})
    consumer = StreamConsumer(client, partitions=PARTITIONS, prefix=prefix, name="one", batch=100)
    consumer.ensure_groups()
    consumer.rebalance()
    consumer.apply(consumer.read())
    assert sorted(Listing.objects.filter(external_id__startswith="G-").values_list("external_id", flat=True)) == [
        "G-0", "G-1", "G-2"]
    reported = [json.loads(fields[b"e"]) for _, fields in client.xrange(f"{prefix}:errors")]
    assert sorted(r["position"] for r in reported if r["partition"] == f"redis:{key}") == sorted(
        entry.decode() for entry in [*bad, missing])
    assert all(r["errors"] for r in reported)
    assert sum(IngestStreamOffset.objects.values_list("applied", flat=True)) == len(good) + len(bad) + 1
    assert sum(client.xpending(stream_key(prefix, p), "ingest")["pending"] for p in range(PARTITIONS)) == 0

