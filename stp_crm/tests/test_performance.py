from odoo.tests import freeze_time, new_test_user, tagged

from .common import StpCrmAccountCommon, cron_call


@tagged("post_install", "-at_install")
class TestTierPerformance(StpCrmAccountCommon):
    """The tier recompute costs a constant number of queries per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Khách hàng {i}", "is_company": True} for i in range(60)]
        )
        cls.env["res.partner"].create(
            [{"name": f"Liên hệ {i}", "parent_id": partner.id} for i, partner in enumerate(cls.partners)]
        )
        invoices = cls.env["account.move"]
        for partner in cls.partners[::3]:
            invoices |= cls.init_invoice(
                "out_invoice", partner=partner, invoice_date=cls._today(), amounts=[3_000.0], taxes=[]
            )
        invoices.with_context(skip_stp_tier_update=True).action_post()

    def _recompute(self, partners):
        self.env.invalidate_all()
        partners._stp_update_tiers(companies=self.company)

    def test_constant_queries_when_nothing_changes(self):
        self._recompute(self.partners)  # settle the tiers
        with self.assertQueryCount(8):
            self._recompute(self.partners[:10])
        with self.assertQueryCount(8):
            self._recompute(self.partners)

    def test_constant_queries_when_tiers_change(self):
        # 2 and 17 partners move from C to B: one grouped write per tier value;
        # the rest is the chatter tracking of each change, disabled here.
        warm_up, small, large = self.partners[:1], self.partners[3:9:3], self.partners[9::3]
        self._recompute(warm_up)  # fills the registry caches (defaults, field metadata)
        with self.assertQueryCount(12):
            self._recompute(small)
        with self.assertQueryCount(12):
            self._recompute(large)
        self.assertEqual(set((small | large).mapped("stp_tier")), {"b"})

    def test_retier_cron_batch_costs_constant_queries(self):
        # Only the test's partners are due; batches of 10 and of 40 cost the same (progress record
        # and report included): the re-tier reads and writes per batch, never per partner.
        partner_model = self.env["res.partner"].with_context(active_test=False)
        partner_model._stp_mark_requested_retier()  # the fixtures' threshold change
        partner_model.search([("id", "not in", self.partners.ids)])._stp_system_write({"stp_tier_date": self._today()})
        cron = "stp_crm.ir_cron_stp_retier_partners"
        cron_call(self.env, cron, batch_size=1)  # fills the registry caches
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.assertEqual(cron_call(self.env, cron, batch_size=10), (10, 49))
        self.env.flush_all()
        batch_of_10 = self.env.cr.sql_log_count - before
        # 29 queries (final flush included) with one company; each further company the customers
        # are tiered in (the demo data has one) reads its revenue and its tiers: 2 more.
        self.assertLessEqual(batch_of_10, 31)
        self.env.invalidate_all()
        with self.assertQueryCount(batch_of_10):
            self.assertEqual(cron_call(self.env, cron, batch_size=40), (40, 9))


@tagged("post_install", "-at_install")
class TestPartnerListPerformance(StpCrmAccountCommon):
    """The partner list with STP CRM's columns costs one query more than Odoo's own columns
    (the interaction figures of the page's customers, one grouped query), whatever the
    number of rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "stp_list_reader", groups="stp_crm.group_stp_crm_user,account.group_account_invoice"
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "STP list page"})
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Khách hàng {i}",
                    "is_company": True,
                    "category_id": cls.tag.ids,
                    "phone": f"0912 000 {i:03d}",
                }
                for i in range(80)
            ]
        )
        cls.env["stp.crm.interaction"].create(
            [
                {"partner_id": partner.id, "summary": "Gọi điện", "user_id": cls.user.id, "date": "2026-12-01 09:00:00"}
                for partner in cls.partners[::2]
            ]
        )

    def _spec(self, keep):
        partners = self.env["res.partner"].with_user(self.user)
        fields_info = partners.get_views([(False, "list")])["models"]["res.partner"]["fields"]
        return {
            name: {"fields": {"display_name": {}}} if partners._fields[name].type == "many2one" else {}
            for name in fields_info
            if keep(name)
        }

    @freeze_time("2026-12-03 10:00:00")
    def test_list_page_queries(self):
        ours = self._spec(lambda name: True)
        native = self._spec(lambda name: not name.startswith("stp_"))
        self.assertIn("stp_interaction_count_90d", ours)
        self.assertIn("stp_ltv", ours)
        partners = self.env["res.partner"].with_user(self.user)

        def page(spec, limit):
            self.env.invalidate_all()
            return partners.web_search_read([("category_id", "=", self.tag.id)], spec, limit=limit, count_limit=10001)

        for limit in (10, 80):
            page(ours, limit)  # warm the caches (rules, groups, views)
            page(native, limit)
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(len(page(native, limit)["records"]), limit)
            native_queries = self.cr.sql_log_count - before
            with self.assertQueryCount(native_queries + 1):
                result = page(ours, limit)
            self.assertEqual(len(result["records"]), limit)
        counts = {row["id"]: row["stp_interaction_count_90d"] for row in result["records"]}
        self.assertEqual(counts[self.partners[0].id], 1)
        self.assertEqual(counts[self.partners[1].id], 0)
