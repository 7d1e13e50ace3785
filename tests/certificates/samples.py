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
