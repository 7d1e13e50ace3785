"""IP offices a right can be registered with, and their registration-number formats.

A number is normalized before it is checked: surrounding space removed, letters upper-cased, and
the spaces and thousands separators people copy from office websites ("5,123,456", "40 1234567")
taken out. The formats below are the *current* public formats of each office's registers; where an
office (or a kind of right at that office) has no format listed, any number of 2–40 letters, digits,
dashes, dots and slashes is accepted, and a reviewer checks it against the office record anyway.

Trademark registration numbers:
  USPTO         5–7 digits (registrations since 1870 are numbered; current ones are 7 digits, 5123456)
  EUIPO         9 digits with leading zeros (EU trade mark 018123456)
  UKIPO         UK + 11 digits (UK00003123456; UK009… for marks cloned from EU marks), or 7 digits
                for pre-2021 national numbers written without the prefix (3123456)
  JPO           7 digits (6123456)
  CNIPA         6–8 digits (12345678)
  KIPO          40 + 7 digits, optionally with the "-0000" suffix KIPRIS prints (40-1234567)
  WIPO/Madrid   6–7 digits, the international registration number (1234567)
  CIPO          TMA + 6–7 digits (TMA123456, TMA1123456; the comma in "TMA1,123,456" is dropped)
  IP Australia  5–7 digits (1234567)
  INPI Brazil   9 digits, the process number (912345678)
  DPMA          30 + 10 digits (302019012345, since 1995's numbering) or 7–8 digit older numbers
  INPI France   7 digits, or 8 for the "99 1234567"-era numbers written with the year (4567890)
  IMPI          5–7 digits (1234567)
  CGPDTM India  6–7 digits (1234567)
Patent numbers (grants), where the office grants patents:
  USPTO         7–8 digits, optionally "US" before and a kind code B1/B2 after (US11234567B2)
  JPO           7 digits, optionally JP before and B2 after (JP7123456B2)
  CNIPA         9 digits, optionally CN before and B after (CN109123456B)
Design numbers:
  USPTO         D + 6 digits (D912345)
  EUIPO         9 digits, dash, 4 digits (registered Community design 008123456-0001)
Which kinds an office registers is checked too: EUIPO registers trademarks and designs (no
patents), WIPO/Madrid is the international trademark system.
"""

import re
from dataclasses import dataclass, field

TM, PAT, DES, COPY = "trademark", "patent", "design", "copyright"


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    kinds: frozenset[str]
    formats: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind -> (regex, example)
    record_url: str = ""  # where a reviewer looks the number up


OFFICES: dict[str, Office] = {o.code: o for o in [
    Office("USPTO", "United States Patent and Trademark Office", frozenset({TM, PAT, DES}),
           {TM: (r"\d{5,7}", "5123456"), PAT: (r"(US)?\d{7,8}(B[12])?", "US11234567B2"),
            DES: (r"D\d{6}", "D912345")}, "https://tsdr.uspto.gov/"),
    Office("EUIPO", "European Union Intellectual Property Office", frozenset({TM, DES}),
           {TM: (r"\d{9}", "018123456"), DES: (r"\d{9}-\d{4}", "008123456-0001")},
           "https://euipo.europa.eu/eSearch/"),
    Office("UKIPO", "UK Intellectual Property Office", frozenset({TM, PAT, DES}),
           {TM: (r"UK\d{11}|\d{7}", "UK00003123456")},
           "https://trademarks.ipo.gov.uk/ipo-tmcase"),
    Office("JPO", "Japan Patent Office", frozenset({TM, PAT, DES}),
           {TM: (r"\d{7}", "6123456"), PAT: (r"(JP)?\d{7}(B2)?", "JP7123456B2")},
           "https://www.j-platpat.inpit.go.jp/"),
    Office("CNIPA", "China National Intellectual Property Administration", frozenset({TM, PAT, DES}),
           {TM: (r"\d{6,8}", "12345678"), PAT: (r"(CN)?\d{9}B?", "CN109123456B")},
           "https://sbj.cnipa.gov.cn/"),
    Office("KIPO", "Korean Intellectual Property Office", frozenset({TM, PAT, DES}),
           {TM: (r"40-?\d{7}(-?0000)?", "40-1234567")}, "https://www.kipris.or.kr/"),
    Office("WIPO", "WIPO (Madrid international registration)", frozenset({TM}),
           {TM: (r"\d{6,7}", "1234567")}, "https://branddb.wipo.int/"),
    Office("CIPO", "Canadian Intellectual Property Office", frozenset({TM, PAT, DES}),
           {TM: (r"TMA\d{6,7}", "TMA1123456")},
           "https://ised-isde.canada.ca/cipo/trademark-search/srch"),
    Office("IPAU", "IP Australia", frozenset({TM, PAT, DES}),
           {TM: (r"\d{5,7}", "1234567")}, "https://search.ipaustralia.gov.au/trademarks/search/quick"),
    Office("INPI_BR", "INPI Brazil", frozenset({TM, PAT, DES}),
           {TM: (r"\d{9}", "912345678")}, "https://busca.inpi.gov.br/"),
    Office("DPMA", "German Patent and Trade Mark Office (DPMA)", frozenset({TM, PAT, DES}),
           {TM: (r"30\d{10}|\d{7,8}", "302019012345")}, "https://register.dpma.de/"),
    Office("INPI_FR", "INPI France", frozenset({TM, PAT, DES}),
           {TM: (r"\d{7,8}", "4567890")}, "https://data.inpi.fr/"),
    Office("IMPI", "Mexican Institute of Industrial Property (IMPI)", frozenset({TM, PAT, DES}),
           {TM: (r"\d{5,7}", "1234567")}, "https://acervomarcas.impi.gob.mx/"),
    Office("CGPDTM", "Controller General of Patents, Designs and Trade Marks (India)",
           frozenset({TM, PAT, DES}), {TM: (r"\d{6,7}", "1234567")},
           "https://tmrsearch.ipindia.gov.in/eregister/"),
    Office("OTHER", "Other office", frozenset({TM, PAT, DES, COPY})),
]}

OFFICE_CHOICES: list[tuple[str, str]] = [(o.code, o.name) for o in OFFICES.values()]
GENERIC_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9./-]{1,39}")
_SEPARATORS = re.compile(r"[\s,]")


def normalize_number(raw: str) -> str:
    return _SEPARATORS.sub("", raw or "").upper()


def offices_for_kind(kind: str) -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in OFFICES.values() if kind in o.kinds]


def number_problem(*, office: str, kind: str, number: str) -> str | None:
    """Why `number` (normalized) cannot be a `kind` number at `office`, or None if it can."""
    o = OFFICES.get(office)
    if o is None:
        return f"“{office}” is not an office we know. Choose one from the list, or “Other office”."
    fmt = o.formats.get(kind)
    if fmt is not None:
        regex, example = fmt
        if not re.fullmatch(regex, number):
            return f"{number} is not a {o.code} {kind} number; they look like {example}."
    elif not GENERIC_NUMBER.fullmatch(number):
        return "Use 2–40 letters, digits, dashes, dots or slashes, as printed on the registration."
    return None
