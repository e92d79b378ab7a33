from odoo.tests import tagged

from .common import StpCrmAccountCommon


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
        with self.assertQueryCount(9):
            self._recompute(self.partners[:10])
        with self.assertQueryCount(9):
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
