from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAgeBand(TransactionCase):
    """A band reads as its ages, an open end included: never "To Age 0" or "20 - 0"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"])
        # Out of the way of the default bands: bands of one kind may not overlap.
        cls.env["stp.crm.age.band"].search([]).active = False
        cls.bands = cls.env["stp.crm.age.band"].create(
            [
                {"partner_kind": "person", "age_from": 0, "age_to": 19},
                {"partner_kind": "person", "age_from": 20, "age_to": 54},
                {"partner_kind": "person", "age_from": 55},
                {"partner_kind": "company", "age_from": 0, "age_to": 2},
                {"partner_kind": "company", "age_from": 3, "age_to": 9},
                {"partner_kind": "company", "age_from": 10, "age_to": 0},
            ]
        )

    def _ranges(self, lang):
        return self.bands.with_context(lang=lang).mapped("age_range")

    def test_open_ends_in_english(self):
        self.assertEqual(
            self._ranges("en_US"),
            ["Under 20", "20 - 54", "55 and over", "Under 3 years", "3 - 9 years", "10 years and over"],
        )

    def test_open_ends_in_vietnamese(self):
        self.assertEqual(
            self._ranges("vi_VN"),
            ["Dưới 20 tuổi", "20 - 54 tuổi", "55 tuổi trở lên", "Dưới 3 năm", "3 - 9 năm", "Từ 10 năm trở lên"],
        )

    def test_a_band_without_name_is_named_after_its_ages(self):
        self.assertEqual(self.bands[2].with_context(lang="vi_VN").display_name, "55 tuổi trở lên")
        self.bands[2].name = "Khách hàng cao tuổi"
        self.assertEqual(self.bands[2].display_name, "Khách hàng cao tuổi")
        # Every age: both ends open
        self.bands[:3].active = False
        everyone = self.env["stp.crm.age.band"].create({"partner_kind": "person", "age_from": 0})
        self.assertEqual(everyone.with_context(lang="vi_VN").display_name, "Mọi lứa tuổi")

    def test_default_open_band_reads_in_vietnamese(self):
        band = self.env.ref("stp_crm.stp_crm_age_band_person_55").with_context(lang="vi_VN")
        self.assertEqual((band.display_name, band.age_range), ("55 tuổi trở lên", "55 tuổi trở lên"))
