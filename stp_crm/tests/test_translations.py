"""vi.po is the source of the Vietnamese translation; stp_crm.pot is exported by Odoo (make pot).

These tests keep the three in step: the template matches the code, vi.po translates every msgid of
the template (no empty, fuzzy or missing entry) and keeps every placeholder of the English text.
"""

import os
import re
import shutil
import subprocess

import polib

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
POT_PATH = os.path.join(I18N, "stp_crm.pot")
PO_PATH = os.path.join(I18N, "vi.po")
# %(name)s, %s, %d, {name}, {0}: what Python formatting and Odoo's _() substitute.
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdfr]|%[sdfr]|\{[a-z_0-9]*\}")


TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)[^>]*>")


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def _tag_names(text):
    return TAG.findall(text)


@tagged("post_install", "-at_install")
class TestVietnamese(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(POT_PATH)
        cls.po = polib.pofile(PO_PATH)

    def test_template_matches_the_code(self):
        code_terms = {row[4] for row in TranslationModuleReader(self.env.cr, modules=["stp_crm"]) if row[4]}
        template_terms = {entry.msgid for entry in self.pot}
        self.assertFalse(sorted(code_terms - template_terms)[:20], "terms missing from stp_crm.pot: run `make pot`")
        self.assertFalse(
            sorted(template_terms - code_terms)[:20], "stp_crm.pot has terms the code no longer has: run `make pot`"
        )

    def test_every_template_term_is_translated(self):
        live = {entry.msgid: entry for entry in self.po if not entry.obsolete}
        missing = [entry.msgid for entry in self.pot if entry.msgid not in live]
        self.assertFalse(missing[:20], f"msgids of stp_crm.pot missing from vi.po ({len(missing)}): run `make pot`")
        empty = [msgid for msgid, entry in live.items() if not entry.msgstr.strip()]
        self.assertFalse(empty[:20], f"untranslated in vi.po ({len(empty)})")
        fuzzy = [msgid for msgid, entry in live.items() if "fuzzy" in entry.flags]
        self.assertFalse(fuzzy[:20], f"fuzzy (unchecked) translations in vi.po ({len(fuzzy)})")

    def test_markup_only_terms_keep_their_markup(self):
        """A msgid that is markup only (an icon with its title, ``<br/>``, an empty ``<span>``)
        is a term of the template like any other: vi.po gives it the same markup, its
        titles and labels in Vietnamese."""
        live = {entry.msgid: entry.msgstr for entry in self.po if not entry.obsolete}
        markup_only = [entry.msgid for entry in self.pot if not TAG.sub("", entry.msgid).strip()]
        self.assertTrue(markup_only, "the template has markup-only terms: this test must see them")
        different = [
            (msgid, live.get(msgid))
            for msgid in markup_only
            if not live.get(msgid, "").strip() or _tag_names(live[msgid]) != _tag_names(msgid)
        ]
        self.assertFalse(different[:10], f"markup-only terms without the same markup in vi.po ({len(different)})")

    def test_placeholders_are_kept(self):
        mismatched = [
            (entry.msgid, entry.msgstr)
            for entry in self.po
            if not entry.obsolete and _placeholders(entry.msgid) != _placeholders(entry.msgstr)
        ]
        self.assertFalse(mismatched[:10], f"placeholders differ between English and Vietnamese ({len(mismatched)})")

    def test_msgfmt_check(self):
        msgfmt = shutil.which("msgfmt")
        self.assertTrue(msgfmt, "gettext's msgfmt is needed (apt-get install gettext)")
        for path in (POT_PATH, PO_PATH):
            result = subprocess.run(
                [msgfmt, "--check", "-o", os.devnull, path], capture_output=True, text=True, check=False
            )
            self.assertEqual(result.returncode, 0, f"msgfmt --check {os.path.basename(path)}: {result.stderr}")

    def test_vietnamese_user_sees_vietnamese(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        partner_vi = self.env["res.partner"].with_context(lang="vi_VN")
        description = partner_vi.fields_get(["stp_classification"])["stp_classification"]
        self.assertEqual(description["string"], "Phân loại")
        self.assertIn(("prospect", "Khách hàng tiềm năng"), description["selection"])
        with self.assertRaises(ValidationError) as caught:
            partner_vi.create({"name": "Sai", "stp_classification": "vip"})
        self.assertIn("không phải là giá trị hợp lệ", str(caught.exception))
