"""What identifies a work beyond its bytes: a perceptual hash for images, a normalized text with
its SimHash for text. Both are 64-bit, so one index (four 16-bit bands, models.Certificate)
serves both kinds of near-duplicate search.

Images: pHash (ImageHash's DCT hash, 64 bits). Measured in bench/certificates_bench.py
(--recall): resized, re-encoded and slightly edited copies stay within a few bits; see
docs/certificates.md for the figures and why pHash rather than PDQ.

Text: SimHash over 3-word shingles of the normalized text (NFKC, case-folded, words only), each
shingle hashed with BLAKE2b to 64 bits (Charikar 2002; Manku et al. 2007 use 64 bits and k = 3).
"""

import hashlib
import io
import re
import unicodedata
import warnings

from evidence.content import Refused

MIN_WORDS = 40  # below this, three-word shingles are too few for SimHash to tell works apart
SHINGLE = 3
MAX_PDF_PAGES = 500
BLANK_STDDEV = 2.0  # grey levels: an image this flat has no picture to fingerprint
BAND_BITS = 16
BANDS = 4
WORD = re.compile(r"\w+", re.UNICODE)


def to_signed(h: int) -> int:
    """A 64-bit unsigned hash as the signed BIGINT the database keeps."""
    return h - (1 << 64) if h >= 1 << 63 else h


def to_unsigned(h: int) -> int:
    return h + (1 << 64) if h < 0 else h


def bands(h: int) -> list[int]:
    """The four 16-bit bands of a 64-bit hash, most significant first."""
    h = to_unsigned(h)
    return [(h >> (BAND_BITS * (BANDS - 1 - i))) & 0xFFFF for i in range(BANDS)]


def hamming(a: int, b: int) -> int:
    return (to_unsigned(a) ^ to_unsigned(b)).bit_count()


def image_phash(data: bytes) -> int:
    """pHash of an image already accepted by evidence.content.detect; Refused when it is blank."""
    import imagehash
    from PIL import Image, ImageStat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            if img.has_transparency_data:
                # Transparent pixels count as white, as they show on a page.
                background = Image.new("RGBA", img.size, (255, 255, 255, 255))
                background.alpha_composite(img.convert("RGBA"))
                img = background
            grey = img.convert("L")
            if max(ImageStat.Stat(grey).stddev) < BLANK_STDDEV:
                raise Refused("the image is empty or a single flat colour, so there is no work to fingerprint.")
            return int(str(imagehash.phash(grey)), 16)


def normalize_text(text: str) -> list[str]:
    """The words of a text as compared: NFKC, case-folded, punctuation and spacing dropped."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def text_check(words: list[str]) -> None:
    if len(words) < MIN_WORDS:
        raise Refused(f"the text has {len(words)} word{'s' if len(words) != 1 else ''}, too short to "
                      f"fingerprint: a text work needs at least {MIN_WORDS} words.")


def normalized_sha256(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def simhash(words: list[str]) -> int:
    """64-bit SimHash over the text's 3-word shingles."""
    counts = [0] * 64
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    for shingle in shingles:
        h = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if (h >> bit) & 1 else -1
    return sum(1 << bit for bit in range(64) if counts[bit] > 0)


def pdf_text(data: bytes) -> str:
    """The text of a PDF already accepted by evidence.content.detect."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise Refused("the PDF is encrypted. Save it again without a password.")
            if len(reader.pages) > MAX_PDF_PAGES:
                raise Refused(f"the PDF has {len(reader.pages)} pages; at most {MAX_PDF_PAGES} are read.")
            return "\n".join(page.extract_text() or "" for page in reader.pages)
    except Refused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise Refused(f"its text cannot be read as a PDF ({exc.__class__.__name__}). "
                      "Export it again as PDF or upload the text as a .txt file.") from None


def near_values(band: int, radius: int) -> list[int]:
    """A band's value and every value within `radius` bits of it (radius 0, 1 or 2)."""
    out = [band]
    if radius >= 1:
        out += [band ^ (1 << i) for i in range(BAND_BITS)]
    if radius >= 2:
        out += [band ^ (1 << i) ^ (1 << j) for i in range(BAND_BITS) for j in range(i + 1, BAND_BITS)]
    return out


def band_radius(max_distance: int) -> int:
    """Multi-index hashing: two hashes within `max_distance` bits agree on some band to within
    this many bits (pigeonhole over four bands: 4 · (r + 1) > max_distance)."""
    return max_distance // BANDS


def band_radii(max_distance: int) -> list[int]:
    """Each band's own radius, as small as the pigeonhole allows: two hashes within
    `max_distance` bits have some band i within r_i bits whenever sum(r_i + 1) > max_distance
    (were every band at least r_i + 1 apart, the hashes would differ in more). 11 bits: 2, 2, 2, 2;
    10 bits: 2, 2, 2, 1; 6 bits: 1, 1, 1, 0; -1 leaves a band out (2 bits: 0, 0, 0, -1)."""
    if max_distance < 0:
        raise ValueError("max_distance must be 0 or more")
    base, extra = divmod(max_distance + 1, BANDS)
    radii = [base - 1 + (1 if i < extra else 0) for i in range(BANDS)]
    if radii[0] > 2:
        raise ValueError(f"max_distance {max_distance} needs bands within {radii[0]} bits; at most 2 are supported")
    return radii
