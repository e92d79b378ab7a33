"""Regenerate stp_crm/i18n/vi.po from stp_crm/i18n/stp_crm.pot and scripts/vi_terms*.py.

Export the .pot first (make pot). Untranslated terms are listed and left empty,
so the translation test fails until a translator fills them in vi_terms.py.
"""

import pathlib
import sys

import polib

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from vi_terms import load_terms  # noqa: E402

VI = load_terms()

I18N = pathlib.Path(__file__).resolve().parent.parent / "stp_crm" / "i18n"


def main():
    pot = polib.pofile(str(I18N / "stp_crm.pot"))
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata, Language="vi", **{"Plural-Forms": "nplurals=1; plural=0;"})
    missing = []
    for entry in pot:
        entry.msgstr = VI.get(entry.msgid, "")
        if not entry.msgstr:
            missing.append(entry.msgid)
        po.append(entry)
    po.save(str(I18N / "vi.po"))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
