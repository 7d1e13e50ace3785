"""The matcher against a naive reference written from its definition, on random listings and terms:
titles with punctuation, case, accents, odd whitespace and words glued together; terms that overlap,
hold one another or span several words. Matcher.match, Matcher.match_many (the batch's one text,
the ASCII fast path and the normalized one) and the reference find the same hits: the same brands,
terms, fields, offsets, rules and mode.

The reference, in full: each field is normalized (NFKD, combining marks dropped, casefolded,
whitespace runs made one space); positions are read left to right by where a term ends, the longest
term first among those ending there; a term counts only as a whole word (no letter or digit just
before or after it); a brand keeps its first occurrence whose rules fire; fields in FIELDS order."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.matcher import FIELDS, BrandRules, ListingFacts, Matcher, TermEntry, _normalize_with_map, original_span
from registry.normalize import normalize_term

ASCII_LETTERS = "abkAB1"
OTHER_LETTERS = "éÉüÜßİıΣς\ufb01"  # accents, ß (casefolds to ss), dotted I, final sigma, the "fi" ligature
GLUE = [" ", " ", " ", "", "-", ".", ",", "'", "&", "  ", "\t", "\n", "\x1c"]
OTHER_GLUE = ["\u00a0", "\u2003", "\u0301"]  # no-break and em spaces; a lone combining accent


def reference_normalize(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.casefold())


def reference_rules(rules: BrandRules, listing: ListingFacts):
    fired = []
    if rules.countries is not None and listing.ships_from not in rules.countries:
        fired.append(("ships_from", rules.countries_mode))
    if rules.seller_ids is not None and listing.seller_id not in rules.seller_ids:
        fired.append(("seller", rules.sellers_mode))
    if not fired:
        return None
    return tuple(kind for kind, _ in fired), "suppress" if any(m == "suppress" for _, m in fired) else "flag"


def reference_match(rules: dict[int, BrandRules], terms: list[TermEntry], listing: ListingFacts,
                    brand_ids: set[int] | None = None) -> list[tuple]:
    watched = [t for t in terms if t.brand_id in rules and t.term]
    by_length = sorted({t.term for t in watched}, key=len, reverse=True)
    found: dict[int, tuple] = {}
    for field in FIELDS:
        norm = reference_normalize(getattr(listing, field) or "")
        for end in range(1, len(norm) + 1):
            for term in by_length:
                start = end - len(term)
                if start < 0 or norm[start:end] != term:
                    continue
                if (start > 0 and norm[start - 1].isalnum()) or (end < len(norm) and norm[end].isalnum()):
                    continue
                for entry in watched:
                    if entry.term != term or entry.brand_id in found:
                        continue
                    if brand_ids is not None and entry.brand_id not in brand_ids:
                        continue
                    judged = reference_rules(rules[entry.brand_id], listing)
                    if judged is not None:
                        found[entry.brand_id] = (entry.brand_id, entry.right_id, term, entry.source, field,
                                                 start, end, *judged)
    return sorted(found.values())


def key(hits) -> list[tuple]:
    return sorted((h.brand_id, h.right_id, h.term, h.term_source, h.field, h.start, h.end, h.rules, h.mode)
                  for h in hits)


@st.composite
def worlds(draw):
    ascii_only = draw(st.booleans())
    letters = ASCII_LETTERS if ascii_only else ASCII_LETTERS + OTHER_LETTERS
    glue = GLUE if ascii_only else GLUE + OTHER_GLUE
    vocabulary = draw(st.lists(st.text(alphabet=letters, min_size=1, max_size=4), min_size=2, max_size=6))

    def phrase(words, max_words):
        return st.builds(lambda ws, seps: "".join(w + s for w, s in zip(ws, seps, strict=False)).strip(" "),
                         st.lists(words, min_size=1, max_size=max_words), st.lists(st.sampled_from(glue), max_size=6))

    # Terms as the registry stores them (normalize_term), several per brand, a term shared by brands.
    word = st.sampled_from(vocabulary) | st.text(alphabet=letters, min_size=1, max_size=3)
    raw_terms = draw(st.lists(st.tuples(st.integers(1, 5), phrase(word, 3)), min_size=1, max_size=10))
    terms = [TermEntry(brand_id=b, right_id=10 * b + k, term=normalize_term(t), source=("mark", "extra")[k % 2])
             for k, (b, t) in enumerate(raw_terms)]
    # Listings made of the same words and of the terms as typed, upper-cased or not.
    typed = [t for _, t in raw_terms]
    word = word | st.sampled_from(typed + [t.upper() for t in typed])
    rules = {}
    for b in range(1, 5):  # brand 5 has no rules: its terms never hit
        countries = draw(st.sampled_from([None, frozenset({"DE"}), frozenset({"DE", "FR"})]))
        sellers = draw(st.sampled_from([None, frozenset({1}), frozenset({1, 2})]))
        rules[b] = BrandRules(brand_id=b, default_right_id=10 * b, countries=countries,
                              countries_mode=draw(st.sampled_from(["flag", "suppress"])), seller_ids=sellers,
                              sellers_mode=draw(st.sampled_from(["flag", "suppress"])))
    field = phrase(word, 12) | st.just("")
    listings = draw(st.lists(st.builds(ListingFacts, title=field, description=field, brand_name=phrase(word, 2),
                                       ships_from=st.sampled_from(["DE", "FR", "CN"]),
                                       seller_id=st.sampled_from([1, 2, 3])), min_size=1, max_size=6))
    return rules, terms, listings


@settings(max_examples=400, deadline=None)
@given(worlds(), st.sampled_from([None, {1, 3}]))
def test_the_matcher_finds_what_the_reference_finds(world, brand_ids):
    rules, terms, listings = world
    matcher = Matcher(rules, terms)
    expected = [reference_match(rules, terms, x, brand_ids) for x in listings]
    assert [key(matcher.match(x, brand_ids)) for x in listings] == expected
    assert [key(h) for h in matcher.match_many(listings, brand_ids)] == expected


def test_the_reference_sees_what_the_generated_worlds_are_about():
    """The cases the property relies on, written out: a term inside a longer one, a multi-word term
    across odd whitespace, case and accents, glued words, the first field that hits."""
    rules = {1: BrandRules(1, 10, frozenset({"DE"}), "suppress", None, "flag"),
             2: BrandRules(2, 20, None, "flag", frozenset({1}), "flag")}
    terms = [TermEntry(1, 10, "acme pro", "mark"), TermEntry(2, 20, "pro", "extra"), TermEntry(1, 11, "über", "extra")]
    listing = ListingFacts(title="Neu: ACME\t\nPro-Lampe, acmepro", description="UBER über", brand_name="",
                           ships_from="CN", seller_id=2)
    expected = [(1, 10, "acme pro", "mark", "title", 5, 13, ("ships_from",), "suppress"),
                (2, 20, "pro", "extra", "title", 10, 13, ("seller",), "flag")]
    assert reference_match(rules, terms, listing) == expected
    matcher = Matcher(rules, terms)
    assert key(matcher.match(listing)) == expected
    assert [key(h) for h in matcher.match_many([listing, listing])] == [expected, expected]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aB1 -\t\n\x1cé", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_a_hits_original_words_are_read_through_the_character_map(text, start, length):
    """original_span's shortcut (ASCII, nothing collapsed) gives what the character map gives."""
    norm, src = _normalize_with_map(text)
    end = min(start + length + 1, len(norm))
    if start >= end:
        return
    assert original_span(text, start, end) == text[src[start]:src[end - 1] + 1]
