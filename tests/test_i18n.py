"""Translations are complete: every catalog entry has a Chinese text, and the compiled .mo matches it.

.ci/run refreshes the catalogs from the sources (`make messages`) before the suite, so a new string
without a translation fails here.
"""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(
    p for p in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
) + [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"]


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == []
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `make messages`"
    with mo_path.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in po.translated_entries():
        if entry.msgid_plural or entry.msgctxt:
            continue
        assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid
