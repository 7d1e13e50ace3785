"""Tiny files of each kind, made in the test: valid ones of every accepted type and the refused kinds."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
       b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")


def image(fmt: str, size=(40, 30), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color=0 if mode == "1" else (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


def upload(name: str, data: bytes, claimed: str = "image/png") -> SimpleUploadedFile:
    """An upload as a browser sends it; `claimed` is the Content-Type the client asserts (ignored)."""
    return SimpleUploadedFile(name, data, content_type=claimed)


def accepted_samples() -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, bytes, detected content type)"""
    return {
        "pdf": ("notice.pdf", PDF, "application/pdf"),
        "png": ("shot.png", image("PNG"), "image/png"),
        "jpeg": ("photo.jpg", image("JPEG"), "image/jpeg"),
        "webp": ("photo.webp", image("WEBP"), "image/webp"),
        "text": ("notes.txt", "Test buy 4711: logo misprinted — “ACME”.\n".encode(), "text/plain"),
        "csv": ("orders.csv", b"order_id,listing\n4711,L-1\n4712,L-2\n", "text/plain"),
    }


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20 + b"evidence.pdf"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def refused_samples() -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, bytes, words the refusal must contain)"""
    return {
        "svg": ("logo.svg", SVG, "SVG image"),
        "svg-without-xml-prolog": ("logo.svg", SVG.split(b"\n", 1)[1], "SVG image"),
        "html-named-png": ("screenshot.png", HTML, "HTML"),
        "zip": ("evidence.zip", ZIP, "archive (ZIP"),
        "docx": ("letter.docx", ZIP, "archive (ZIP"),
        "gzip": ("logs.txt.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "archive (gzip)"),
        "rar": ("a.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 20, "archive (RAR)"),
        "7z": ("a.7z", b"7z\xbc\xaf\x27\x1c" + b"\x00" * 20, "archive (7-Zip)"),
        "elf": ("invoice.pdf", ELF, "ELF executable"),
        "mz": ("photo.jpg", MZ, "PE/MZ executable"),
        "macho": ("tool", b"\xcf\xfa\xed\xfe" + b"\x00" * 28, "Mach-O"),
        "shebang": ("notes.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
        "pdf-with-html": ("notice.pdf", PDF[:9] + HTML + PDF[9:], "HTML"),
        "pdf-with-javascript": ("notice.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction "
                                                          b"<< /S /JavaScript /JS (app.alert(1)) >>"),
                                "active content"),
        "truncated-pdf": ("notice.pdf", PDF[:40], "incomplete or damaged"),
        "png-header-only": ("shot.png", image("PNG")[:40], "cannot be read"),
        "text-with-nul": ("notes.txt", b"order 4711\x00\x00\x00 listing", "NUL bytes"),
        "latin1-text": ("notes.txt", "Bestellung für Müller".encode("latin-1"), "not UTF-8"),
        "gif": ("anim.gif", image("GIF"), "not an accepted type"),
        "empty": ("empty.pdf", b"", "empty"),
    }
