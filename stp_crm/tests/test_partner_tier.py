from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.stp_crm.models.res_partner import ResPartner

from .common import StpCrmAccountCommon, cron_call, cron_drain

RETIER_CRON = "stp_crm.ir_cron_stp_retier_partners"


@tagged("post_install", "-at_install")
class TestPartnerTier(StpCrmAccountCommon):
    def _flush_tracking(self):
        """Tracking values are written at commit time (precommit hooks): run them now."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_new_customer_is_tier_c(self):
        self.assertEqual(self.customer.stp_tier, "c")
        self.assertEqual(self.customer_contact.stp_tier, "c")

    def test_posted_invoices_raise_the_tier_and_contacts_follow(self):
        self._invoice(self.customer, 2_500.0)
        self.assertEqual(self.customer.stp_tier, "b")
        self.assertEqual(self.customer_contact.stp_tier, "b")
        self._invoice(self.customer_contact, 8_000.0)  # invoiced to the contact: counts for the company
        self.assertEqual(self.customer.stp_tier, "a")
        self.assertEqual(self.customer_contact.stp_tier, "a")
        self.assertEqual(self.customer.stp_tier_revenue, 10_500.0)

    def test_refunds_are_subtracted(self):
        self._invoice(self.customer, 12_000.0)
        self.assertEqual(self.customer.stp_tier, "a")
        self._invoice(self.customer, 3_000.0, move_type="out_refund")
        self.assertEqual(self.customer.stp_tier, "b")
        self.assertEqual(self.customer.stp_tier_revenue, 9_000.0)

    def test_draft_cancelled_and_old_invoices_do_not_count(self):
        draft = self.init_invoice(
            "out_invoice", partner=self.customer, invoice_date=self._today(), amounts=[50_000.0], taxes=[]
        )
        self.assertEqual(self.customer.stp_tier, "c")
        self._invoice(self.customer, 50_000.0, invoice_date=self._today() - relativedelta(months=13))
        self.assertEqual(self.customer.stp_tier, "c")
        draft.action_post()
        self.assertEqual(self.customer.stp_tier, "a")
        draft.button_draft()
        draft.button_cancel()
        self.assertEqual(self.customer.stp_tier, "c")

    def test_foreign_currency_invoice_counts_in_company_currency(self):
        currency = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        # 6,000 EUR at 0.5 EUR per company unit = 12,000 in company currency.
        self._invoice(self.customer, 6_000.0, currency=currency)
        self.assertEqual(self.customer.stp_tier_revenue, 12_000.0)
        self.assertEqual(self.customer.stp_tier, "a")

    def test_other_company_has_its_own_invoices_and_thresholds(self):
        company_b = self.setup_other_company(name="Chi nhánh Hà Nội")["company"]
        company_b.write({"stp_tier_a_threshold": 1_000.0, "stp_tier_b_threshold": 500.0})
        self._invoice(self.customer, 700.0, company=company_b)
        self.assertEqual(self.customer.with_company(company_b).stp_tier, "b")
        self.assertEqual(self.customer.with_company(self.company).stp_tier, "c")
        self.assertEqual(self.customer_contact.with_company(company_b).stp_tier, "b")
        partners_b = (
            self.env["res.partner"]
            .with_company(company_b)
            .search([("stp_tier", "=", "b"), ("id", "in", (self.customer | self.customer_contact).ids)])
        )
        self.assertEqual(partners_b, self.customer | self.customer_contact)

    def test_threshold_change_triggers_the_retier_cron(self):
        # Saving the thresholds returns at once; the re-tier cron, triggered, applies them.
        self._invoice(self.customer, 3_000.0)
        self.assertEqual(self.customer.stp_tier, "b")
        self._retier_all()  # everyone done today: the nightly run is over
        cron = self.env.ref(RETIER_CRON)
        with patch.object(ResPartner, "_stp_update_tiers", autospec=True) as update_tiers:
            self.env["res.config.settings"].create(
                {"stp_tier_a_threshold": 2_500.0, "stp_tier_b_threshold": 1_000.0}
            ).execute()
        update_tiers.assert_not_called()
        self.assertEqual(self.company.stp_tier_a_threshold, 2_500.0)
        self.assertEqual(self.customer.stp_tier, "b", "not re-tiered inside the Settings request")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        done, remaining = cron_call(self.env, RETIER_CRON)
        self.assertGreater(done + remaining, 1, "the cron takes every customer again")
        self.assertEqual(self.customer.stp_tier_date, self._today())
        self._retier_all()
        self.assertEqual(self.customer.stp_tier, "a")
        self.assertEqual(self.customer_contact.stp_tier, "a")

    def test_company_threshold_write_triggers_the_cron_too(self):
        self._invoice(self.customer, 3_000.0)
        self._retier_all()
        self.company.write({"stp_tier_b_threshold": 5_000.0})
        self.assertEqual(self.customer.stp_tier, "b")
        self._retier_all()
        self.assertEqual(self.customer.stp_tier, "c")

    def _mark_others_done_today(self, partners):
        """Leave only ``partners`` to the re-tier cron (archived partners are re-tiered too)."""
        self.env["res.partner"]._stp_mark_requested_retier()  # the fixtures' threshold change
        others = self.env["res.partner"].with_context(active_test=False).search([("id", "not in", partners.ids)])
        others._stp_system_write({"stp_tier_date": self._today()})  # as the cron would

    def _retier_all(self):
        cron_drain(self.env, RETIER_CRON)

    def test_thresholds_must_be_ordered(self):
        with self.assertRaises(ValidationError):
            self.company.write({"stp_tier_a_threshold": 100.0, "stp_tier_b_threshold": 200.0})
        self.assertEqual(self.company.stp_tier_a_threshold, 10_000.0)

    def test_locked_tier_is_kept(self):
        self.customer.write({"stp_tier_locked": True, "stp_tier": "a"})
        self.assertEqual(self.customer_contact.stp_tier, "a", "contacts follow a locked company tier")
        self._invoice(self.customer, 100.0)
        self.assertEqual(self.customer.stp_tier, "a")
        self.customer.stp_tier_locked = False
        self.assertEqual(self.customer.stp_tier, "c", "unlocking recomputes the tier")

    def test_new_contact_takes_its_company_tier(self):
        self._invoice(self.customer, 20_000.0)
        contact = self.env["res.partner"].create({"name": "Liên hệ mới", "parent_id": self.customer.id})
        self.assertEqual(contact.stp_tier, "a")
        loose = self.env["res.partner"].create({"name": "Người lẻ"})
        self.assertEqual(loose.stp_tier, "c")
        loose.parent_id = self.customer
        self.assertEqual(loose.stp_tier, "a")

    def test_tier_change_is_tracked_in_chatter(self):
        # The invoicing fixtures disable tracking; the tier must be tracked in real use.
        self._flush_tracking()
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, invoice_date=self._today(), amounts=[20_000.0], taxes=[]
        )
        invoice.with_context(skip_stp_tier_update=True).action_post()
        self.customer.with_context(tracking_disable=False, mail_notrack=False)._stp_update_tiers()
        self._flush_tracking()
        self.env.invalidate_all()
        tracking = self.customer.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "stp_tier")
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.new_value_char, "A")

    def _invoice_quietly(self, partner, amount):
        """Post an invoice without the immediate re-tier (as a mass import does)."""
        invoice = self.init_invoice(
            "out_invoice", partner=partner, invoice_date=self._today(), amounts=[amount], taxes=[]
        )
        invoice.with_context(skip_stp_tier_update=True).action_post()

    def _tier_notes(self, partner):
        self._flush_tracking()
        self.env.invalidate_all()
        return partner.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "stp_tier")

    def test_first_tier_is_set_without_note_then_changes_are_tracked(self):
        # A customer never assessed (no tier date) gets its first tier as an initial value,
        # without a chatter note (as Odoo does not track a new record's initial values).
        customer = self.env["res.partner"].create({"name": "Khách mới", "is_company": True})
        self.assertFalse(customer.stp_tier_date)
        self._invoice_quietly(customer, 3_000.0)
        tracked = customer.with_context(tracking_disable=False, mail_notrack=False)
        tracked._stp_update_tiers()
        self.assertEqual(customer.stp_tier, "b")
        self.assertEqual(customer.stp_tier_date, self._today(), "assessed: later changes are tracked")
        self.assertFalse(self._tier_notes(customer))
        # The next change is a real one: tracked.
        self._invoice_quietly(customer, 8_000.0)
        tracked._stp_update_tiers()
        notes = self._tier_notes(customer)
        self.assertEqual(len(notes), 1)
        self.assertEqual((notes.old_value_char, notes.new_value_char), ("B", "A"))

    def test_threshold_change_moves_are_tracked(self):
        # Customers made due again by a threshold change keep their date: their moves are tracked.
        self._invoice(self.customer, 3_000.0)
        self._retier_all()
        self.company.write({"stp_tier_b_threshold": 5_000.0})
        self.env["res.partner"]._stp_mark_requested_retier()
        self.assertEqual(self.customer.stp_tier_date, self._today() - relativedelta(days=1))
        self.customer.with_context(tracking_disable=False, mail_notrack=False)._stp_retier_batch(self._today())
        self.assertEqual(self.customer.stp_tier, "c")
        notes = self._tier_notes(self.customer)
        self.assertEqual((notes.old_value_char, notes.new_value_char), ("B", "C"))

    def test_batch_cron_retiers_everyone_once_per_day(self):
        partners = self.env["res.partner"].create([{"name": f"Khách {i}", "is_company": True} for i in range(7)])
        invoices = self.env["account.move"]
        for partner in partners[:3]:
            invoices |= self.init_invoice(
                "out_invoice", partner=partner, invoice_date=self._today(), amounts=[20_000.0], taxes=[]
            )
        # Post without the immediate trigger, as if invoices arrived by import.
        invoices.with_context(skip_stp_tier_update=True).action_post()
        self.assertEqual(partners.mapped("stp_tier"), ["c"] * 7)
        self._mark_others_done_today(partners)
        # One batch per call: what is left is reported, and the next call goes on from there.
        self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=3), (3, 4))
        self.assertEqual(partners.mapped("stp_tier"), ["a"] * 3 + ["c"] * 4)
        self.assertEqual(partners.mapped("stp_tier_date"), [self._today()] * 3 + [False] * 4)
        self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=3), (3, 1))
        self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=3), (1, 0))
        self.assertTrue(all(p.stp_tier_date == self._today() for p in partners))
        # A second run the same day finds nothing to do.
        self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=3), (0, 0))

    def test_failing_partner_is_logged_and_skipped(self):
        partners = self.env["res.partner"].create([{"name": f"Khách {i}", "is_company": True} for i in range(4)])
        invoices = self.env["account.move"]
        for partner in partners:
            invoices |= self.init_invoice(
                "out_invoice", partner=partner, invoice_date=self._today(), amounts=[20_000.0], taxes=[]
            )
        invoices.with_context(skip_stp_tier_update=True).action_post()
        self._mark_others_done_today(partners)
        bad = partners[1]
        update_tiers = ResPartner._stp_update_tiers

        def broken_for_bad(records, *args, **kwargs):
            if bad in records:
                raise ValueError("bad data")
            return update_tiers(records, *args, **kwargs)

        with (
            patch.object(ResPartner, "_stp_update_tiers", broken_for_bad),
            self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR") as logs,
        ):
            self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=2), (2, 2), "the bad one is set aside")
            self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=2), (2, 0))
            # Later calls do not pick it first again and again.
            self.assertEqual(cron_call(self.env, RETIER_CRON, batch_size=2), (0, 0))
        self.assertIn(f"res.partner({bad.id},) skipped: bad data", logs.output[0])
        self.assertEqual((partners - bad).mapped("stp_tier"), ["a"] * 3)
        self.assertEqual(bad.stp_tier, "c")
        self.assertFalse(bad.stp_tier_date)
        log = self.env["ir.logging"].search([("path", "=", "res.partner"), ("line", "=", str(bad.id))])
        self.assertEqual(log.func, "_cron_stp_retier")

    def test_read_only_buttons_are_routed_to_the_replica(self):
        # /web/dataset/call_kw and call_button run methods marked @api.readonly on a
        # read-only cursor, i.e. on the read replica when Odoo has one (db_replica_host).
        for method in (
            "action_stp_open_installed_products",
            "action_stp_open_contracts",
            "action_stp_open_tickets",
            "action_stp_open_timeline",
        ):
            self.assertTrue(getattr(getattr(ResPartner, method), "_readonly", False), method)
        action = self.env["res.partner"].browse(self.customer.id).action_stp_open_timeline()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
