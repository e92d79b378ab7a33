import os

import polib

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

PO_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n", "vi.po")


@tagged("post_install", "-at_install")
class TestVietnamese(TransactionCase):
    def test_every_term_is_translated(self):
        translated = {entry.msgid for entry in polib.pofile(PO_PATH) if entry.msgstr.strip() and not entry.obsolete}
        terms = {row[4] for row in TranslationModuleReader(self.env.cr, modules=["stp_crm"]) if row[4]}
        missing = sorted(terms - translated)
        self.assertFalse(missing, f"untranslated in i18n/vi.po ({len(missing)}): {missing[:20]}")

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
