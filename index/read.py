"""Stage 1 — read: decode a corpus file and recognise its layout."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class ReadError(Exception):
    """A file that cannot be read as a document; the message names the file."""


@dataclass
class RawDocument:
    """The decoded text of one file and how it was laid out."""

    path: str
    name: str
    text: str
    encoding: str  # "utf-8", "utf-8-sig" (with a BOM), "utf-16" (with a BOM) or "gb18030"
    layout: str  # "paged" | "wrapped" | "markdown"
    lang: str  # "zh" | "en"


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters mean this is not a text document."""
    if b"\x00" in data:
        return True
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.01


def _plausible(text: str) -> bool:
    """Decoded text should be mostly CJK, ASCII and common punctuation, not mojibake."""
    if not text.strip():
        return False
    good = sum(
        1
        for ch in text
        if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·《》〈〉¹²³⁰⁴⁵⁶⁷⁸⁹"
    )
    return good / len(text) > 0.9


def display_name(path: str | Path) -> str:
    """A file's name as it can be printed and stored: bytes that are not UTF-8 become �."""
    return Path(path).name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: it decodes as UTF-16 to readable text."""
    sample = data[: 8192 - 8192 % 2] if len(data) % 2 == 0 else b""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ch < "\t" or "\r" < ch < " ")
        if len(text) >= 8 and controls <= len(text) * 0.01 and _plausible(text):
            return True
    return False


def _utf8(data: bytes) -> str:
    """UTF-8, forgiving only a last character cut short (a truncated copy keeps its text)."""
    return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 or UTF-16 (with a BOM), UTF-8 or GB18030; return (text, encoding)."""
    if data.startswith(BOM):
        try:
            return _utf8(data[len(BOM):]), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ValueError(f"starts with a UTF-8 byte-order mark but is not UTF-8 "
                             f"(byte {exc.start + len(BOM)})") from exc
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ValueError("starts with a UTF-16 byte-order mark but is not UTF-16") from exc
    try:
        return _utf8(data), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError("unknown encoding (neither UTF-8 nor GB18030)") from exc
    if not _plausible(text):
        raise ValueError("unknown encoding (not UTF-8; GB18030 gives no readable text)")
    return text, "gb18030"


def detect_layout(text: str) -> str:
    """Say how the extraction laid the text out: markdown residue, hard-wrapped, or paged."""
    if re.search(r"\]\(#\)|\\\(|\\\)", text):
        return "markdown"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    bare_numbers = sum(1 for ln in lines if re.fullmatch(r"\s*\d{1,3}\s*", ln))
    indented = sum(1 for ln in lines if re.match(r" \S", ln))
    if lines and bare_numbers >= 3 and indented > len(lines) * 0.1:
        return "wrapped"
    return "paged"


def detect_language(text: str) -> str:
    """Chinese when CJK characters dominate the letters, else English."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk >= latin * 0.2 else "en"


def read(path: str | Path) -> RawDocument:
    """Read one corpus file; raise ReadError naming the file when it is not a usable document."""
    path = Path(path)
    name = display_name(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{name}: cannot be read ({exc.strerror})") from exc
    if not data.strip():
        raise ReadError(f"{name}: the file is empty")
    if not data.startswith(UTF16_BOMS) and _looks_binary(data):
        if _looks_utf16(data):
            raise ReadError(f"{name}: UTF-16 without a byte-order mark; save it as UTF-8")
        raise ReadError(f"{name}: a binary file, not a text document")
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise ReadError(f"{name}: {exc}") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawDocument(
        path=str(path),
        name=name,
        text=text,
        encoding=encoding,
        layout=detect_layout(text),
        lang=detect_language(text),
    )
