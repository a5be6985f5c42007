"""The contract PDF: HTML template → WeasyPrint, with the CJK font shipped in the repo (SETUP.md).

WeasyPrint is imported lazily (≈1 s) and stays imported in the long-lived web or worker process.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
SERVICE_ITEM = "MemoryLake Compute 智能计算平台服务"  # SPEC §6: the service item, verbatim
INVOICE_ITEM = "信息技术服务费"  # SPEC: the invoice item, verbatim


def render_pdf(context: dict, *, language: str = "zh-hans") -> bytes:
    """Render the contract template in `language` (contracts are Chinese documents by default)."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("contracts/contract_pdf.html", {**context, "font_url": FONT_PATH.as_uri()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(data: dict) -> str:
    """A stable hash of the contract's data: equal data → equal fingerprint → no new version."""
    return sha256_hex(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
