"""Pictures made on the spot for imagery's tests, the bench and the browser test: logos (a mark
on a plain ground) and product-like photos (tests/certificates/samples.picture), and the copies a
counterfeiter makes of them."""

import io
import random

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from ..certificates.samples import encode, picture


def logo(seed: int, size: tuple[int, int] = (400, 400)) -> Image.Image:
    """A figurative mark: a few bold shapes and letters on a light ground."""
    rng = random.Random(seed * 7919 + 1)
    w, h = size
    ground = tuple(rng.randrange(200, 256) for _ in range(3))
    img = Image.new("RGB", size, ground)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randrange(3, 6)):
        colour = tuple(rng.randrange(0, 160) for _ in range(3))
        x0, y0 = rng.randrange(w // 2), rng.randrange(h // 2)
        x1, y1 = x0 + rng.randrange(w // 5, w // 2), y0 + rng.randrange(h // 5, h // 2)
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
    letters = "".join(rng.choice("ACEGKMNRSTWXZ") for _ in range(3))
    draw.text((w // 3, int(h * 0.8)), letters, fill=(0, 0, 0), font_size=48)
    return img


def product(seed: int) -> Image.Image:
    return picture(seed + 50_000)


def caption_bar(img: Image.Image, text: str = "BEST PRICE - free shipping") -> Image.Image:
    """A banner laid over the bottom 12% of the picture, as resellers add."""
    out = img.copy()
    w, h = out.size
    bar = int(h * 0.12)
    draw = ImageDraw.Draw(out)
    draw.rectangle([0, h - bar, w, h], fill=(200, 0, 0))
    draw.text((8, h - bar + bar // 4), text, fill=(255, 255, 255), font_size=max(10, bar // 2))
    return out


def reencode(img: Image.Image, quality: int = 30) -> Image.Image:
    return Image.open(io.BytesIO(encode(img.convert("RGB"), "JPEG", quality=quality))).convert("RGB")


def copies(img: Image.Image) -> dict[str, Image.Image]:
    """The copies the bench measures, by name."""
    w, h = img.size
    return {
        "reencode_jpeg_q30": reencode(img),
        "resize_50pct": img.resize((w // 2, h // 2), Image.LANCZOS),
        "resize_200pct": img.resize((w * 2, h * 2), Image.LANCZOS),
        "caption_bar": caption_bar(img),
        "reencode_caption": reencode(caption_bar(img), 40),
        "crop_10pct": img.crop((int(w * .05), int(h * .05), int(w * .95), int(h * .95))),
        "mirrored": ImageOps.mirror(img),
        "colour_shift": ImageEnhance.Color(img).enhance(0.5).point(lambda v: min(255, v + 12)),
    }


def jpeg(img: Image.Image, quality: int = 90) -> bytes:
    return encode(img.convert("RGB"), "JPEG", quality=quality)


def png(img: Image.Image) -> bytes:
    return encode(img, "PNG")
