"""A title's SimHash (imagery.matching.title_simhash; title_simhashes for a batch, counted with numpy
over cached feature hashes) is the textbook one: per bit, +1 for each feature whose hash has it set,
-1 otherwise; set when the sum is positive. Stored with its four bands, one upsert per batch."""

import hashlib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from certificates import fingerprints as fp
from imagery import services
from imagery.matching import title_simhash, title_simhashes
from imagery.models import TitleFingerprint

from ..factories import ListingFactory


def textbook(title: str) -> int:
    words = fp.normalize_text(title)
    feats = set(words) | {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}
    if not feats:
        return 0
    counts = [0] * 64
    for feat in feats:
        h = int.from_bytes(hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if (h >> bit) & 1 else -1
    return fp.to_signed(sum(1 << bit for bit in range(64) if counts[bit] > 0))


def test_the_title_simhash_is_the_textbook_one():
    words = "wireless headphones bluetooth ACME acme Ünïcode lamp lamp, brass 2x".split()
    rng = random.Random(20)
    titles = ["", "   ", *(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(500))]
    assert [title_simhash(t) for t in titles] == [textbook(t) for t in titles]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab Ü,-1\tß" + "c" * 3, max_size=40) | st.sampled_from(["", "  ", ",,"]), max_size=30))
def test_a_batch_of_titles_hashes_as_each_title_alone(titles):
    assert title_simhashes(titles) == [textbook(t) for t in titles]


def test_a_long_title_counts_past_255_features():
    """More features than a byte counts: the sums are not kept in the bits' own type."""
    title = " ".join(f"w{i}" for i in range(300))
    assert title_simhashes(["", title, "acme"]) == [0, textbook(title), textbook("acme")]


def test_stored_fingerprints_are_each_titles_simhash_and_bands_and_follow_a_new_title(db):
    listings = ListingFactory.create_batch(3)
    titles = {listings[0].pk: "Acme wireless earbuds", listings[1].pk: "", listings[2].pk: "Ünïcode lamp, brass 2x"}
    services.title_fingerprints_store(titles=titles)
    titles[listings[0].pk] = "Garden hose 25 m"
    services.title_fingerprints_store(titles={listings[0].pk: titles[listings[0].pk]})
    stored = {row[0]: row[1:] for row in TitleFingerprint.objects.values_list(
        "listing_id", "simhash", "band0", "band1", "band2", "band3")}
    assert stored == {pk: (textbook(t), *fp.bands(textbook(t))) for pk, t in titles.items()}
    assert stored[listings[0].pk][0] == textbook("Garden hose 25 m") != textbook("Acme wireless earbuds")
