"""What a practice's material may be: a document, a table, a presentation, a picture or plain text,
recognised by its name *and* its first bytes (a page renamed to «.pdf» is refused)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_HEAD = 4096
_ZIP = (b"PK\x03\x04",)
MATERIAL_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": ("text/plain", ()),
}
# Text that a browser would take for a page or a script: never accepted as «.txt».
_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


def max_bytes() -> int:
    """The largest material, from the setting ``OPORA_PRACTICE_MATERIAL_MAX_BYTES`` (20 МБ by default)."""
    return int(getattr(settings, "OPORA_PRACTICE_MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedMaterial:
    name: str
    suffix: str
    content_type: str


def _plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    folded = head.lstrip().lower()
    if any(marker in folded for marker in _MARKUP):
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            # The head of a long file may end inside a character: that is not an error.
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < _HEAD)
        except UnicodeDecodeError:
            continue
        return True
    return False


def material_check(upload) -> CheckedMaterial:
    """The upload's name, suffix and content type, or a ValidationError in Russian."""
    name = PurePosixPath((upload.name or "файл").replace("\\", "/")).name[:255] or "файл"
    suffix = PurePosixPath(name).suffix.lower()
    limit = max_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": [f"«{name}»: файл пуст."]})
    if upload.size > limit:
        raise ValidationError(
            {"file": [f"«{name}»: файл больше {limit // (1024 * 1024)} МБ; уменьшите его или разделите на части."]}
        )
    if suffix not in MATERIAL_TYPES:
        allowed = ", ".join(sorted(MATERIAL_TYPES))
        raise ValidationError({"file": [f"«{name}»: такие файлы не принимаются; можно {allowed}."]})
    content_type, signatures = MATERIAL_TYPES[suffix]
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    fits = _plain_text(head) if not signatures else any(head.startswith(signature) for signature in signatures)
    if not fits:
        raise ValidationError({"file": [f"«{name}»: содержимое не похоже на файл {suffix}."]})
    return CheckedMaterial(name=name, suffix=suffix, content_type=content_type)
