from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.stp_crm.tools.occasion_dates import lunar_new_year, recipient_date

from .common import StpCrmAccountCommon, cron_call, cron_drain, freeze_now, freeze_test_clock

GENERATE_CRON = "stp_crm.ir_cron_stp_campaign_generate"
SEND_CRON = "stp_crm.ir_cron_stp_campaign_send"
MAILING_CRON = "mass_mailing.ir_cron_mass_mailing_queue"
LAUNCH_DAY = datetime(2026, 11, 20, 9, 0)


@tagged("post_install", "-at_install")
class CampaignCommon(StpCrmAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stock.group_stock_manager") + cls.env.ref(
            "sales_team.group_sale_manager"
        )
        # The mailings' e-mails wait in the mail queue (no SMTP server here), as a big campaign's do.
        cls.env["ir.config_parameter"].set_param("mail.mail.force.send.limit", 0)
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.vip = cls.env["res.partner.category"].create({"name": "Khách VIP 20/11"})
        cls.fifo = cls.env["product.category"].create(
            {"name": "Quà tặng (FIFO)", "property_cost_method": "fifo", "property_valuation": "manual_periodic"}
        )
        cls.gift = cls.env["product.product"].create(
            {"name": "Giỏ quà 20/11", "is_storable": True, "categ_id": cls.fifo.id, "company_id": cls.company.id}
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Trường học {i}",
                    "is_company": True,
                    "stp_classification": "customer",
                    "category_id": [(6, 0, cls.vip.ids)],
                    "email": f"truong{i}@example.vn",
                }
                for i in range(4)
            ]
        )
        cls.delivery_address = cls.env["res.partner"].create(
            {"name": "Kho nhận quà", "type": "delivery", "parent_id": cls.customers[0].id, "city": "Hà Nội"}
        )
        cls.env["res.partner"].create({"name": "Không phải VIP", "is_company": True, "stp_classification": "customer"})

    @classmethod
    def _receive(cls, product, quantity, unit_cost):
        move = cls.env["stock.move"].create(
            {
                "name": f"in {quantity} @ {unit_cost}",
                "product_id": product.id,
                "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": cls.warehouse.lot_stock_id.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": quantity,
                "price_unit": unit_cost,
                "picking_type_id": cls.warehouse.in_type_id.id,
                "company_id": cls.company.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.move_line_ids.quantity = quantity
        move.picked = True
        move._action_done()
        return move

    def _campaign(self, **values):
        return self.env["stp.crm.campaign"].create(
            {
                "name": "Tri ân 20/11",
                "occasion": "teachers_day",
                "segment_domain": f"[('category_id', 'in', [{self.vip.id}])]",
                "company_id": self.company.id,
                **values,
            }
        )

    def _send_mailings(self):
        """One run of Odoo's mailing queue (the campaigns' greetings leave by it)."""
        cron_call(self.env, MAILING_CRON)
        self.env.invalidate_all()

    def _mails(self, campaign):
        return self.env["mail.mail"].search([("mailing_id", "in", campaign.mailing_ids.ids)])

    def _order(self, partner, amount, when, company=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": (company or self.company).id,
                "order_line": [
                    (0, 0, {"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": amount, "tax_id": []})
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order


@tagged("post_install", "-at_install")
class TestOccasionDates(CampaignCommon):
    def test_lunar_new_year(self):
        published = {2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13)}
        for year, tet in published.items():
            self.assertEqual(lunar_new_year(year), tet)
        # 2030: the new moon falls at 23:07 in Hanoi (UTC+7) on 2 February, 00:07 on 3 February in
        # Beijing (UTC+8): Vietnam's calendar starts the year a day before China's, as in 2007
        # (17 vs 18 February) and 1985 (21 January vs 20 February, a leap month apart); see Hồ Ngọc Đức,
        # https://www.informatik.uni-leipzig.de/~duc/amlich/calrules_en.html (2030: 02/02 in Vietnam,
        # 03/02 in China). The 3 February 2030 often listed is China's Spring Festival.
        self.assertEqual(lunar_new_year(2030), date(2030, 2, 2))
        self.assertEqual(lunar_new_year(2030, tz=8), date(2030, 2, 3))
        self.assertEqual(lunar_new_year(2007), date(2007, 2, 17))
        self.assertEqual(lunar_new_year(2007, tz=8), date(2007, 2, 18))
        self.assertEqual(lunar_new_year(1985), date(1985, 1, 21))

    def test_campaign_date_is_the_next_occurrence(self):
        with freeze_now(self.env, "2026-03-01 08:00:00"):
            tet = self._campaign(occasion="tet")
            self.assertEqual(tet.date, date(2027, 2, 6))
            self.assertEqual(self._campaign(occasion="womens_day").date, date(2026, 3, 8))
            self.assertEqual(self._campaign(occasion="vietnam_women_day").date, date(2026, 10, 20))
            self.assertEqual(self._campaign(occasion="valentine").date, date(2027, 2, 14))
            self.assertEqual(self._campaign(occasion="birthday").date, date(2026, 3, 1))
        with freeze_now(self.env, "2026-11-20 23:00:00"):
            self.assertEqual(self._campaign().date, date(2026, 11, 20))
        with freeze_now(self.env, "2026-11-21 08:00:00"):
            self.assertEqual(self._campaign().date, date(2027, 11, 20))

    def test_29_february(self):
        leapling = date(2000, 2, 29)
        self.assertEqual(recipient_date("birthday", leapling, date(2027, 1, 1)), date(2027, 2, 28))
        self.assertEqual(recipient_date("birthday", leapling, date(2028, 1, 1)), date(2028, 2, 29))
        self.assertEqual(recipient_date("birthday", leapling, date(2028, 3, 1)), date(2029, 2, 28))
        self.assertEqual(recipient_date("teachers_day", leapling, date(2028, 3, 1)), date(2028, 3, 1))
        freeze_test_clock(self, "2027-01-01 08:00:00")
        person = self.env["res.partner"].create(
            {"name": "Người sinh 29/2", "stp_birthday": leapling, "category_id": [(6, 0, self.vip.ids)]}
        )
        campaign = self._campaign(occasion="birthday")
        campaign.action_generate_recipients()
        line = campaign.line_ids.filtered(lambda line: line.partner_id == person)
        self.assertEqual(line.date, date(2027, 2, 28))
        # Companies without a known birthday are not in a birthday campaign.
        self.assertEqual(campaign.line_ids.partner_id, person)


@tagged("post_install", "-at_install")
class TestCampaignRecipients(CampaignCommon):
    def test_segment_evaluation(self):
        other_company = self.env["res.company"].create({"name": "Công ty khác"})
        self.env["res.partner"].create(
            {"name": "Khách công ty khác", "category_id": [(6, 0, self.vip.ids)], "company_id": other_company.id}
        )
        self.env["res.partner"].create(
            {
                "name": "Khách đã lưu trữ",
                "category_id": [(6, 0, self.vip.ids)],
                "stp_classification": "customer",
                "active": False,
            }
        )
        campaign = self._campaign(
            segment_domain=f"[('category_id', 'in', [{self.vip.id}]), ('stp_classification', '=', 'customer')]"
        )
        self.assertEqual(campaign.segment_count, 4)
        campaign.action_generate_recipients()
        self.assertEqual(campaign.line_ids.partner_id, self.customers)
        self.assertFalse(campaign.generation_pending)
        self.assertEqual(campaign.recipient_count, 4)
        with self.assertRaises(UserError):
            self._campaign(segment_domain="[('no_such_field', '=', 1)]")

    def test_segment_by_lifetime_value(self):
        """A segment on the lifetime value reads each customer's figure in the campaign's company."""
        other_company = self.setup_other_company()["company"]
        for customer, ltv in zip(self.customers, (150_000_000.0, 100_000_000.0, 99_999_999.0), strict=False):
            customer.with_company(self.company)._stp_system_write({"stp_ltv": ltv})
        rich_elsewhere = self.customers[3].with_company(other_company)
        rich_elsewhere._stp_system_write({"stp_ltv": 500_000_000.0})
        segment = f"[('category_id', 'in', [{self.vip.id}]), ('stp_ltv', '>=', 100000000)]"
        campaign = self._campaign(segment_domain=segment)
        self.assertEqual(campaign.segment_count, 2)
        campaign.action_generate_recipients()
        self.assertEqual(campaign.line_ids.partner_id, self.customers[:2])
        theirs = self._campaign(segment_domain=segment, company_id=other_company.id)
        self.assertEqual(theirs.segment_count, 1)
        # Lifetime figures are for invoicing readers: a manager without them cannot segment on them.
        manager = new_test_user(self.env, login="manager_no_invoicing", groups="stp_crm.group_stp_crm_manager")
        campaigns = self.env["stp.crm.campaign"].with_user(manager)
        with self.assertRaisesRegex(AccessError, 'fields "stp_ltv"'):
            campaigns.create({"name": "Khách giá trị", "occasion": "tet", "segment_domain": segment})
        campaigns.create(
            {"name": "Khách VIP", "occasion": "tet", "segment_domain": f"[('category_id', 'in', [{self.vip.id}])]"}
        )

    def test_batches_with_a_failure_resume_without_duplicates(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Khách lô {i}", "category_id": [(6, 0, self.vip.ids)]} for i in range(7)]
        )
        campaign = self._campaign()
        campaign._stp_system_write({"generation_pending": True})
        self.assertEqual(cron_call(self.env, GENERATE_CRON, batch_size=4), (4, 7))
        self.assertEqual(len(campaign.line_ids), 4)
        # The next call breaks on one partner: it is logged and set aside, the others go in.
        broken = partners[3]
        original = type(campaign)._stp_create_lines

        def insert_or_fail(self_, batch):
            if broken in batch:
                raise ValueError("forced failure")
            return original(self_, batch)

        with (
            patch.object(type(campaign), "_stp_create_lines", insert_or_fail),
            mute_logger("odoo.addons.stp_crm.tools.cron_batch"),
        ):
            cron_drain(self.env, GENERATE_CRON)
        self.assertEqual(len(campaign.line_ids), 10)
        self.assertNotIn(broken, campaign.line_ids.partner_id)
        # Later (past the retry delay) the button adds the newcomer, and only it.
        with freeze_now(self.env, datetime.now() + timedelta(hours=13)):
            campaign.action_generate_recipients()
            cron_drain(self.env, GENERATE_CRON)
        self.assertEqual(len(campaign.line_ids), 11)
        self.assertEqual(len(campaign.line_ids.partner_id), 11)
        campaign.action_generate_recipients()
        self.assertEqual(len(campaign.line_ids), 11)
        # Partners already in are left out: a batch done again adds nobody twice.
        campaign._stp_create_lines(partners[:2])
        self.assertEqual(self.env["stp.crm.campaign.line"].search_count([("campaign_id", "=", campaign.id)]), 11)

    def test_comparison_group_is_random_but_stable(self):
        self.env["res.partner"].create(
            [{"name": f"Khách so sánh {i}", "category_id": [(6, 0, self.vip.ids)]} for i in range(40)]
        )
        campaign = self._campaign(control_ratio=0.3)
        campaign.action_generate_recipients()
        control = campaign.line_ids.filtered(lambda line: line.exclusion_reason == "control")
        self.assertTrue(control.ids)
        self.assertEqual(campaign.control_count, len(control))
        self.assertEqual(campaign.recipient_count, 44 - len(control))
        self.assertTrue(all(line.state == "excluded" for line in control))
        self.assertEqual(
            control.partner_id.ids, [p for p in control.partner_id.ids if campaign._stp_in_control_group(p)]
        )

    def test_generation_and_create_share_one_path(self):
        """Generated recipients go through the recipients' create: what it refuses to anyone
        (a partner of another company, a recipient added excluded) the generation cannot do
        either, and the comparison group comes in excluded only by the private path."""
        other_company = self.setup_other_company()["company"]
        foreign = self.env["res.partner"].create(
            {"name": "Khách công ty khác", "company_id": other_company.id, "category_id": [(6, 0, self.vip.ids)]}
        )
        campaign = self._campaign(control_ratio=0.5)
        drawn = self.customers[0]
        with patch.object(type(campaign), "_stp_in_control_group", lambda _self, partner_id: partner_id == drawn.id):
            campaign.action_generate_recipients()
        self.assertEqual(campaign.line_ids.partner_id, self.customers)  # the segment, in the company
        control = campaign.line_ids.filtered(lambda line: line.exclusion_reason == "control")
        self.assertEqual((control.partner_id, control.state), (drawn, "excluded"))
        self.assertEqual(set(campaign.line_ids.company_id.ids), {self.company.id})
        lines = self.env["stp.crm.campaign.line"].with_user(self.stp_manager)
        draft = self._campaign(name="Tri ân lần hai")
        with self.assertRaisesRegex(UserError, "another company"):
            lines.create({"campaign_id": draft.id, "partner_id": foreign.id})
        with self.assertRaisesRegex(UserError, "another company"):
            self._campaign(name="Tri ân lần ba")._stp_create_lines(foreign)
        with self.assertRaisesRegex(UserError, "added as pending"):
            lines.create({"campaign_id": draft.id, "partner_id": self.customers[0].id, "state": "excluded"})
        with self.assertRaisesRegex(UserError, "set by the system"):
            lines.create({"campaign_id": draft.id, "partner_id": self.customers[0].id, "exclusion_reason": "control"})
        with self.assertRaisesRegex(UserError, "added as pending"):
            lines.create(
                {
                    "campaign_id": draft.id,
                    "partner_id": self.customers[0].id,
                    "state": "excluded",
                    "exclusion_reason": "control",
                }
            )
        by_hand = lines.create({"campaign_id": draft.id, "partner_id": self.customers[0].id})
        self.assertEqual((by_hand.state, by_hand.company_id), ("pending", self.company))

    def test_generation_queries_do_not_grow_with_the_recipients(self):
        campaign = self._campaign()
        campaign._stp_create_lines(self.customers[:1])  # warm the caches
        few = self._campaign(name="Ít khách")
        many = self._campaign(name="Nhiều khách")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(9):
            few._stp_create_lines(self.customers[:1])
            self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(9):  # the same for four recipients: nothing is per recipient
            many._stp_create_lines(self.customers)
            self.env.flush_all()


@tagged("post_install", "-at_install")
class TestCampaignLaunch(CampaignCommon):
    def _launched(self, **values):
        freeze_test_clock(self, LAUNCH_DAY)
        campaign = self._campaign(
            gift_product_id=self.gift.id, gift_quantity=1, warehouse_id=self.warehouse.id, **values
        )
        campaign.action_generate_recipients()
        campaign.action_launch()
        return campaign

    def test_gift_deliveries_and_valuation(self):
        self._receive(self.gift, 3, 100.0)
        self._receive(self.gift, 3, 130.0)
        campaign = self._launched(other_cost=50.0)
        self.assertEqual(campaign.state, "running")
        lines = campaign.line_ids
        self.assertEqual(lines.mapped("state"), ["sent"] * 4)
        pickings = lines.picking_id
        self.assertEqual(len(pickings), 4)
        self.assertEqual(set(pickings.mapped("picking_type_id")), {self.warehouse.out_type_id})
        self.assertEqual(set(pickings.mapped("state")), {"assigned"}, "stock is reserved")
        first = lines.filtered(lambda line: line.partner_id == self.customers[0])
        self.assertEqual(first.picking_id.partner_id, self.delivery_address, "sent to the delivery address")
        self.assertEqual(first.picking_id.move_ids.product_uom_qty, 1)
        for picking in pickings:
            picking.move_ids.quantity = 1
            picking.move_ids.picked = True
            picking._action_done()
        self.assertEqual(set(lines.mapped("state")), {"delivered"})
        campaign.invalidate_recordset()
        self.assertEqual(campaign.delivered_count, 4)
        # FIFO: three gifts at 100, the fourth at 130, read back from the valuation layers.
        layers = self.env["stock.valuation.layer"].search([("stock_move_id", "in", pickings.move_ids.ids)])
        self.assertEqual(-sum(layers.mapped("value")), 430.0)
        self.assertEqual(campaign.cost, 480.0)
        # The messages leave by the campaign's mailing, in the mail queue, one per recipient.
        self.assertEqual(campaign.mailing_ids.mapped("mailing_type"), ["mail"])
        self.assertEqual(campaign.mailing_ids.campaign_id, campaign.utm_campaign_id, "a UTM campaign")
        self._send_mailings()
        mails = self._mails(campaign)
        self.assertEqual(len(mails), 4)
        self.assertEqual(set(mails.mailing_trace_ids.mapped("res_id")), set(lines.ids))
        self.assertEqual(set(lines.mapped("mail_status")), {"outgoing"})
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertIn("Trường học 0", mails.filtered(lambda m: m.res_id == first.id).body_html)
        self.assertIn(self.customers[0].commercial_partner_id, mails.recipient_ids)

    def test_average_cost_and_sms(self):
        avco = self.env["product.category"].create(
            {"name": "Quà (AVCO)", "property_cost_method": "average", "property_valuation": "manual_periodic"}
        )
        self.gift.categ_id = avco
        self._receive(self.gift, 2, 100.0)
        self._receive(self.gift, 2, 200.0)
        self.customers.write({"mobile": "+84 912 345 678"})
        campaign = self._launched(sms_template_id=self.env.ref("stp_crm.stp_crm_campaign_sms_template").id)
        self._send_mailings()
        pickings = campaign.line_ids.picking_id
        for picking in pickings:
            picking.move_ids.quantity = 1
            picking.move_ids.picked = True
            picking._action_done()
        campaign.invalidate_recordset()
        self.assertEqual(campaign.cost, 600.0)
        sms = self.env["sms.sms"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(sms), 4)
        self.assertIn("Trường học", sms[0].body)

    def test_messages_in_the_recipients_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        self.customers[1].lang = "vi_VN"
        campaign = self._launched()
        lines = campaign.line_ids
        self.assertEqual(sorted(campaign.mailing_ids.mapped("stp_lang")), ["en_US", "vi_VN"], "one per language")
        self._send_mailings()
        mails = self._mails(campaign)
        vietnamese = mails.filtered(
            lambda m: m.res_id == lines.filtered(lambda line: line.partner_id == self.customers[1]).id
        )
        self.assertIn("Ngày Nhà giáo Việt Nam (20/11)", vietnamese.subject)
        self.assertIn("Kính gửi", vietnamese.body_html)
        english = mails - vietnamese
        self.assertIn("Dear", english[0].body_html)

    def test_greetings_in_the_companys_language_when_the_recipient_has_none(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        self.company.partner_id.lang = "vi_VN"
        self.customers.write({"lang": False})
        campaign = self._launched()
        self._send_mailings()
        mails = self._mails(campaign)
        self.assertEqual(len(mails), 4)
        for mail in mails:
            self.assertIn("Ngày Nhà giáo Việt Nam (20/11)", mail.subject)
            self.assertIn("Kính gửi", mail.body_html)

    def test_state_machine(self):
        campaign = self._launched()
        with self.assertRaises(UserError):
            campaign.write({"state": "done"})
        with self.assertRaises(UserError):
            campaign.write({"gift_quantity": 5})
        with self.assertRaises(UserError):
            campaign.unlink()
        with self.assertRaises(UserError):
            campaign.line_ids[0].write({"state": "delivered"})
        with self.assertRaises(UserError):
            self._campaign(state="running")
        campaign.write({"name": "Tri ân 20/11 (đổi tên)", "other_cost": 10.0})
        with self.assertRaises(UserError):
            campaign.action_generate_recipients()
        campaign.action_cancel()
        self.assertEqual(set(campaign.line_ids.picking_id.mapped("state")), {"cancel"})
        campaign.action_draft()
        self.assertEqual(campaign.state, "draft")

    def test_launch_needs_recipients(self):
        campaign = self._campaign()
        with self.assertRaises(UserError):
            campaign.action_launch()
        campaign.action_generate_recipients()
        campaign.write({"gift_product_id": self.gift.id, "warehouse_id": False})
        with self.assertRaises(UserError):
            campaign.action_launch()

    def test_daily_cron_launches_and_schedules_next_year(self):
        freeze_test_clock(self, LAUNCH_DAY)
        campaign = self._campaign(recurring=True)
        campaign.action_schedule()
        cron_drain(self.env, SEND_CRON)
        cron_drain(self.env, GENERATE_CRON)
        cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.state, "running", "its mailing has not left yet")
        self._send_mailings()
        cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.state, "done")
        self.assertEqual(set(campaign.line_ids.mapped("state")), {"sent"})
        next_year = self.env["stp.crm.campaign"].search([("id", "!=", campaign.id), ("name", "=", campaign.name)])
        self.assertEqual((next_year.state, next_year.date), ("scheduled", date(2027, 11, 20)))
        self.assertFalse(next_year.line_ids)

    def test_birthdays_are_sent_on_each_day(self):
        freeze_test_clock(self, "2026-06-01 08:00:00")
        self.customers[0].stp_founding_date = date(2010, 6, 1)
        self.customers[1].stp_founding_date = date(2015, 6, 20)
        campaign = self._campaign(occasion="company_anniversary")
        campaign.action_generate_recipients()
        self.assertEqual(campaign.line_ids.mapped("date"), [date(2026, 6, 1), date(2026, 6, 20)])
        campaign.action_launch()
        cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.line_ids.mapped("state"), ["sent", "pending"])
        self.assertEqual(campaign.state, "running")
        self.assertEqual(len(campaign.mailing_ids), 2, "one mailing a day")
        self._send_mailings()
        with freeze_now(self.env, "2026-06-20 08:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
            cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.line_ids.mapped("state"), ["sent", "sent"])
        self.assertEqual(campaign.state, "done")

    def test_tet_gifts_leave_before_greetings_on_the_day(self):
        """Launched 66 days before Tết: the gifts' deliveries are scheduled their lead time before
        the day, the greetings wait for the day itself."""
        tet = lunar_new_year(2027)
        self.assertEqual(tet, date(2027, 2, 6))
        self._receive(self.gift, 4, 100.0)
        self.customers.write({"mobile": "+84 912 345 678"})
        freeze_test_clock(self, "2026-12-02 09:00:00")
        campaign = self._campaign(
            name="Quà Tết 2027",
            occasion="tet",
            gift_product_id=self.gift.id,
            warehouse_id=self.warehouse.id,
            gift_lead_days=5,
            sms_template_id=self.env.ref("stp_crm.stp_crm_campaign_sms_template").id,
        )
        self.assertEqual((campaign.date - date(2026, 12, 2)).days, 66)
        campaign.action_generate_recipients()
        campaign.action_launch()
        cron_drain(self.env, SEND_CRON)
        lines = campaign.line_ids
        self.assertEqual(set(lines.mapped("state")), {"sent"}, "the gifts left")
        self.assertEqual(set(lines.picking_id.mapped("scheduled_date")), {datetime(2027, 2, 1)})
        self.assertEqual(set(lines.picking_id.mapped("state")), {"assigned"})

        def greetings():
            mails = self.env["mail.mail"].search([("model", "=", lines._name), ("res_id", "in", lines.ids)])
            return mails, self.env["sms.sms"].search([("partner_id", "in", self.customers.ids)])

        self.assertEqual(greetings(), (self.env["mail.mail"], self.env["sms.sms"]), "nothing greeted at launch")
        self.assertFalse(lines.filtered("date_greeted"))
        self.assertEqual(
            set(campaign.mailing_ids.mapped("schedule_date")), {datetime(2027, 2, 6, 0, 0)}, "07:00 in Vietnam"
        )
        with freeze_now(self.env, "2027-02-05 09:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
        self.assertEqual(greetings(), (self.env["mail.mail"], self.env["sms.sms"]), "not the day before")
        self.assertEqual(campaign.state, "running")
        with freeze_now(self.env, "2027-02-06 01:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
            cron_drain(self.env, SEND_CRON)
        mails, sms = greetings()
        self.assertEqual((len(mails), len(sms)), (4, 4))
        self.assertEqual(set(lines.mapped("date_greeted")), {datetime(2027, 2, 6, 1, 0)})
        self.assertEqual(set(lines.mapped("date_sent")), {datetime(2026, 12, 2, 9, 0)})
        self.assertEqual(campaign.state, "done")

    def test_scheduled_holiday_starts_its_lead_time_before(self):
        freeze_test_clock(self, "2026-12-02 09:00:00")
        self._receive(self.gift, 4, 100.0)
        campaign = self._campaign(
            occasion="tet", gift_product_id=self.gift.id, warehouse_id=self.warehouse.id, recurring=True
        )
        campaign.action_generate_recipients()
        campaign.action_schedule()
        with freeze_now(self.env, "2027-02-02 09:00:00"):
            cron_drain(self.env, SEND_CRON)
        self.assertEqual(campaign.state, "scheduled")
        with freeze_now(self.env, "2027-02-03 09:00:00"):
            cron_drain(self.env, SEND_CRON)
            self.assertEqual(campaign.state, "running")
            self.assertEqual(set(campaign.line_ids.picking_id.mapped("scheduled_date")), {datetime(2027, 2, 3, 9, 0)})
        # Without a gift, a holiday's greetings alone: on the day, nothing before.
        greetings = self._campaign(name="Chúc Tết", occasion="tet")
        greetings.action_generate_recipients()
        greetings.action_launch()
        self.assertEqual(set(greetings.line_ids.mapped("state")), {"pending"})
        with freeze_now(self.env, "2027-02-06 08:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
        self.assertEqual(set(greetings.line_ids.mapped("state")), {"sent"})
        self.assertEqual(len(self._mails(greetings)), 4)

    def test_anniversary_gifts_leave_before_each_day(self):
        freeze_test_clock(self, "2026-06-01 08:00:00")
        self._receive(self.gift, 2, 100.0)
        self.customers[0].stp_founding_date = date(2010, 6, 2)
        self.customers[1].stp_founding_date = date(2015, 6, 20)
        campaign = self._campaign(
            occasion="company_anniversary", gift_product_id=self.gift.id, warehouse_id=self.warehouse.id
        )
        campaign.action_generate_recipients()
        campaign.action_launch()
        first, second = campaign.line_ids
        self.assertEqual((first.state, second.state), ("sent", "pending"))
        self.assertEqual(first.picking_id.scheduled_date, datetime(2026, 6, 1, 8, 0), "late: it leaves now")
        self.assertFalse(first.date_greeted)
        with freeze_now(self.env, "2026-06-16 08:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
        self.assertEqual(second.state, "pending")
        self.assertTrue(first.date_greeted, "greeted on its day")
        with freeze_now(self.env, "2026-06-17 08:00:00"):
            cron_drain(self.env, SEND_CRON)
            self._send_mailings()
        self.assertEqual(second.state, "sent")
        self.assertEqual(second.picking_id.scheduled_date, datetime(2026, 6, 17, 8, 0), "three days before")
        self.assertFalse(second.date_greeted)
        self.assertEqual(campaign.state, "running")
        with freeze_now(self.env, "2026-06-20 08:00:00"):
            self._send_mailings()
            cron_drain(self.env, SEND_CRON)
        self.assertTrue(second.date_greeted)
        self.assertEqual(campaign.state, "done")

    def test_timeline_and_partner_button(self):
        campaign = self._launched()
        partner = self.customers[0]
        self.assertEqual(partner.stp_campaign_count, 1)
        self.assertEqual(self.delivery_address.stp_campaign_count, 1)
        rows = (
            self.env["stp.crm.timeline"]
            .with_user(self.crm_only)
            .search([("partner_id", "=", partner.id), ("event_type", "=", "campaign")])
        )
        self.assertEqual(rows.mapped("name"), [campaign.name])
        self.assertEqual(rows.res_model, "stp.crm.campaign.line")
        action = partner.with_user(self.crm_only).action_stp_open_campaigns()
        self.assertEqual(self.env["stp.crm.campaign.line"].search(action["domain"]).campaign_id, campaign)


@tagged("post_install", "-at_install")
class TestCampaignResults(CampaignCommon):
    def test_attribution_window_and_roi(self):
        freeze_test_clock(self, LAUNCH_DAY)
        campaign = self._campaign(other_cost=1000.0, attribution_days=90)
        campaign.action_generate_recipients()
        campaign.action_launch()
        sent = campaign.line_ids[0].date_sent
        self.assertEqual(sent, LAUNCH_DAY)
        customer, contact_company = self.customers[0], self.customers[1]
        contact = self.env["res.partner"].create({"name": "Liên hệ", "parent_id": contact_company.id})
        other_company = self.setup_other_company()["company"]
        self._order(customer, 700.0, sent)  # the first second counts
        self._order(customer, 1300.0, sent + timedelta(days=90))  # the last second counts
        self._order(customer, 5000.0, sent + timedelta(days=90, seconds=1))  # too late
        self._order(customer, 5000.0, sent - timedelta(seconds=1))  # before the gift
        self._order(contact, 1000.0, sent + timedelta(days=10))  # a contact of a recipient
        self._order(customer, 5000.0, sent + timedelta(days=1), company=other_company)  # another company
        campaign.invalidate_recordset()
        self.assertEqual(campaign.revenue_after, 3000.0)
        self.assertEqual(campaign.cost, 1000.0)
        self.assertEqual(campaign.roi, 200.0)  # (3000 - 1000) / 1000 x 100
        lines = campaign.line_ids
        self.assertEqual(lines.filtered(lambda line: line.partner_id == customer).revenue_after, 2000.0)
        campaign.attribution_days = 10
        campaign.invalidate_recordset()
        self.assertEqual(campaign.revenue_after, 1700.0)
        campaign.other_cost = 0.0
        campaign.invalidate_recordset()
        self.assertEqual(campaign.roi, 0.0, "no cost, no ROI")

    def test_campaign_sales_count_in_the_crm_roi(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self.env["res.partner"].create(
            [{"name": f"Khách nhóm {i}", "category_id": [(6, 0, self.vip.ids)]} for i in range(16)]
        )
        campaign = self._campaign(control_ratio=0.25)
        campaign.action_generate_recipients()
        campaign.action_launch()
        control = campaign.line_ids.filtered(lambda line: line.exclusion_reason == "control")
        reached = campaign.line_ids - control
        self._order(reached[0].partner_id, 700.0, LAUNCH_DAY + timedelta(days=1))
        self._order(control[0].partner_id, 900.0, LAUNCH_DAY + timedelta(days=1))  # reached by nothing
        self._campaign(name="Lần hai").action_generate_recipients()  # not launched: reaches no one
        self.env.flush_all()
        month = LAUNCH_DAY.replace(day=1).date()
        [row] = self.env["stp.crm.roi.report"].search([("company_id", "=", self.company.id), ("date", "=", month)])
        self.assertEqual(row.attributed_profit, 700.0)

    def test_comparison_group_uplift(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self.env["res.partner"].create(
            [{"name": f"Khách nhóm {i}", "category_id": [(6, 0, self.vip.ids)]} for i in range(16)]
        )
        campaign = self._campaign(control_ratio=0.25, other_cost=100.0)
        campaign.action_generate_recipients()
        campaign.action_launch()
        control = campaign.line_ids.filtered(lambda line: line.exclusion_reason == "control")
        reached = campaign.line_ids - control
        self.assertTrue(control and reached)
        self.assertFalse(control.filtered("date_sent"), "the comparison group gets nothing")
        self._order(control[0].partner_id, 100.0 * len(control), LAUNCH_DAY + timedelta(days=5))
        self._order(reached[0].partner_id, 300.0 * len(reached), LAUNCH_DAY + timedelta(days=5))
        campaign.invalidate_recordset()
        self.assertEqual(campaign.control_revenue_after, 100.0 * len(control))
        self.assertEqual(campaign.revenue_after, 300.0 * len(reached))
        # 300 per recipient against 100 per member of the comparison group.
        self.assertAlmostEqual(campaign.uplift_revenue, 200.0 * len(reached))
        self.assertAlmostEqual(campaign.roi, (300.0 * len(reached) - 100.0) / 100.0 * 100)

    def test_results_of_many_campaigns_in_a_few_queries(self):
        campaigns = self._campaign(other_cost=10.0) + self._campaign(other_cost=20.0)
        campaigns.action_generate_recipients()
        more = campaigns + self._campaign() + self._campaign()
        more.action_generate_recipients()
        for records in (campaigns, more):
            records.invalidate_recordset()
            records.env.invalidate_all()
            # As many for four campaigns as for two; the revenue reads the orders the user may read,
            # whose record rules cost 3 queries the first time (then cached).
            with self.assertQueryCount(14):
                records.read(["recipient_count", "delivered_count", "cost", "revenue_after", "roi", "uplift_revenue"])


@tagged("post_install", "-at_install")
class TestCampaignAccess(CampaignCommon):
    def test_users_read_managers_manage(self):
        campaign = self._campaign()
        campaign.action_generate_recipients()
        for user in (self.crm_only, self.sales_own):
            as_user = campaign.with_user(user)
            self.assertEqual(as_user.read(["name", "recipient_count"])[0]["recipient_count"], 4)
            self.assertEqual(len(as_user.line_ids), 4)
            with self.assertRaises(AccessError):
                as_user.write({"name": "Không được"})
            with self.assertRaises(AccessError):
                as_user.action_generate_recipients()
            with self.assertRaises(AccessError):
                self.env["stp.crm.campaign"].with_user(user).create(
                    {"name": "Không được", "company_id": self.company.id}
                )
            with self.assertRaises(AccessError):
                as_user.read(["revenue_after"])
        manager = self.env["stp.crm.campaign"].with_user(self.stp_manager)
        own = manager.create(
            {
                "name": "8/3 cho khách hàng",
                "occasion": "womens_day",
                "segment_domain": f"[('id', 'in', {self.customers[:2].ids})]",
            }
        )
        own.action_generate_recipients()
        self.assertEqual(own.recipient_count, 2)
        self.assertEqual(own.read(["roi"])[0]["roi"], 0.0)

    def test_multi_company(self):
        other_company = self.setup_other_company()["company"]
        mine = self._campaign()
        theirs = self._campaign(name="Chiến dịch công ty khác", company_id=other_company.id)
        theirs.action_generate_recipients()
        for user in (self.crm_only, self.stp_manager):
            self.assertEqual(
                self.env["stp.crm.campaign"].with_user(user).search([("id", "in", (mine + theirs).ids)]), mine
            )
            self.assertFalse(
                self.env["stp.crm.campaign.line"].with_user(user).search([("campaign_id", "=", theirs.id)])
            )
        self.stp_manager.company_ids += other_company
        as_manager = (
            self.env["stp.crm.campaign"]
            .with_user(self.stp_manager)
            .with_context(allowed_company_ids=[self.company.id, other_company.id])
        )
        self.assertEqual(as_manager.search([("id", "in", (mine + theirs).ids)]), mine + theirs)
