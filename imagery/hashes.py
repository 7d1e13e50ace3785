"""From bytes to what is compared: the file's SHA-256, its 64-bit pHash (the certificates' own
function, so a certified work and a listing photo are hashed alike), a small thumbnail, and a
256-bit PDQ for installations whose marketplace sends PDQ hashes instead of pictures.

The bytes are judged first by evidence.content.detect: PNG, JPEG or WebP only, and a picture whose
header declares too many pixels (a decompression bomb) is refused before a pixel is decoded.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from certificates import fingerprints as fp
from evidence.content import Refused, detect
from evidence.models import EvidenceType

THUMB_SIDE = 240
IMAGE_TYPES = {EvidenceType.PNG, EvidenceType.JPEG, EvidenceType.WEBP}


CROP_BOTTOM = 0.15  # the "crop" view drops the bottom 15%: where resellers lay a caption bar


@dataclass(frozen=True)
class Hashed:
    sha256: str
    phash: int  # signed 64-bit, of the whole picture (certificates.fingerprints.image_phash)
    bands: tuple[int, int, int, int]
    pdq: str  # 64 hex characters
    width: int
    height: int
    thumbnail: bytes  # JPEG
    crop_phash: int  # the picture without its bottom CROP_BOTTOM: a caption bar laid there is gone
    crop_pdq: str
    mirror_phash: int  # the picture mirrored left-right (kept for references: a mirrored copy matches it)
    mirror_pdq: str


def image_hash(data: bytes) -> Hashed:
    """Everything kept about one picture, or Refused with the reason (not an image, too many
    pixels, unreadable, blank)."""
    detected = detect(data)
    if detected.content_type not in IMAGE_TYPES:
        raise Refused(f"it is not an image (it reads as {detected.content_type}).")
    phash = fp.to_signed(fp.image_phash(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            rgb = _flatten(img)
    w, h = rgb.size
    cropped = rgb.crop((0, 0, w, max(1, int(h * (1 - CROP_BOTTOM)))))
    mirrored = ImageOps.mirror(rgb)
    return Hashed(sha256=hashlib.sha256(data).hexdigest(), phash=phash, bands=tuple(fp.bands(phash)),
                  pdq=pdq_hex(rgb), width=detected.width or w, height=detected.height or h,
                  thumbnail=_thumbnail(rgb), crop_phash=_phash(cropped), crop_pdq=pdq_hex(cropped),
                  mirror_phash=_phash(mirrored), mirror_pdq=pdq_hex(mirrored))


def _phash(rgb: Image.Image) -> int:
    """The same DCT hash as certificates.fingerprints.image_phash, of a view of the picture."""
    import imagehash

    return fp.to_signed(int(str(imagehash.phash(rgb.convert("L"))), 16))


def _flatten(img: Image.Image) -> Image.Image:
    if img.has_transparency_data:
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        background.alpha_composite(img.convert("RGBA"))
        return background.convert("RGB")
    return img.convert("RGB")


def _thumbnail(rgb: Image.Image) -> bytes:
    thumb = rgb.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()


# --- PDQ -----------------------------------------------------------------------------------
# Meta's PDQ (ThreatExchange, pdq/README): luminance, two passes of a box ("Jarosz") filter sized
# to the picture, decimation to 64 x 64, the top-left 16 x 16 of its DCT, one bit per coefficient
# above the median. A NumPy rendering of the published steps: `pdqhash` ships no wheel for this
# machine (a C++ build), so bit-for-bit agreement with Meta's implementation is not verified;
# the marketplace's hashes are compared within PDQ_MATCH_BITS, which absorbs small differences.

def _dct_matrix() -> np.ndarray:
    i = np.arange(16)[:, None]
    j = np.arange(64)[None, :]
    return np.sqrt(2.0 / 64) * np.cos(np.pi / 128.0 * (i + 1) * (2 * j + 1))


_DCT = _dct_matrix()


def _box_1d(a: np.ndarray, window: int, axis: int) -> np.ndarray:
    half = (window + 1) // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half, half)
    padded = np.pad(a, pad, mode="edge")
    csum = np.cumsum(padded, axis=axis, dtype=np.float64)
    zero = np.zeros_like(np.take(csum, [0], axis=axis))
    csum = np.concatenate([zero, csum], axis=axis)
    n = a.shape[axis]
    lo = np.arange(n) + half - window // 2
    hi = lo + window
    return (np.take(csum, hi, axis=axis) - np.take(csum, lo, axis=axis)) / window


def pdq_bits(rgb: Image.Image) -> np.ndarray:
    """256 booleans, row-major over the 16 x 16 DCT coefficients."""
    if max(rgb.size) > 256:  # downsample large pictures first (4x the 64 x 64 the filter blurs to)
        rgb = rgb.copy()
        rgb.thumbnail((256, 256))
    arr = np.asarray(rgb, dtype=np.float64)
    luma = 0.299 * arr[..., 0] + 0.587 * arr[..., 1] + 0.114 * arr[..., 2]
    h, w = luma.shape
    wy, wx = max(1, (h + 127) // 128), max(1, (w + 127) // 128)
    for _ in range(2):
        luma = _box_1d(_box_1d(luma, wx, axis=1), wy, axis=0)
    ys = ((np.arange(64) + 0.5) * h / 64).astype(int)
    xs = ((np.arange(64) + 0.5) * w / 64).astype(int)
    small = luma[np.ix_(ys, xs)]
    coeffs = _DCT @ small @ _DCT.T
    return (coeffs > np.median(coeffs)).reshape(256)


def pdq_hex(rgb: Image.Image) -> str:
    bits = pdq_bits(rgb)
    return np.packbits(bits).tobytes().hex()


def pdq_distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()
