import ast
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools.misc import file_path
from odoo.tools.safe_eval import safe_eval

from ..tools import vn_address
from .common import freeze_now, freeze_test_clock
from .test_contract import StpCrmContractCommon
from .test_customer_analysis import StpAnalysisCommon

CURRENT_CODES = {
    "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38", "40",
    "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91", "92", "96",
}  # fmt: skip
# A few of the 29 merges of Resolution 202/2025/QH15 (Odoo's codes): merged -> absorber.
MERGES = {
    "VN-03": "VN-07",  # Hà Giang -> Tuyên Quang
    "VN-57": "VN-SG",  # Bình Dương -> TP Hồ Chí Minh
    "VN-43": "VN-SG",  # Bà Rịa - Vũng Tàu -> TP Hồ Chí Minh
    "VN-27": "VN-DN",  # Quảng Nam -> Đà Nẵng
    "VN-41": "VN-37",  # Long An -> Tây Ninh
    "VN-06": "VN-02",  # Yên Bái -> Lào Cai
    "VN-40": "VN-35",  # Bình Thuận -> Lâm Đồng
    "VN-72": "VN-35",  # Đắk Nông -> Lâm Đồng
}


def state(env, code):
    return env.ref(f"base.state_vn_{code}")


def ward(env, code):
    return env.ref(f"stp_crm.vn_ward_{code}")


@tagged("post_install", "-at_install")
class TestVietnamMap(TransactionCase):
    """Vietnam's map since 1 July 2025: 34 provinces, 3,321 wards, the partners' move."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vietnam = cls.env.ref("base.vn")
        cls.states = cls.env["res.country.state"].with_context(active_test=False)
        cls.manager = new_test_user(cls.env, "stp_map_manager", groups="base.group_user,base.group_partner_manager")

    def _partner(self, **values):
        return self.env["res.partner"].create({"name": "Khách hàng", "country_id": self.vietnam.id, **values})

    # Provinces

    def test_34_current_provinces_with_their_official_codes(self):
        current = self.states.search([("country_id", "=", self.vietnam.id), ("stp_merged_into_id", "=", False)])
        self.assertEqual(len(current), 34)
        self.assertEqual(set(current.mapped("stp_code")), CURRENT_CODES)
        # Odoo's records and ISO codes are kept; the name changed where the official one did.
        hue = state(self.env, "VN-26")
        self.assertEqual((hue.name, hue.code, hue.stp_code), ("Thành phố Huế", "VN-26", "46"))
        self.assertEqual(state(self.env, "VN-SG").stp_code, "79")

    def test_29_merges_and_regions_stay_right(self):
        merged = self.states.search([("country_id", "=", self.vietnam.id), ("stp_merged_into_id", "!=", False)])
        self.assertEqual(len(merged), 29)
        self.assertFalse(merged.stp_merged_into_id.stp_merged_into_id, "an absorber is a current province")
        self.assertFalse(merged.filtered("stp_code"))
        for old, new in MERGES.items():
            self.assertEqual(state(self.env, old).stp_merged_into_id, state(self.env, new), old)
        for province in merged:
            self.assertEqual(province.stp_region, province.stp_merged_into_id.stp_region, province.name)
        self.assertEqual(state(self.env, "VN-26").stp_region, "central")

    def test_merged_provinces_not_offered_but_still_read(self):
        domain = [("country_id", "=", self.vietnam.id)]
        self.assertFalse(self.states.name_search("Bình Dương", domain))
        self.assertFalse(self.states.name_search("Hà Giang", domain))
        self.assertEqual([row[1] for row in self.states.name_search("Huế", domain)], ["Thành phố Huế (VN)"])
        self.assertEqual(len(self.states.name_search("", domain, limit=None)), 34)
        offered = self.states.with_context(stp_show_merged_provinces=True).name_search("Bình Dương", domain)
        self.assertEqual([row[0] for row in offered], state(self.env, "VN-57").ids)
        # A record on a merged province keeps reading and grouping by it until it is moved.
        partner = self._partner(state_id=state(self.env, "VN-57").id)
        self.assertEqual(partner.state_id.display_name, "Bình Dương (VN)")
        groups = self.env["res.partner"]._read_group([("id", "=", partner.id)], ["state_id"], ["__count"])
        self.assertEqual(groups, [(state(self.env, "VN-57"), 1)])

    def test_map_data_applied_again_changes_nothing(self):
        cities = self.env["res.city"].search_count([])
        with patch.object(type(self.states), "write", autospec=True, side_effect=AssertionError("no write")):
            self.states._stp_apply_2025_map()
        self.env["res.city"]._stp_load_vietnam_wards()
        self.assertEqual(self.env["res.city"].search_count([]), cities)

    # Wards

    def test_3321_wards_with_their_codes(self):
        wards = self.env["res.city"].search([("country_id", "=", self.vietnam.id), ("stp_code", "!=", False)])
        self.assertEqual(len(wards), 3321)
        self.assertEqual(len(set(wards.mapped("stp_code"))), 3321)
        self.assertTrue(all(len(code) == 5 and code.isdigit() for code in wards.mapped("stp_code")))
        self.assertEqual(set(wards.state_id.mapped("stp_code")), CURRENT_CODES)
        kinds = {
            kind: len(wards.filtered(lambda city, kind=kind: city.stp_kind == kind))
            for kind in set(wards.mapped("stp_kind"))
        }
        self.assertEqual(kinds, {"ward": 697, "commune": 2611, "special_zone": 13})
        saigon = ward(self.env, "26740")
        self.assertEqual(
            (saigon.name, saigon.state_id, saigon.stp_kind), ("Phường Sài Gòn", state(self.env, "VN-SG"), "ward")
        )

    def test_vietnamese_address_enforces_wards_and_reads_street_ward_province(self):
        self.assertTrue(self.vietnam.enforce_cities)
        partner = self._partner(
            street="12 Lê Lợi", state_id=state(self.env, "VN-SG").id, city_id=ward(self.env, "26740").id
        )
        partner._onchange_city_id()
        self.assertEqual(partner.city, "Phường Sài Gòn")
        self.assertEqual(
            [line for line in partner._display_address(without_company=True).split("\n") if line][:2],
            ["12 Lê Lợi", "Phường Sài Gòn, TP Hồ Chí Minh"],
        )

    # Moving addresses

    def test_move_binh_duong_hcm_ha_giang_and_an_unknown_address(self):
        binh_duong = self._partner(
            street="5 Yersin", street2="Phường Phú Cường", city="Thủ Dầu Một", state_id=state(self.env, "VN-57").id
        )
        ben_nghe = self._partner(
            street="12 Lê Lợi", city="P. Bến Nghé, Q.1, TP.HCM", state_id=state(self.env, "VN-SG").id
        )
        ha_giang = self._partner(street="Thôn Lũng Cú", street2="xa Lung Cu, huyen Dong Van", city="Hà Giang",
                                 state_id=state(self.env, "VN-03").id)  # fmt: skip
        unknown = self._partner(street="Số 7, khu phố mới", city="Dĩ Ann", state_id=state(self.env, "VN-57").id)
        partners = binh_duong | ben_nghe | ha_giang | unknown

        result = partners.with_user(self.manager).action_stp_update_address_2025()

        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("4", result["params"]["message"])
        self.assertEqual(
            (binh_duong.state_id, binh_duong.city_id, binh_duong.city, binh_duong.street, binh_duong.street2),
            (state(self.env, "VN-SG"), ward(self.env, "25747"), "Phường Thủ Dầu Một", "5 Yersin", False),
        )
        self.assertEqual(binh_duong.stp_state_before_2025_id, state(self.env, "VN-57"))
        self.assertEqual(
            binh_duong.stp_address_before_2025, "5 Yersin, Phường Phú Cường, Thủ Dầu Một, Bình Dương, Vietnam"
        )
        self.assertEqual(
            (ben_nghe.city_id, ben_nghe.city, ben_nghe.street), (ward(self.env, "26740"), "Phường Sài Gòn", "12 Lê Lợi")
        )
        self.assertFalse(ben_nghe.stp_state_before_2025_id)
        self.assertEqual(
            ben_nghe.stp_address_before_2025, "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM, TP Hồ Chí Minh, Vietnam"
        )
        self.assertEqual((ha_giang.state_id, ha_giang.city_id), (state(self.env, "VN-07"), ward(self.env, "00715")))
        self.assertEqual(ha_giang.street2, False)
        self.assertFalse((binh_duong | ben_nghe | ha_giang).filtered("stp_address_to_check"))
        # Not recognised: province moved, text kept, flagged for a person and listed.
        self.assertEqual(
            (unknown.state_id, unknown.city_id, unknown.city),
            (state(self.env, "VN-SG"), self.env["res.city"], "Dĩ Ann"),
        )
        self.assertTrue(unknown.stp_address_to_check)
        listed = self.env.ref("stp_crm.stp_crm_address_to_check_action")
        self.assertIn(unknown, self.env["res.partner"].search(ast.literal_eval(listed.domain)))
        # Picking the ward clears the flag.
        unknown.city_id = ward(self.env, "25942")
        self.assertFalse(unknown.stp_address_to_check)

    def test_old_ward_told_by_its_district(self):
        hcm = state(self.env, "VN-SG").id
        district_12 = self._partner(city="P. Hiệp Thành, Q.12", state_id=hcm)
        # Hiệp Thành of Thủ Dầu Một went to two wards: without more, a person picks.
        split = self._partner(city="Phường Hiệp Thành, TP Thủ Dầu Một", state_id=state(self.env, "VN-57").id)
        (district_12 | split)._stp_update_address_2025()
        self.assertEqual(district_12.city_id, ward(self.env, "26782"))
        self.assertFalse(split.city_id)
        self.assertTrue(split.stp_address_to_check)

    def test_move_is_idempotent(self):
        partners = self._partner(city="P. Bến Nghé, Q.1", state_id=state(self.env, "VN-SG").id) | self._partner(
            city="Nowhere", state_id=state(self.env, "VN-03").id
        )
        self.assertEqual(partners._stp_update_address_2025(), 2)
        before = partners.read(
            ["state_id", "city_id", "city", "street", "stp_address_before_2025", "stp_address_to_check"]
        )
        with patch.object(type(partners), "write", autospec=True, side_effect=AssertionError("no write")):
            self.assertEqual(partners._stp_update_address_2025(), 0)
        self.assertEqual(partners.read(list(before[0].keys() - {"id"})), before)
        self.assertFalse(partners.filtered_domain(self.env["res.partner"]._stp_address_2025_domain()))

    def test_cron_moves_every_vietnamese_partner_in_batches(self):
        partners = self.env["res.partner"]
        for index in range(5):
            partners |= self._partner(name=f"Khách {index}", state_id=state(self.env, "VN-27").id, city="Hội An")
        domain = self.env["res.partner"]._stp_address_2025_domain()
        todo = self.env["res.partner"].with_context(active_test=False).search_count(domain)
        progress = []
        with patch.object(type(self.env["ir.cron"]), "_notify_progress", autospec=True,
                          side_effect=lambda cron, done, remaining: progress.append((done, remaining))):  # fmt: skip
            while self.env["res.partner"]._cron_stp_update_address_2025(batch_size=3)[1]:
                pass
        self.assertEqual(progress[0], (3, todo - 3))
        self.assertEqual(progress[-1][1], 0)
        self.assertEqual(sum(done for done, _remaining in progress), todo)
        self.assertEqual(set(partners.mapped("state_id")), {state(self.env, "VN-DN")})
        self.assertEqual(set(partners.mapped("city_id")), {ward(self.env, "20410")})

    def test_cron_and_server_action_exist(self):
        cron = self.env.ref("stp_crm.ir_cron_stp_update_address_2025")
        self.assertEqual(cron.name, "STP CRM: Move addresses to the 2025 map")
        action = self.env.ref("stp_crm.action_stp_update_address_2025")
        self.assertEqual(action.binding_model_id.model, "res.partner")

    def test_migration_schedules_the_conversion_without_moving_anything(self):
        script = load_script(
            file_path("stp_crm/migrations/18.0.1.3.0/end-migrate.py"), "stp_crm_migration_18_0_1_3_0_end"
        )
        partner = self._partner(state_id=state(self.env, "VN-57").id, city="Thủ Dầu Một")
        cron = self.env.ref("stp_crm.ir_cron_stp_update_address_2025")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with freeze_now(self.env, "2026-12-02 10:00:00"):
            script.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertEqual(partner.state_id, state(self.env, "VN-57"))

    def test_address_reading_helpers(self):
        self.assertEqual(vn_address.normalize("P.Bến Nghé, Q.1"), "p ben nghe q 1")
        self.assertEqual(vn_address.province_code_in("TP.HCM"), "VN-SG")
        self.assertEqual(vn_address.find_ward("79", ["Phường 1", "Quận 3"]), (None, []))


@tagged("post_install", "-at_install")
class TestVietnamMapAnalysis(StpAnalysisCommon):
    """The customer analysis reads today's province, and the province at the invoice date."""

    def test_analysis_by_current_province_and_province_at_the_invoice_date(self):
        freeze_test_clock(self, "2026-12-02 10:00:00")
        binh_duong = self.env["res.partner"].create(
            {"name": "Công ty Bình Dương", "is_company": True, "state_id": state(self.env, "VN-57").id,
             "country_id": self.env.ref("base.vn").id, "city": "Phường Phú Cường"}
        )  # fmt: skip
        before = self._sell(binh_duong, [(self.compressor, 1, 100.0)], invoice_date="2025-03-10")
        self._sell(self.south_customer, [(self.compressor, 1, 50.0)], invoice_date="2025-03-10")
        analysis = self.env["stp.crm.customer.analysis"]
        domain = [("move_id.partner_id", "in", (binh_duong | self.south_customer).ids)]
        # Not moved yet: today's province is already the absorber; at the invoice date, Bình Dương.
        by_state = dict(analysis._read_group(domain, ["state_id"], ["revenue:sum"]))
        self.assertEqual(by_state, {self.saigon: 150})
        at_invoice = dict(analysis._read_group(domain, ["invoice_state_id"], ["revenue:sum"]))
        self.assertEqual(at_invoice, {state(self.env, "VN-57"): 100, self.saigon: 50})

        binh_duong._stp_update_address_2025()
        after = self._sell(binh_duong, [(self.compressor, 1, 30.0)], invoice_date="2026-03-10")
        self.assertEqual(binh_duong.state_id, self.saigon)
        rows = analysis.search([("move_id", "in", (before | after).ids)])
        self.assertEqual(
            {row.move_id: (row.state_id, row.invoice_state_id, row.region) for row in rows},
            {
                before: (self.saigon, state(self.env, "VN-57"), "south"),
                after: (self.saigon, self.saigon, "south"),
            },
        )


@tagged("post_install", "-at_install")
class TestVietnamMapUi(HttpCase):
    def test_type_a_vietnamese_address(self):
        new_test_user(self.env, "stp_map_tour", groups="base.group_user,base.group_partner_manager")
        partner = self.env["res.partner"].create({"name": "Khách Huế", "country_id": self.env.ref("base.vn").id})
        self.start_tour(
            f"/odoo/action-contacts.action_contacts/{partner.id}", "stp_crm_vietnam_address_tour", login="stp_map_tour"
        )
        self.assertEqual(partner.state_id, state(self.env, "VN-26"))
        self.assertEqual((partner.city_id, partner.city), (ward(self.env, "19789"), "Phường Thuận Hoá"))


@tagged("post_install", "-at_install")
class TestVietnamMapEverywhere(TransactionCase):
    """Receivables, campaign segments and the customer profile read today's province; the
    fields of the move are the system's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vietnam = cls.env.ref("base.vn")
        cls.manager = new_test_user(cls.env, "stp_map_editor", groups="base.group_user,base.group_partner_manager")
        cls.crm_user = new_test_user(cls.env, "stp_map_crm", groups="base.group_user,stp_crm.group_stp_crm_user")
        cls.crm_manager = new_test_user(
            cls.env, "stp_map_crm_manager", groups="base.group_user,stp_crm.group_stp_crm_manager"
        )
        cls.accountant = new_test_user(
            cls.env, "stp_map_accountant", groups="base.group_user,account.group_account_invoice"
        )
        cls.binh_duong = cls.env["res.partner"].create(
            {"name": "Công ty Bình Dương", "is_company": True, "country_id": cls.vietnam.id,
             "state_id": state(cls.env, "VN-57").id, "city": "Phường Phú Cường, Thủ Dầu Một"}
        )  # fmt: skip
        cls.saigon = cls.env["res.partner"].create(
            {"name": "Công ty Sài Gòn", "is_company": True, "country_id": cls.vietnam.id,
             "state_id": state(cls.env, "VN-SG").id, "city_id": ward(cls.env, "26740").id}
        )  # fmt: skip
        cls.no_province = cls.env["res.partner"].create({"name": "Khách không tỉnh"})

    def test_province_today_is_the_absorber_until_moved(self):
        hcm = state(self.env, "VN-SG")
        self.assertEqual(self.binh_duong.state_id, state(self.env, "VN-57"))
        self.assertEqual((self.binh_duong | self.saigon).stp_current_state_id, hcm)
        self.assertFalse(self.no_province.stp_current_state_id)
        self.binh_duong._stp_update_address_2025()
        self.assertEqual((self.binh_duong.state_id, self.binh_duong.stp_current_state_id), (hcm, hcm))
        # A province that merges later: its partners follow without a write of theirs.
        lao_cai = state(self.env, "VN-02")
        partner = self.env["res.partner"].create({"name": "Khách Lào Cai", "state_id": lao_cai.id})
        lao_cai.stp_merged_into_id = state(self.env, "VN-07")
        self.assertEqual(partner.stp_current_state_id, state(self.env, "VN-07"))

    def test_receivables_list_by_province_today(self):
        partners = self.env["res.partner"].with_user(self.accountant)
        domain = [("id", "in", (self.binh_duong | self.saigon | self.no_province).ids)]
        groups = dict(partners._read_group(domain, ["stp_current_state_id"], ["__count"]))
        self.assertEqual(groups, {state(self.env, "VN-SG"): 2, self.env["res.country.state"]: 1})
        south = partners.search(domain + [("stp_current_state_id.stp_region", "=", "south")])
        self.assertEqual(south, self.binh_duong | self.saigon)
        arch = partners.get_views([(self.env.ref("stp_crm.res_partner_receivable_view_search").id, "search")])
        search = arch["views"]["search"]["arch"]
        for name in ('name="stp_current_state_id"', 'name="group_current_state"', 'name="region_south"'):
            self.assertIn(name, search)
        list_arch = partners.get_views([(self.env.ref("stp_crm.res_partner_receivable_view_list").id, "list")])
        self.assertIn('name="stp_current_state_id"', list_arch["views"]["list"]["arch"])

    def test_campaign_segment_by_province_today_and_region(self):
        freeze_test_clock(self, "2026-12-02 10:00:00")
        hcm = state(self.env, "VN-SG")
        campaigns = self.env["stp.crm.campaign"].with_user(self.crm_manager)
        by_province = campaigns.create(
            {"name": "Tri ân khách TP HCM", "segment_domain": f"[('stp_current_state_id', '=', {hcm.id})]"}
        )
        found = by_province._stp_partners().search(by_province._stp_partner_domain())
        self.assertEqual(found & (self.binh_duong | self.saigon | self.no_province), self.binh_duong | self.saigon)
        by_region = campaigns.create(
            {"name": "Tri ân miền Nam", "segment_domain": "[('stp_current_state_id.stp_region', '=', 'south')]"}
        )
        found = by_region._stp_partners().search(by_region._stp_partner_domain())
        self.assertLessEqual(self.binh_duong | self.saigon, found)

    def test_profile_pdf_reads_the_province_today(self):
        reports = self.env["ir.actions.report"].with_user(self.crm_user)
        html = reports._render_qweb_html("stp_crm.action_report_stp_crm_customer_profile", self.binh_duong.ids)[0]
        self.assertIn('name="province_today"', html.decode())
        self.assertIn("TP Hồ Chí Minh", html.decode())
        html = reports._render_qweb_html("stp_crm.action_report_stp_crm_customer_profile", self.saigon.ids)[0]
        self.assertNotIn('name="province_today"', html.decode())

    def test_fields_of_the_move_are_the_systems(self):
        """Only the move writes the address before 2025, the province before 2025 and today's
        province; a contact editor cannot, the action can (as that editor)."""
        partner = self.binh_duong.with_user(self.manager)
        for field, value in (
            ("stp_address_before_2025", "Địa chỉ bịa"),
            ("stp_state_before_2025_id", state(self.env, "VN-03").id),
            ("stp_current_state_id", state(self.env, "VN-HN").id),
        ):
            with self.assertRaisesRegex(UserError, "set by the system"):
                partner.write({field: value})
            with self.assertRaisesRegex(UserError, "set by the system"):
                partner.create({"name": "Khách mới", field: value})
        self.assertFalse(self.binh_duong.stp_address_before_2025)
        partner.action_stp_update_address_2025()
        self.assertEqual(self.binh_duong.stp_state_before_2025_id, state(self.env, "VN-57"))
        self.assertIn("Bình Dương", self.binh_duong.stp_address_before_2025)


@tagged("post_install", "-at_install")
class TestVietnamMapDocuments(StpCrmContractCommon):
    """Only partners move: a contract, a ticket, a delivery and an invoice are not written by
    the move, and the PDF kept of each legal document (a confirmed contract, a closed
    ticket's service report, a sent invoice) is the one printed again."""

    def test_documents_keep_their_addresses(self):
        freeze_test_clock(self, "2026-06-30 08:00:00")
        customer = self.customer
        customer.write({"country_id": self.env.ref("base.vn").id, "state_id": state(self.env, "VN-57").id,
                        "street": "5 Yersin", "city": "Phường Phú Cường, Thủ Dầu Một"})  # fmt: skip
        contract = self._contract()
        contract.action_confirm()
        closed = self.env["stp.crm.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        ticket = self.env["stp.crm.ticket"].create({"name": "Bảo trì máy nén khí", "partner_id": customer.id})
        ticket.stage_id = closed
        invoice = self.init_invoice("out_invoice", partner=customer, invoice_date="2026-05-01", amounts=[1000])
        invoice.action_post()
        self.env["stock.picking"].create({"partner_id": customer.id, "picking_type_id": self.warehouse.out_type_id.id})
        reports = self.env["ir.actions.report"]
        kept = {}
        for report_ref, record in (
            ("stp_crm.action_report_stp_crm_contract", contract),
            ("stp_crm.action_report_stp_crm_ticket", ticket),
        ):
            report = self.env.ref(report_ref)
            self.assertTrue(report.attachment_use)
            name = safe_eval(report.attachment, {"object": record})
            self.assertTrue(name, report_ref)
            kept[report_ref] = self.env["ir.attachment"].create(
                {"name": name, "raw": b"%PDF-1.4 Binh Duong", "res_model": record._name, "res_id": record.id}
            )
        kept_invoice = self.env["ir.attachment"].create(
            {"name": "INV.pdf", "raw": b"%PDF-1.4 Binh Duong", "res_model": "account.move", "res_id": invoice.id,
             "res_field": "invoice_pdf_report_file"}
        )  # fmt: skip
        documents = {
            model: self.env[model].search([("partner_id", "child_of", customer.id)])
            for model in ("stp.crm.contract", "stp.crm.ticket", "account.move", "stock.picking")
        }
        self.assertTrue(all(documents.values()), documents)
        self.env.flush_all()
        before = {model: records.read(["write_date", "partner_id"]) for model, records in documents.items()}

        customer.with_context(tracking_disable=True)._stp_update_address_2025()
        self.env.flush_all()

        self.assertEqual(customer.state_id, state(self.env, "VN-SG"))
        self.env.invalidate_all()
        for model, records in documents.items():
            self.assertEqual(records.read(["write_date", "partner_id"]), before[model], model)
        for report_ref, record in (
            ("stp_crm.action_report_stp_crm_contract", contract),
            ("stp_crm.action_report_stp_crm_ticket", ticket),
        ):
            streams = reports._render_qweb_pdf_prepare_streams(report_ref, {}, record.ids)
            self.assertEqual(streams[record.id]["attachment"], kept[report_ref], report_ref)
            self.assertEqual(streams[record.id]["stream"].getvalue(), b"%PDF-1.4 Binh Duong")
        self.assertEqual(invoice.invoice_pdf_report_id, kept_invoice)
