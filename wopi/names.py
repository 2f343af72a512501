"""File names of the WOPI host: extensions, legal names, and the UTF-7 of WOPI name headers (contract §16.4, §16.5).

Pure functions, no database: the services pick a free name with them and the views decode headers with them.
"""

from __future__ import annotations

import re

MAX_STEM_CHARS = 250
MAX_EXTENSION_CHARS = 40
_ILLEGAL = re.compile(r"[\x00-\x1f\x7f/\\]")
# Room for " (9999)" when a derived name needs a number, so a derived stem stays within MAX_STEM_CHARS.
_DERIVED_STEM_CHARS = MAX_STEM_CHARS - 8


def split_name(name: str) -> tuple[str, str]:
    """``(stem, extension with its dot)``: ``"a.b.docx"`` → ``("a.b", ".docx")``; no dot → no extension."""
    stem, dot, extension = name.rpartition(".")
    return (stem, dot + extension) if dot else (name, "")


def name_is_legal(name: str) -> bool:
    """Not empty, no control character, no ``/`` or ``\\``, a non-blank stem of at most 250 characters
    (WOPI's ``FileNameMaxLength`` default) and an extension of at most 40."""
    stem, extension = split_name(name)
    return (
        bool(stem.strip())
        and _ILLEGAL.search(name) is None
        and len(stem) <= MAX_STEM_CHARS
        and len(extension) <= MAX_EXTENSION_CHARS
    )


def legal_stem(stem: str) -> str:
    """A stem made legal: illegal characters become ``_``, blanks at the ends go, long stems are cut.

    May be empty (a blank request): the caller then has no name to derive from.
    """
    return _ILLEGAL.sub("_", stem).strip()[:_DERIVED_STEM_CHARS].rstrip()


def legal_extension(extension: str) -> str:
    """An extension made legal the same way (dot kept), cut to 40 characters; "" when nothing is left."""
    cleaned = _ILLEGAL.sub("_", extension).strip()[:MAX_EXTENSION_CHARS].rstrip()
    return cleaned if len(cleaned) > 1 else ""


def numbered_names(stem: str, extension: str, *, limit: int) -> list[str]:
    """The names to try, in order: ``stem.ext``, ``stem (2).ext``, … ``stem (limit).ext``."""
    return [f"{stem}{extension}"] + [f"{stem} ({n}){extension}" for n in range(2, limit + 1)]


def utf7_decode(value: str) -> str:
    """A WOPI name header (UTF-7, RFC 2152) as text. A header that is not ASCII was sent as raw UTF-8 by a
    client that ignores the rule: it is read as such. Anything undecodable raises ValueError, and so does
    UTF-7 that decodes to a lone surrogate (``+2D0-``), which no file name or database can hold."""
    text = value.encode("ascii").decode("utf-7") if value.isascii() else value.encode("latin-1").decode("utf-8")
    text.encode("utf-8")  # UnicodeEncodeError (a ValueError) on a lone surrogate
    return text


def utf7_encode(text: str) -> str:
    """Text as a WOPI name header value (UTF-7, ASCII only)."""
    return text.encode("utf-7").decode("ascii")
