"""Matcher.match_many (a batch scanned as one text) finds exactly what match() finds listing by
listing: the same brands, fields and offsets, whole words only, first field first."""

import random

from monitoring.matcher import BrandRules, ListingFacts, Matcher, TermEntry

TERMS = ["acme", "acme pro", "borealis", "zeta", "ömega", "kalo"]
WORDS = ["lamp", "acme", "ACME", "acmelamp", "pro", "Borealis", "zeta-x", "xzeta", "Ömega", "OMEGA", "kalo",
         "kalos", "desk", "  ", "\n", "\t", "naïve", "über"]


def matcher() -> Matcher:
    rules = {b: BrandRules(brand_id=b, default_right_id=b, countries=frozenset({"DE"}), countries_mode="suppress",
                           seller_ids=frozenset({1}) if b % 2 else None, sellers_mode="flag")
             for b in range(1, len(TERMS) + 1)}
    return Matcher(rules, [TermEntry(brand_id=b, right_id=10 + b, term=t, source="mark")
                           for b, t in enumerate(TERMS, start=1)])


def facts(rng: random.Random) -> ListingFacts:
    def text(n):
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, n)))

    return ListingFacts(title=text(8), description=text(20), brand_name=text(2),
                        ships_from=rng.choice(["DE", "CN"]), seller_id=rng.choice([1, 2]))


def key(hits):
    return sorted((h.brand_id, h.right_id, h.field, h.start, h.end, h.rules, h.mode) for h in hits)


def test_a_batch_finds_what_listing_by_listing_finds():
    rng = random.Random(7)
    m = matcher()
    listings = [facts(rng) for _ in range(400)]
    one_by_one = [m.match(x) for x in listings]
    assert sum(1 for h in one_by_one if h) > 50  # the sample hits
    assert [key(h) for h in m.match_many(listings)] == [key(h) for h in one_by_one]
    ascii_only = [x for x in listings if (x.title + x.description + x.brand_name).isascii()
                  and "  " not in x.title + x.description and "\n" not in x.description + x.title]
    assert [key(h) for h in m.match_many(ascii_only)] == [key(m.match(x)) for x in ascii_only]
    assert [key(h) for h in m.match_many(listings, {1, 2})] == [key(m.match(x, {1, 2})) for x in listings]


def test_a_term_never_matches_across_two_fields_or_inside_a_word():
    m = matcher()
    [hits] = m.match_many([ListingFacts(title="pro lamp", description="xzeta kalos", brand_name="acme",
                                        ships_from="CN", seller_id=2)])
    assert [(h.term, h.field, h.start) for h in hits] == [("acme", "brand_name", 0)]
