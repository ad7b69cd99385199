"""Evidence files: PDF, PNG or JPEG, recognised by their content, within a size limit.

The file name's extension is only a hint: a file is accepted when its first bytes are those of
one of the allowed formats and its extension agrees, so an executable renamed to .pdf or a
Word document is refused before anything is stored.
"""

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lindungi.core.errors import InvalidInput

UPLOAD_DIR = "awards/evidence"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    suffix: str
    suffixes: frozenset[str]
    signature: bytes


PDF = FileKind("application/pdf", ".pdf", frozenset({".pdf"}), b"%PDF-")
PNG = FileKind("image/png", ".png", frozenset({".png"}), b"\x89PNG\r\n\x1a\n")
JPEG = FileKind("image/jpeg", ".jpg", frozenset({".jpg", ".jpeg"}), b"\xff\xd8\xff")
EVIDENCE_KINDS = (PDF, PNG, JPEG)
IMAGE_KINDS = (PNG, JPEG)


def max_bytes() -> int:
    return int(getattr(settings, "LINDUNGI_AWARD_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    content: bytes
    sha256: str


def check_file(
    uploaded_file: UploadedFile, *, kinds: tuple[FileKind, ...] = EVIDENCE_KINDS
) -> CheckedFile:
    """Refuse a file that is empty, too large, or not what its content says; else return it."""
    name = uploaded_file.name or ""
    limit = max_bytes()
    size = uploaded_file.size or 0
    if size > limit:
        raise InvalidInput(
            _("%(file)s is %(size)s; evidence may be at most %(limit)s.")
            % {"file": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    content = b"".join(uploaded_file.chunks())
    if not content:
        raise InvalidInput(_("%(file)s is empty.") % {"file": name}, code="file_empty")
    allowed = ", ".join(sorted({kind.suffix.lstrip(".").upper() for kind in kinds}))
    kind = next((kind for kind in kinds if content.startswith(kind.signature)), None)
    if kind is None:
        raise InvalidInput(
            _("%(file)s is not a %(allowed)s file (judged by its content, not its name).")
            % {"file": name, "allowed": allowed},
            code="file_type",
        )
    if Path(name).suffix.lower() not in kind.suffixes:
        raise InvalidInput(
            _("%(file)s holds a %(actual)s file but its name says otherwise: name it %(suffix)s.")
            % {"file": name, "actual": kind.suffix.lstrip(".").upper(), "suffix": kind.suffix},
            code="file_name_mismatch",
        )
    return CheckedFile(kind=kind, content=content, sha256=hashlib.sha256(content).hexdigest())


def store(checked: CheckedFile, *, folder: str) -> str:
    """Write the file under MEDIA_ROOT; return its path relative to it."""
    relative = f"{UPLOAD_DIR}/{folder}/{uuid.uuid4().hex}{checked.kind.suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(checked.content)
    return relative


def absolute(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative
