"""Fill zh_Hans translations into a catalog from a tab-separated file of `msgid<TAB>msgstr` lines.

    python scripts/po_fill.py accounts/locale/zh_Hans/LC_MESSAGES/django.po translations.tsv

Entries already translated are kept unless the TSV gives a new text; fuzzy marks are cleared for
entries it fills. Prints what is still untranslated. `make messages` compiles the .mo files.
"""

import sys

import polib


def main(po_path: str, tsv_path: str) -> int:
    mapping = {}
    with open(tsv_path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or "\t" not in line:
                continue
            msgid, msgstr = line.split("\t", 1)
            mapping[msgid.replace("\\n", "\n")] = msgstr.replace("\\n", "\n")
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid in mapping:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: mapping[entry.msgid]}
            else:
                entry.msgstr = mapping[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
