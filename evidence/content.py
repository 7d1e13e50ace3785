"""Decide what an uploaded file is from its bytes alone, and refuse anything not on the allowlist.

Accepted: PDF, PNG, JPEG, WebP, UTF-8 plain text and CSV. The name and the browser's
Content-Type are never consulted: a file called photo.png whose bytes are HTML is HTML.
Known-dangerous kinds are recognised first so the refusal can say what the file really is.
"""

import io
import logging
import re
import warnings
import zlib
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, IndirectObject

from .models import EvidenceType

log = logging.getLogger("ipportal.evidence")

ACCEPTED = "PDF, PNG, JPEG, WebP, plain text (UTF-8) or CSV"

# Checked in order, at offset 0. (magic, what it is, what to do instead)
REFUSED_MAGIC: list[tuple[bytes, str, str]] = [
    (b"\x7fELF", "a program (ELF executable)", "Programs are never accepted as evidence."),
    (b"MZ", "a Windows program (PE/MZ executable)", "Programs are never accepted as evidence."),
    (b"\xfe\xed\xfa\xce", "a macOS program (Mach-O)", "Programs are never accepted as evidence."),
    (b"\xfe\xed\xfa\xcf", "a macOS program (Mach-O)", "Programs are never accepted as evidence."),
    (b"\xce\xfa\xed\xfe", "a macOS program (Mach-O)", "Programs are never accepted as evidence."),
    (b"\xcf\xfa\xed\xfe", "a macOS program (Mach-O)", "Programs are never accepted as evidence."),
    (b"\xca\xfe\xba\xbe", "a program (Mach-O universal binary or Java class)",
     "Programs are never accepted as evidence."),
    (b"#!", "a script (it starts with #!)", "Scripts are never accepted; paste the relevant text into a .txt file."),
    (b"PK\x03\x04", "an archive (ZIP; Word, Excel and other Office files are ZIP inside)",
     "Upload the files inside it one by one, or save documents as PDF."),
    (b"PK\x05\x06", "an archive (ZIP)", "Upload the files inside it one by one."),
    (b"\x1f\x8b", "an archive (gzip)", "Upload the files inside it one by one."),
    (b"Rar!\x1a\x07", "an archive (RAR)", "Upload the files inside it one by one."),
    (b"7z\xbc\xaf\x27\x1c", "an archive (7-Zip)", "Upload the files inside it one by one."),
    (b"BZh", "an archive (bzip2)", "Upload the files inside it one by one."),
    (b"\xfd7zXZ\x00", "an archive (xz)", "Upload the files inside it one by one."),
]

# Markup a browser would render or run. Looked for in the first KB of every file, whatever it
# claims to be (a PDF or an image that carries these is a polyglot, built to be sniffed as HTML),
# and in the whole of a text file (the first KB only let "<script>" through after 1,024 bytes).
MARKUP = re.compile(
    rb"<\s*(svg|html|script|body|head|iframe|object|embed|frameset|meta|link|style|!doctype\s+(html|svg))\b"
    rb"|<\?xml",
    re.IGNORECASE,
)
SVG = re.compile(rb"<\s*svg\b|<!doctype\s+svg", re.IGNORECASE)
# PDF names that run code or carry other files when opened in a reader, looked for after each
# name's #xx escapes are decoded (/J#61vaScript is /JavaScript), in the file and inside its
# object streams (/ObjStm: compressed dictionaries), decompressed. Not a full parser (pypdf is
# not a dependency): an object stream compressed other than with Flate cannot be read, so is
# refused. Other streams (images, fonts, page content) hold no dictionaries and are not inflated.
PDF_ACTIVE_NAMES = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
PDF_MAX_INFLATED_BYTES = 64 * 1024 * 1024  # all streams of one file, decompressed
PIL_FORMATS = {"PNG": EvidenceType.PNG, "JPEG": EvidenceType.JPEG, "WEBP": EvidenceType.WEBP}


class Refused(Exception):
    """The file is not acceptable; the message says why and what to do, without the file name."""


@dataclass(frozen=True)
class Detected:
    content_type: str
    width: int | None = None
    height: int | None = None


def detect(data: bytes) -> Detected:
    """What `data` is, or Refused with the reason. Bounds come from settings.EVIDENCE_*."""
    if not data:
        raise Refused("it is empty.")
    if len(data) >= 262 and data[257:262] == b"ustar":
        raise Refused("it is an archive (tar). Upload the files inside it one by one.")
    for magic, what, advice in REFUSED_MAGIC:
        if data.startswith(magic):
            raise Refused(f"it is {what}. {advice}")
    head = data[:1024]
    if SVG.search(head):
        raise Refused("it is an SVG image, which can carry scripts. Convert it to PNG or PDF.")
    markup = MARKUP.search(head)
    if markup:
        raise Refused("its content is HTML or XML (web-page markup), which a browser could run. "
                      "Save the page as PDF or take a screenshot (PNG).")
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff") or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    ):
        return _image(data)
    return _text(data)


def _pdf(data: bytes) -> Detected:
    if b"%%EOF" not in data[-1024:]:
        raise Refused("it starts like a PDF but is incomplete or damaged (no end marker). Save it again as PDF.")
    active = pdf_active_name(data) or pdf_parsed_active_name(data)
    if active:
        raise Refused(f"it is a PDF with active content (/{active}). "
                      "Print it to a new PDF without scripts or attachments.")
    return Detected(EvidenceType.PDF)


# What pypdf's object walk refuses: a dictionary key, or the /S (action type) or /Type of a dictionary.
PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}
PDF_MAX_OBJECTS = 200_000


def pdf_parsed_active_name(data: bytes) -> str | None:
    """The same question asked of a real parser (pypdf): every indirect object, those inside object
    streams included, with names as the parser decodes them, and the document's /OpenAction and /AA.
    A PDF pypdf cannot parse (many small generators write no xref table) keeps the byte scan's answer;
    an encrypted one is refused, since neither scan can read inside it."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused("it is an encrypted PDF, which cannot be checked. Save it without a password.")
        ids = [(num, gen) for gen, nums in reader.xref.items() for num in nums]
        ids += [(num, 0) for num in reader.xref_objStm]
        if len(ids) > PDF_MAX_OBJECTS:
            raise Refused("it is a PDF with too many objects to check. Print it to a new PDF.")
        objects = [reader.trailer]
        for num, gen in ids:
            try:
                objects.append(reader.get_object(IndirectObject(num, gen, reader)))
            except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
                continue
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - a parser failure leaves the byte scan's verdict
        log.info("pypdf could not parse an uploaded PDF; the byte scan's verdict stands")
        return None
    for obj in objects:
        if not isinstance(obj, DictionaryObject):
            obj = getattr(obj, "get_object", lambda o=obj: o)()
            if not isinstance(obj, DictionaryObject):
                continue
        for key in obj.keys():
            if key in PDF_ACTIVE_KEYS:
                return key[1:]
        for key in ("/S", "/Type", "/Subtype"):
            value = obj.get(key)
            if isinstance(value, str) and value in PDF_ACTIVE_ACTIONS | {"/EmbeddedFile"}:
                return value[1:]
    return None


def _pdf_names(chunk: bytes):
    for match in _PDF_NAME.finditer(chunk):
        yield _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0)[1:])


def _pdf_chunks(data: bytes):
    """The file itself, then each object stream's content decompressed (FlateDecode), within
    PDF_MAX_INFLATED_BYTES in all. Refused: an object stream that cannot be decompressed."""
    yield data
    budget = PDF_MAX_INFLATED_BYTES
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        header_at = data.rfind(b"obj", max(0, match.start() - 4096), match.start())
        header = set(_pdf_names(data[header_at if header_at >= 0 else max(0, match.start() - 512):match.start()]))
        if b"ObjStm" not in header:
            continue  # an image, a font, a page's content: no dictionaries in there
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(data[start:end], budget + 1)
        except zlib.error:
            raise Refused("it is a PDF whose object stream is compressed in a way we cannot inspect. "
                          "Print it to a new PDF.") from None
        budget -= len(inflated)
        if budget < 0 or inflater.unconsumed_tail:
            raise Refused("it is a PDF that is too large once decompressed. Print it to a new PDF.")
        yield inflated


def pdf_active_name(data: bytes) -> str | None:
    """The first name of active content in the PDF (JavaScript, launch, embedded files…), its
    escapes decoded, in the file or its compressed streams; None when there is none."""
    for chunk in _pdf_chunks(data):
        for name in _pdf_names(chunk):
            if name in PDF_ACTIVE_NAMES:
                return name.decode("latin-1")
    return None


def _image(data: bytes) -> Detected:
    max_side, max_pixels = settings.EVIDENCE_MAX_IMAGE_SIDE, settings.EVIDENCE_MAX_IMAGE_PIXELS
    bounds = (f"images may be at most {max_side:,} × {max_side:,} pixels and "
              f"{max_pixels / 1e6:g} megapixels. Scale it down.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                kind = PIL_FORMATS.get(img.format or "")
                width, height = img.size
                # Read only the header so far: check the size before decoding a single pixel.
                if width > max_side or height > max_side or width * height > max_pixels:
                    raise Refused(f"it is {width:,} × {height:,} pixels; {bounds}")
                if kind is None:
                    raise Refused(f"it is not an accepted type. Accepted: {ACCEPTED}.")
                img.load()  # decode fully: a truncated or corrupt image fails here
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(f"it is too large when decoded; {bounds}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Refused(f"it starts like an image but cannot be read as one ({exc.__class__.__name__}). "
                      "Export it again as PNG or JPEG.") from None
    return Detected(kind, width=width, height=height)


def _text(data: bytes) -> Detected:
    if MARKUP.search(data):
        raise Refused("its content includes HTML or XML (web-page markup), which a browser could run. "
                      "Remove the markup, or save the page as PDF or take a screenshot (PNG).")
    if b"\x00" in data:
        raise Refused(f"it contains NUL bytes, so it is not plain text, and it is not an accepted type. "
                      f"Accepted: {ACCEPTED}.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"it is not an accepted type (not UTF-8 text, PDF or a known image). "
                      f"Accepted: {ACCEPTED}. Save text as UTF-8.") from None
    return Detected(EvidenceType.TEXT)
