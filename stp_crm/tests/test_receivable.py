from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import StpCrmAccountCommon, cron_drain, freeze_test_clock

TODAY = date(2026, 6, 30)
DUNNING_CRON = "stp_crm.ir_cron_stp_dunning"


@tagged("post_install", "-at_install")
class StpCrmReceivableCommon(StpCrmAccountCommon):
    @classmethod
    def _invoice_due(cls, partner, amount, days_past_due, move_type="out_invoice"):
        """A posted invoice due ``days_past_due`` days before TODAY."""
        due = TODAY - timedelta(days=days_past_due)
        invoice = cls.init_invoice(move_type, partner=partner, invoice_date=due, amounts=[amount], taxes=[])
        invoice.invoice_date_due = due
        invoice.action_post()
        return invoice

    def _pay(self, invoices):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoices.ids).create(
            {}
        )._create_payments()


@tagged("post_install", "-at_install")
class TestReceivables(StpCrmReceivableCommon):
    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-06-30 08:00:00")

    def test_aging_buckets(self):
        for amount, days in ((100, -5), (200, 0), (300, 1), (400, 30), (500, 31), (600, 61), (700, 90), (800, 91)):
            self._invoice_due(self.customer, amount, days)
        refund = self._invoice_due(self.customer, 50, 10, move_type="out_refund")
        self.assertEqual(refund.state, "posted")
        customer = self.customer.with_user(self.stp_user)
        self.assertEqual(customer.stp_aging_current, 300)
        self.assertEqual(customer.stp_aging_1_30, 300 + 400 - 50)
        self.assertEqual(customer.stp_aging_31_60, 500)
        self.assertEqual(customer.stp_aging_61_90, 600 + 700)
        self.assertEqual(customer.stp_aging_over_90, 800)
        self.assertEqual(customer.stp_receivable_overdue, 3250)
        self.assertEqual(customer.stp_receivable_due, 3550)
        # A contact shows its company's receivables.
        self.assertEqual(self.customer_contact.with_user(self.stp_user).stp_receivable_due, 3550)

    def test_paid_invoice_leaves_receivables(self):
        invoice = self._invoice_due(self.customer, 1000, 40)
        self.assertEqual(self.customer.stp_receivable_overdue, 1000)
        self._pay(invoice)
        self.env.invalidate_all()
        self.assertEqual(self.customer.stp_receivable_due, 0)
        self.assertEqual(self.customer.stp_aging_31_60, 0)

    def test_open_journal_items(self):
        invoice = self._invoice_due(self.customer, 1000, 10)
        action = self.customer_contact.with_user(self.stp_user).action_stp_open_receivables()
        lines = self.env["account.move.line"].with_user(self.stp_user).search(action["domain"])
        self.assertEqual(
            lines, invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        )

    def test_search_overdue(self):
        other = self.env["res.partner"].create({"name": "Công ty Đúng Hạn", "is_company": True})
        self._invoice_due(self.customer, 1000, 10)
        self._invoice_due(other, 500, -10)
        partners = self.env["res.partner"].with_user(self.stp_user)
        ids = [self.customer.id, self.customer_contact.id, other.id]
        overdue = partners.search([("stp_receivable_overdue", ">", 0), ("id", "in", ids)])
        self.assertEqual(overdue, self.customer + self.customer_contact)
        self.assertEqual(partners.search([("stp_receivable_overdue", "=", 0), ("id", "in", ids)]), other)
        self.assertEqual(partners.search([("stp_receivable_due", ">=", 500), ("id", "in", ids)]).ids, ids)
        self.assertEqual(partners.search([("stp_aging_current", "=", 500), ("id", "in", ids)]), other)
        with self.assertRaises(UserError):
            partners.search([("stp_receivable_due", ">", "lots")])

    def _queries_to_read(self, customers):
        customers.invalidate_recordset()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        total = sum(customers.mapped("stp_aging_31_60"))
        return self.env.cr.sql_log_count - before, total

    def test_one_query_for_a_page(self):
        """The cost of the figures does not depend on the number of partners."""
        customers = self.env["res.partner"].create([{"name": f"Khách {n}", "is_company": True} for n in range(40)])
        for customer in customers[:5]:
            self._invoice_due(customer, 100, 45)
        self._queries_to_read(customers[:1])  # warm the caches (groups, currency)
        few_queries, few_total = self._queries_to_read(customers[:4])
        many_queries, many_total = self._queries_to_read(customers)
        self.assertEqual((few_total, many_total), (400, 500))
        self.assertEqual(few_queries, many_queries)
        self.assertLessEqual(many_queries, 3)

    def test_vietnamese_labels(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        env_vi = self.env(context={"lang": "vi_VN"})
        partner_fields = env_vi["res.partner"].fields_get(["stp_receivable_due", "stp_receivable_overdue"])
        self.assertEqual(partner_fields["stp_receivable_due"]["string"], "Công nợ")
        self.assertEqual(partner_fields["stp_receivable_overdue"]["string"], "Quá hạn")
        policy = env_vi["res.company"].fields_get(["stp_credit_limit_policy"])["stp_credit_limit_policy"]
        self.assertEqual(policy["string"], "Chính sách hạn mức tín dụng")
        self.assertEqual(env_vi["ir.model"]._get("stp.crm.investment").name, "Đầu tư CRM")
        self.assertIn("Lợi tức đầu tư", env_vi["stp.crm.roi.report"].fields_get(["roi"])["roi"]["string"])

    def test_user_without_accounting_rights_sees_no_receivables(self):
        self._invoice_due(self.customer, 1000, 10)
        for user in (self.crm_only, self.sales_own):
            customer = self.customer.with_user(user)
            self.assertNotIn("stp_receivable_due", customer.fields_get())
            with self.assertRaises(AccessError):
                customer.read(["stp_receivable_overdue"])
            with self.assertRaises(AccessError):
                customer.search([("stp_receivable_overdue", ">", 0)])
        action = self.env.ref("stp_crm.res_partner_receivable_action")
        menu = self.env.ref("stp_crm.stp_crm_menu_receivables")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.crm_only)._visible_menu_ids())
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.stp_user)._visible_menu_ids())
        self.assertTrue(action.groups_id)


@tagged("post_install", "-at_install")
class TestCreditLimit(StpCrmReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.customer.with_company(cls.company).credit_limit = 1000.0
        cls._invoice(cls.customer, 800)
        cls.sales_own.groups_id += cls.env.ref("sales_team.group_sale_salesman")

    def _order(self, price):
        orders = self.env["sale.order"].with_user(self.sales_own)
        return orders.create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product_a.id, "price_unit": price, "tax_id": []})],
            }
        )

    def test_within_limit_is_quiet(self):
        order = self._order(100)
        self.assertFalse(order.partner_credit_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.activity_ids)

    def test_warn(self):
        self.company.stp_credit_limit_policy = "warn"
        order = self._order(500)
        self.assertIn("credit limit", order.partner_credit_warning)
        self.assertNotIn("cannot be confirmed", order.partner_credit_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        activity = order.sudo().activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("stp_crm.group_stp_crm_manager"))
        self.assertIn(order.name, activity.summary)
        note = order.sudo().message_ids.filtered(lambda message: "over the customer's credit limit" in message.body)
        self.assertEqual(note.partner_ids, self.sales_own.partner_id)

    def test_block(self):
        self.company.stp_credit_limit_policy = "block"
        order = self._order(500)
        self.assertIn("cannot be confirmed", order.partner_credit_warning)
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        self.assertIn("credit limit", str(caught.exception))
        self.assertEqual(order.state, "draft")
        # Within the limit the company's "block" lets the order through.
        small = self._order(100)
        small.action_confirm()
        self.assertEqual(small.state, "sale")


@tagged("post_install", "-at_install")
class TestDunning(StpCrmReceivableCommon):
    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-06-30 08:00:00")
        self.customer.user_id = self.stp_user

    def _dunning_plans(self):
        return self.env["stp.crm.work.plan"].search([("partner_id", "=", self.customer.id)])

    def test_once_per_episode(self):
        invoice = self._invoice_due(self.customer, 1000, 5)
        self._invoice_due(self.customer_contact, 200, -5)
        cron_drain(self.env, DUNNING_CRON)
        plan = self._dunning_plans()
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.user_id, self.stp_user)
        self.assertEqual(plan.quadrant, "do_first")
        self.assertEqual(plan.date_deadline.date(), TODAY + timedelta(days=7))
        # Who owes what stays in the receivable fields (invoicing readers): the plan names no amount.
        self.assertNotIn("1,000", str(plan.description))
        self.assertIn("past due", str(plan.description))
        self.assertTrue(plan.stp_dunning_open)
        # Still overdue, more overdue, the plan done: the episode goes on, no second plan.
        self._invoice_due(self.customer, 300, 2)
        plan.action_mark_done()
        cron_drain(self.env, DUNNING_CRON)
        self.assertEqual(self._dunning_plans(), plan)
        # Paid: the episode ends.
        self._pay(invoice + self.customer.invoice_ids.filtered(lambda move: move.amount_total == 300))
        cron_drain(self.env, DUNNING_CRON)
        self.assertFalse(plan.stp_dunning_open)
        self.assertEqual(self._dunning_plans(), plan)
        # Overdue again: a new episode, a new plan.
        self._invoice_due(self.customer, 400, 1)
        cron_drain(self.env, DUNNING_CRON)
        new_plan = self._dunning_plans() - plan
        self.assertEqual(len(new_plan), 1)
        self.assertTrue(new_plan.stp_dunning_open)

    def test_without_salesperson_the_collections_manager_owns_the_plan(self):
        self.customer.user_id = False
        settings = self.env["res.config.settings"].create({"stp_collections_user_id": self.stp_manager.id})
        settings.execute()
        self.assertEqual(self.company.stp_collections_user_id, self.stp_manager)
        self._invoice_due(self.customer, 1000, 5)
        cron_drain(self.env, DUNNING_CRON)
        plan = self._dunning_plans()
        self.assertEqual(plan.user_id, self.stp_manager)
        self.assertFalse(plan.with_user(self.crm_only).search([("id", "=", plan.id)]), "not shown to every CRM user")

    def test_collections_manager_defaults_to_the_first_crm_manager(self):
        self.assertFalse(self.company.stp_collections_user_id)
        managers = (
            self.env.ref("stp_crm.group_stp_crm_manager")
            .users.filtered(lambda user: not user.share and self.company in user.company_ids)
            .sorted("id")
        )
        self.assertIn(self.stp_manager, managers)
        self.assertEqual(self.company._stp_collections_user(), managers[0])
        self.customer.user_id = False
        self._invoice_due(self.customer, 1000, 5)
        cron_drain(self.env, DUNNING_CRON)
        self.assertEqual(self._dunning_plans().user_id, managers[0])

    def test_collections_manager_is_a_crm_user_of_the_company(self):
        with self.assertRaises(ValidationError):
            self.company.stp_collections_user_id = self.plain_employee

    def test_plan_texts_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        no_language = self.env["res.partner"].create({"name": "Công ty Không Ngôn Ngữ", "is_company": True})
        no_language.lang = False
        self.customer.lang = "en_US"
        self.company.partner_id.lang = "vi_VN"
        self._invoice_due(self.customer, 1000, 5)
        self._invoice_due(no_language, 1000, 5)
        cron_drain(self.env, DUNNING_CRON)
        english = self._dunning_plans()
        self.assertEqual(english.name, "Collect overdue receivables: Công ty Khách Hàng")
        vietnamese = self.env["stp.crm.work.plan"].search([("partner_id", "=", no_language.id)])
        self.assertEqual(vietnamese.name, "Thu hồi công nợ quá hạn: Công ty Không Ngôn Ngữ")
        self.assertIn("quá hạn", str(vietnamese.description))

    def test_nothing_overdue_no_plan(self):
        self._invoice_due(self.customer, 1000, 0)
        cron_drain(self.env, DUNNING_CRON)
        self.assertFalse(self._dunning_plans())
