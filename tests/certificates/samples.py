"""Works made on the spot: distinct pictures (random shapes over a gradient), their resized,
re-encoded and edited copies, and texts."""

import io
import random

from PIL import Image, ImageDraw, ImageEnhance

WORDS = ("river stone lantern harbor quiet meadow silver engine orchard violet thunder paper garden "
         "copper window morning falcon winter candle mirror forest island velvet signal amber canyon").split()


def picture(seed: int, size: tuple[int, int] = (512, 384)) -> Image.Image:
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    a, b = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(2)]
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / h
        draw.line([(0, y), (w, y)], fill=tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3)))
    for _ in range(rng.randrange(6, 14)):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(30, w // 2), y0 + rng.randrange(30, h // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.randrange(3)
        if shape == 0:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        elif shape == 1:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        else:
            draw.polygon([(x0, y0), (x1, y0 + rng.randrange(-50, 50)), (x0 + rng.randrange(-50, 50), y1)], fill=colour)
    return img


def encode(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def png(seed: int, **kwargs) -> bytes:
    return encode(picture(seed, **kwargs))


def resized(img: Image.Image, factor: float) -> Image.Image:
    return img.resize((max(8, int(img.width * factor)), max(8, int(img.height * factor))), Image.LANCZOS)


def edits(img: Image.Image) -> dict[str, Image.Image]:
    """The copies a near-duplicate search should catch, by name."""
    w, h = img.size
    captioned = img.copy()
    ImageDraw.Draw(captioned).text((10, h - 20), "(c) reseller 2026", fill=(255, 255, 255))
    return {
        "resized_50": resized(img, 0.5),
        "resized_25": resized(img, 0.25),
        "upscaled_150": resized(img, 1.5),
        "jpeg_q40": Image.open(io.BytesIO(encode(img, "JPEG", quality=40))),
        "webp_q50": Image.open(io.BytesIO(encode(img, "WEBP", quality=50))),
        "cropped_3pct": img.crop((int(w * .03), int(h * .03), int(w * .97), int(h * .97))),
        "brighter_10pct": ImageEnhance.Brightness(img).enhance(1.1),
        "contrast_80pct": ImageEnhance.Contrast(img).enhance(0.8),
        "caption": captioned,
        "greyscale": img.convert("L").convert("RGB"),
    }


def text(seed: int, words: int = 200) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + ("." if rng.random() < 0.1 else "") for _ in range(words))


def pdf_with_text(body: str) -> bytes:
    """A minimal one-page PDF showing `body` in Helvetica, lines of ten words."""
    words = body.split()
    lines = [" ".join(words[i:i + 10]) for i in range(0, len(words), 10)]
    ops = ["BT /F1 10 Tf 40 800 Td 12 TL"]
    for text_line in lines:
        safe = text_line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({safe}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
