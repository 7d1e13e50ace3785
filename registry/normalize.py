"""Text normalization shared by watched terms and (later) the listing matcher."""

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize_term(text: str) -> str:
    """Case- and accent-insensitive form: NFKD, combining marks dropped, casefolded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.casefold()).strip()
