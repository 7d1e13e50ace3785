"""The rule stage: one Aho-Corasick automaton over every watched term of every protected brand.

A listing's brand field, title and description are normalized the way terms are (case- and
accent-insensitive: registry.normalize) and scanned once each; a term counts only as a whole word
(the characters around it are not letters or digits). A brand's rules then decide: the listing
ships from outside the brand's authorized countries, or its seller is not authorized, when the
brand set that rule. Only brands with a verified trademark are protected (unverified rights never
drive automatic protection); extra terms and misspellings ride on that verification.

The automaton (ahocorasick_rs: a DFA, one table step per byte) is built once per process and
rebuilt when ProtectionVersion changes.
"""

import re
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, chain
from operator import attrgetter

import ahocorasick_rs
from django.db.models import Min

from registry.models import IPRight, ProtectionRule, RightKind, RightStatus, RuleKind, RuleMode, WatchedTerm
from registry.normalize import normalize_term

from .models import ProtectionVersion

_SPACE = re.compile(r"\s+")
_ASCII_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.isspace() takes in ASCII, but the space
_SEP = "\x00"  # between fields in match_many's one text: no term holds it, and it is not a letter or digit
# Whitespace normalize_text would change, searched by the automaton beside the terms (never a term:
# a normalized term holds none of them). A batch's lowered ASCII text in which the scan meets none
# is its normalized text already; one that holds one is normalized field by field and scanned again.
_UNNORMAL = ("  ", *_ASCII_SPACES)
FIELDS = ("brand_name", "title", "description")  # scanned in this order; the first field that hits wins
_FIELDS_OF = attrgetter(*FIELDS)  # a listing's fields as a tuple, in FIELDS order
_PLUS_ONE = (1).__add__
FIELD_LABELS = {"brand_name": "brand field", "title": "title", "description": "description"}
RULE_LABELS = {RuleKind.SHIPS_FROM: "ships from outside the authorized countries",
               RuleKind.SELLER: "seller not authorized"}


def normalize_text(text: str) -> str:
    """Same transformation as normalize_term, without the strip (offsets stay meaningful)."""
    if text.isascii():  # most listings: lower() is casefold() on ASCII, and there is nothing to decompose
        low = text.lower()
        # isprintable() is False for every whitespace but the plain space: then there is nothing to collapse.
        return low if "  " not in low and low.isprintable() else _SPACE.sub(" ", low)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.casefold())


def _normalize_with_map(text: str) -> tuple[str, list[int]]:
    """normalize_text, character by character, with each output character's source index.
    Slow; only used to show the original words of a hit."""
    out: list[str] = []
    src: list[int] = []
    for i, ch in enumerate(text):
        part = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).casefold()
        for c in part:
            if c.isspace():
                if out and out[-1] == " ":
                    continue
                c = " "
            out.append(c)
            src.append(i)
    return "".join(out), src


def original_span(text: str, start: int, end: int) -> str:
    """The words of `text` behind normalized offsets [start, end)."""
    if text.isascii() and end <= len(text) and len(normalize_text(text)) == len(text):
        return text[start:end]  # ASCII with no whitespace run collapsed: the offsets are the text's own
    norm, src = _normalize_with_map(text)
    if end > len(src) or norm != normalize_text(text):  # pragma: no cover - defensive
        return norm[start:end]
    return text[src[start]:src[end - 1] + 1]


@dataclass(frozen=True)
class BrandRules:
    brand_id: int
    default_right_id: int  # the brand's first verified trademark: extra terms open cases under it
    countries: frozenset[str] | None  # None: rule not set
    countries_mode: str
    seller_ids: frozenset[int] | None
    sellers_mode: str


@dataclass(frozen=True)
class TermEntry:
    brand_id: int
    right_id: int
    term: str  # normalized
    source: str  # "mark", "extra", "misspelling"


@dataclass(frozen=True)
class ListingFacts:
    title: str
    description: str
    brand_name: str
    ships_from: str
    seller_id: int


@dataclass(frozen=True)
class Hit:
    brand_id: int
    right_id: int
    term: str
    term_source: str
    field: str
    start: int  # offsets in the normalized field
    end: int
    rules: tuple[str, ...]  # RuleKind values that fired
    mode: str  # RuleMode: suppress if any fired rule suppresses

    def detection(self, listing_text: str) -> dict:
        return {
            "rules": list(self.rules), "rule_label": " and ".join(RULE_LABELS[r] for r in self.rules),
            "mode": self.mode, "term": self.term, "term_source": self.term_source,
            "field": FIELD_LABELS[self.field], "matched": original_span(listing_text, self.start, self.end),
        }


@dataclass(frozen=True)
class ImageHit:
    """A listing picture near a reference picture of a verified right, judged by the brand's rules
    like a text hit. `pair` is imagery.matching.ImageMatch.detection()."""

    brand_id: int
    right_id: int
    rules: tuple[str, ...]
    mode: str
    pair: dict
    field: str = "image"

    def detection(self, listing_text: str = "") -> dict:
        return {
            "rules": list(self.rules), "rule_label": " and ".join(RULE_LABELS[r] for r in self.rules),
            "mode": self.mode, "by_image": True, "field": "image", "term": "", "term_source": "",
            "matched": "", **self.pair,
        }


@dataclass(frozen=True)
class RelistingHit:
    """A new or changed listing that copies a listing removed for IP infringement (title or
    picture), sold by the same seller or a linked one. Opens a case under the removed case's right."""

    brand_id: int
    right_id: int
    mode: str
    removed_case_id: int
    removed_reference: str
    why: str
    decision: str
    rules: tuple[str, ...] = ("relisting",)
    field: str = "relisting"

    def detection(self, listing_text: str = "") -> dict:
        return {
            "rules": list(self.rules), "rule_label": f"re-listing of {self.removed_reference}, removed for "
                                                    "IP infringement", "mode": self.mode,
            "relisting_of": self.removed_reference, "relisting_case": self.removed_case_id,
            "relisting_why": self.why, "relisting_decision": self.decision,
            "field": "relisting", "term": "", "term_source": "", "matched": "",
        }


class Matcher:
    def __init__(self, rules: dict[int, BrandRules], terms: list[TermEntry]):
        self.rules = rules
        by_term: dict[str, list[TermEntry]] = {}
        for t in terms:
            if t.brand_id in rules and t.term and _SEP not in t.term and t.term not in _UNNORMAL:
                by_term.setdefault(t.term, []).append(t)
        self.term_count = len(by_term)
        # The entries of the automaton's pattern i (none for the whitespace patterns after the terms).
        self._entries = [tuple(entries) for entries in by_term.values()] + [()] * len(_UNNORMAL)
        self.automaton = (ahocorasick_rs.AhoCorasick([*by_term, *_UNNORMAL],
                                                     implementation=ahocorasick_rs.Implementation.DFA)
                          if by_term else None)

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every pattern in `text`, overlapping ones included, as (pattern, start,
        end) with `end` exclusive: by end, and the longest first among those ending together."""
        return self.automaton.find_matches_as_indexes(text, overlapping=True)

    def match(self, listing: ListingFacts, brand_ids: set[int] | None = None) -> list[Hit]:
        """One hit per brand whose term the listing uses and whose rule it breaks."""
        if not self.term_count:
            return []
        found: dict[int, Hit] = {}
        for field in FIELDS:
            text = getattr(listing, field)
            if not text:
                continue
            norm = normalize_text(text)
            n = len(norm)
            for pattern, start, end in self.scan(norm):
                if (start > 0 and norm[start - 1].isalnum()) or (end < n and norm[end].isalnum()):
                    continue  # not a whole word
                for entry in self._entries[pattern]:
                    if entry.brand_id in found or (brand_ids is not None and entry.brand_id not in brand_ids):
                        continue
                    hit = self._judge(listing, entry, field, start, end)
                    if hit is not None:
                        found[entry.brand_id] = hit
        return list(found.values())

    def match_many(self, listings, brand_ids: set[int] | None = None) -> list[tuple[Hit, ...]]:
        """match() for many listings (anything with ListingFacts' attributes), in one scan: their
        fields, normalized, joined into one text the automaton reads in one call, each hit mapped
        back to its listing and field by its offset. The same hits as match(), at a fraction of the
        per-listing cost (one C call each for normalizing and scanning a batch, where match() makes
        three of each per listing). A listing no term hits gets the empty tuple."""
        if not self.term_count or not listings:
            return [()] * len(listings)
        # The fields in FIELDS order, listing after listing: one C call per listing (attrgetter).
        fields = list(chain.from_iterable(map(_FIELDS_OF, listings)))
        try:
            text = _SEP.join(fields)
        except TypeError:  # an absent field reads as empty
            fields = [f or "" for f in fields]
            text = _SEP.join(fields)
        if text.isascii():
            text = text.lower()  # casefold() on ASCII; lengths, so offsets, unchanged
            found = self.scan(text)
            # Whitespace normalize_text would change (two spaces, another space character): rare in
            # one field, common in a batch. The scan looked for it too (the patterns after the terms).
            if any(pattern >= self.term_count for pattern, _, _ in found):
                fields = [normalize_text(f) for f in fields]
                text = _SEP.join(fields)
                found = self.scan(text)
        else:
            fields = [normalize_text(f) for f in fields]
            text = _SEP.join(fields)
            found = self.scan(text)
        return self._hits_of_batch(listings, fields, text, found, brand_ids)

    def _hits_of_batch(self, listings, fields: list[str], text: str, found: list[tuple[int, int, int]],
                       brand_ids: set[int] | None) -> list[tuple[Hit, ...]]:
        """match_many's scan of the batch's one text mapped back to listings and fields."""
        # Where each field starts in the text: its length and the separator's, summed (in C).
        starts = list(accumulate(map(_PLUS_ONE, map(len, fields)), initial=0))
        n = len(text)
        by_listing: dict[int, dict[int, Hit]] = {}  # only the listings a term hits
        per_listing = len(FIELDS)
        entries_of = self._entries
        for pattern, start, end in found:
            if (start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum()):
                continue  # not a whole word
            segment = bisect_right(starts, start) - 1
            index, field = divmod(segment, per_listing)
            listing, hits = listings[index], by_listing.setdefault(index, {})
            offset = starts[segment]
            for entry in entries_of[pattern]:
                if entry.brand_id in hits or (brand_ids is not None and entry.brand_id not in brand_ids):
                    continue
                hit = self._judge(listing, entry, FIELDS[field], start - offset, end - offset)
                if hit is not None:
                    hits[entry.brand_id] = hit
        # One shared empty tuple for the listings no term hits: no object made (nor collected) per listing.
        result: list[tuple[Hit, ...]] = [()] * len(listings)
        for index, hits in by_listing.items():
            result[index] = tuple(hits.values())
        return result

    def _judge(self, listing: ListingFacts, entry: TermEntry, field: str, start: int, end: int) -> Hit | None:
        judged = self.rules_fired(listing, entry.brand_id)
        if judged is None:
            return None
        fired, mode = judged
        return Hit(brand_id=entry.brand_id, right_id=entry.right_id, term=entry.term, term_source=entry.source,
                   field=field, start=start, end=end, rules=fired, mode=mode)

    def rules_fired(self, listing: ListingFacts, brand_id: int) -> tuple[tuple[str, ...], str] | None:
        """The brand's rules this listing breaks and the mode (suppress if any of them suppresses),
        or None when it breaks none (its seller and country are authorized) or the brand set none.
        Text hits and image hits (imagery) are judged by this one rule."""
        rules = self.rules.get(brand_id)
        if rules is None:
            return None
        fired, modes = [], []
        if rules.countries is not None and listing.ships_from not in rules.countries:
            fired.append(RuleKind.SHIPS_FROM.value)
            modes.append(rules.countries_mode)
        if rules.seller_ids is not None and listing.seller_id not in rules.seller_ids:
            fired.append(RuleKind.SELLER.value)
            modes.append(rules.sellers_mode)
        if not fired:
            return None
        return tuple(fired), RuleMode.SUPPRESS.value if RuleMode.SUPPRESS in modes else RuleMode.FLAG.value


def matcher_build() -> Matcher:
    """Load every protected brand's terms and rules in a handful of queries (never one per brand)."""
    marks = list(IPRight.objects.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED)
                 .values_list("brand_id", "id", "name"))
    default_right = dict(IPRight.objects.filter(kind=RightKind.TRADEMARK, status=RightStatus.VERIFIED)
                         .values("brand_id").annotate(first=Min("id")).values_list("brand_id", "first"))
    rule_rows = list(ProtectionRule.objects.filter(brand_id__in=default_right).values_list(
        "id", "brand_id", "kind", "mode", "countries"))
    sellers: dict[int, set[int]] = {}
    for rule_id, seller_id in ProtectionRule.sellers.through.objects.filter(
            protectionrule_id__in=[r[0] for r in rule_rows]).values_list("protectionrule_id", "seller_id"):
        sellers.setdefault(rule_id, set()).add(seller_id)
    per_brand: dict[int, dict] = {}
    for rule_id, brand_id, kind, mode, countries in rule_rows:
        d = per_brand.setdefault(brand_id, {})
        if kind == RuleKind.SHIPS_FROM and countries:
            d["countries"], d["countries_mode"] = frozenset(countries), mode
        elif kind == RuleKind.SELLER and sellers.get(rule_id):
            d["seller_ids"], d["sellers_mode"] = frozenset(sellers[rule_id]), mode
    rules = {b: BrandRules(brand_id=b, default_right_id=default_right[b], countries=d.get("countries"),
                           countries_mode=d.get("countries_mode", RuleMode.FLAG),
                           seller_ids=d.get("seller_ids"), sellers_mode=d.get("sellers_mode", RuleMode.FLAG))
             for b, d in per_brand.items() if d}
    terms = [TermEntry(brand_id=b, right_id=r, term=normalize_term(name), source="mark") for b, r, name in marks]
    terms += [TermEntry(brand_id=b, right_id=default_right.get(b, 0), term=norm, source=kind)
              for b, norm, kind in WatchedTerm.objects.filter(brand_id__in=list(rules))
              .values_list("brand_id", "normalized", "kind")]
    return Matcher(rules, terms)


_lock = threading.Lock()
_cached: tuple[int, Matcher] | None = None


def current_matcher() -> Matcher:
    """This process's matcher, rebuilt when the rules' version moved since it was built."""
    global _cached
    version = protection_version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, matcher_build())
        return _cached[1]


def matcher_forget() -> None:
    """Drop this process's matcher (tests: the database is rolled back under it)."""
    global _cached
    _cached = None


def protection_version() -> int:
    """The rules' version: bumped (services.protection_version_bump) whenever a brand's protection
    changes, so every process rebuilds its automaton at its next check."""
    return ProtectionVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
