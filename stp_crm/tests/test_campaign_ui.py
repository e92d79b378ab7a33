from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestCampaignUi(HttpCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        # Only this test's customers are in tier A (the demo data has some too).
        cls.env["res.partner"].search([("stp_tier", "=", "a")]).write({"stp_tier": "b", "stp_tier_locked": True})
        cls.tier_a = cls.env["res.partner"].create([{"name": f"Trường Hạng A {i}", "is_company": True} for i in (1, 2)])
        cls.tier_a.write({"stp_tier": "a", "stp_tier_locked": True})
        tier_b = cls.env["res.partner"].create({"name": "Trường Hạng B", "is_company": True})
        tier_b.write({"stp_tier": "b", "stp_tier_locked": True})
        cls.gift = cls.env["product.product"].create({"name": "Giỏ quà tour", "is_storable": True})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.gift, cls.warehouse.lot_stock_id, 10)
        # The segment the manager starts from: tier-A customers.
        cls.env["ir.default"].set(
            "stp.crm.campaign", "segment_domain", "[('stp_tier', '=', 'a')]", user_id=cls.stp_manager.id
        )

    def test_teachers_day_campaign_tour(self):
        self.start_tour("/odoo/action-stp_crm.stp_crm_campaign_action", "stp_crm_campaign_tour", login="stp_manager")
        campaign = self.env["stp.crm.campaign"].search([("name", "=", "Tri ân 20/11 tour")])
        self.assertEqual((campaign.occasion, campaign.state), ("teachers_day", "running"))
        self.assertEqual(campaign.line_ids.partner_id, self.tier_a)
        pickings = campaign.line_ids.sudo().picking_id
        self.assertEqual(pickings.partner_id, self.tier_a)
        self.assertEqual(set(pickings.mapped("state")), {"assigned"})

    def test_advertising_campaign_shows_who_is_excluded_tour(self):
        self.tier_a[0].email = "hanga1@example.vn"
        self.env["stp.crm.consent"].create(
            {"partner_id": self.tier_a[0].id, "channel": "email", "purpose": "advertising"}
        )
        self.start_tour(
            "/odoo/action-stp_crm.stp_crm_campaign_action", "stp_crm_campaign_advertising_tour", login="stp_manager"
        )
        campaign = self.env["stp.crm.campaign"].search([("name", "=", "Khuyến mãi Tết tour")])
        self.assertEqual((campaign.purpose, campaign.excluded_no_consent_count), ("advertising", 1))


@tagged("post_install", "-at_install")
class TestCampaignUiPhone(TestCampaignUi):
    """A CRM user follows a campaign on a phone: cards, the form, the recipients."""

    browser_size = "375x667"
    touch_enabled = True
    test_advertising_campaign_shows_who_is_excluded_tour = None  # a desktop tour (the list's New button)

    def test_teachers_day_campaign_tour(self):
        campaign = self.env["stp.crm.campaign"].create(
            {
                "name": "Tri ân 20/11 trên điện thoại",
                "occasion": "teachers_day",
                "segment_domain": "[('stp_tier', '=', 'a')]",
            }
        )
        campaign.action_generate_recipients()
        self.assertEqual(campaign.recipient_count, 2)
        self.start_tour("/odoo/action-stp_crm.stp_crm_campaign_action", "stp_crm_campaign_phone_tour", login="crm_only")
