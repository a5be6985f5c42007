"""Uploads (signed contracts, transfer receipts): PDF, JPG or PNG, ≤ 10 MB, type checked by content.

The file name's extension and the browser's content type are not trusted: the first bytes decide.
"""

from django.utils.translation import gettext as _

from mcu_console.exceptions import InvalidInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def sniff_type(head: bytes) -> str | None:
    """'pdf', 'jpg' or 'png' from a file's first bytes, or None."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def validate_document(upload, *, field: str = "file") -> str:
    """Refuse an oversized or non-PDF/JPG/PNG upload (InvalidInput, 422); return its real type."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise InvalidInput(_("The file is empty."), details={field: "empty"})
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("The file is too large (%(mb).1f MB); at most 10 MB is accepted.") % {"mb": size / 1024 / 1024},
            details={field: "too_large"},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_type(head)
    if kind is None:
        raise InvalidInput(
            _("Only PDF, JPG or PNG files are accepted; this file is none of them, whatever its name says."),
            details={field: "wrong_type"},
        )
    return kind
