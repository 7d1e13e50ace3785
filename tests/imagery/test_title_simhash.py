"""A title's SimHash (imagery.matching.title_simhash, counted by columns over cached feature bits)
is the textbook one: per bit, +1 for each feature whose hash has it set, -1 otherwise; set when
the sum is positive."""

import hashlib
import random

from certificates import fingerprints as fp
from imagery.matching import title_simhash


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
