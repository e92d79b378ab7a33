import threading
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, api
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.stp_crm.models.stp_crm_contract import StpCrmContract

from .common import StpCrmAccountCommon, cron_call, cron_drain, freeze_now, open_numbering_year

EXPIRY_CRON = "stp_crm.ir_cron_stp_contract_expiry"


@tagged("post_install", "-at_install")
class StpCrmContractCommon(StpCrmAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting test user also runs sales, purchases, stock, HR and STP CRM.
        for xmlid in (
            "stp_crm.group_stp_crm_manager",
            "sales_team.group_sale_manager",
            "purchase.group_purchase_manager",
            "stock.group_stock_manager",
            "hr.group_hr_manager",
        ):
            cls.env.user.groups_id = [Command.link(cls.env.ref(xmlid).id)]
        cls.vnd = cls.setup_other_currency("VND", rates=[("2020-01-01", 25_000.0)])
        cls.vat_sale = cls.env["account.tax"].create(
            {"name": "VAT 10% (sale)", "amount": 10.0, "type_tax_use": "sale", "company_id": cls.company.id}
        )
        cls.vat_purchase = cls.env["account.tax"].create(
            {"name": "VAT 10% (purchase)", "amount": 10.0, "type_tax_use": "purchase", "company_id": cls.company.id}
        )
        cls.compressor = cls._create_product(
            name="Máy nén khí",
            is_storable=True,
            lst_price=100.0,
            standard_price=70.0,
            invoice_policy="delivery",
            taxes_id=[Command.set(cls.vat_sale.ids)],
            supplier_taxes_id=[Command.set(cls.vat_purchase.ids)],
        )
        cls.filter_product = cls._create_product(
            name="Lọc dầu",
            is_storable=True,
            lst_price=10.0,
            standard_price=6.0,
            invoice_policy="delivery",
            taxes_id=[Command.set(cls.vat_sale.ids)],
            supplier_taxes_id=[Command.set(cls.vat_purchase.ids)],
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Công ty Nhà Cung Cấp", "is_company": True})
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)

    @classmethod
    def _contract(cls, contract_type="sale", partner=None, lines=None, **values):
        partner = partner or (cls.customer if contract_type == "sale" else cls.vendor)
        lines = lines or [(cls.compressor, 10, 100.0), (cls.filter_product, 20, 10.0)]
        return cls.env["stp.crm.contract"].create(
            {
                "name": "Hợp đồng cung cấp máy nén khí",
                "contract_type": contract_type,
                "partner_id": partner.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "line_ids": [
                    Command.create({"product_id": product.id, "quantity": quantity, "price_unit": price})
                    for product, quantity, price in lines
                ],
                **values,
            }
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """assertRaises (which rolls back to a savepoint) that also checks the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


@tagged("post_install", "-at_install")
class TestContract(StpCrmContractCommon):
    # ------------------------------------------------------------------
    # Number
    # ------------------------------------------------------------------
    def test_number_from_company_sequence(self):
        first, second = self._contract(), self._contract()
        year = date.today().year
        self.assertRegex(first.number, rf"^HD/{year}/\d{{5}}$")
        self.assertNotEqual(first.number, second.number)
        self.assertEqual(int(second.number[-5:]), int(first.number[-5:]) + 1)
        self.assertNotEqual(first.copy().number, first.number)

    def test_create_twice_with_the_same_values(self):
        """Odoo runs a request again with the same arguments after a serialization failure
        (two users at once): the retry creates the contract as the first try would have."""
        values = {
            "name": "Hợp đồng tạo lại",
            "partner_id": self.customer.id,
            "date_start": "2026-01-01",
            "date_end": "2026-12-31",
            "state": "running",
            "line_ids": [Command.create({"product_id": self.compressor.id, "quantity": 1, "price_unit": 100.0})],
        }
        contracts = self.env["stp.crm.contract"]
        with freeze_now(self.env, "2026-07-01 09:00:00"):
            first = contracts.create(values)
            self.assertEqual(values["state"], "running", "the caller's values are left as given")
            self.assertNotIn("number", values)
            retried = contracts.create(values)
        self.assertEqual((first.state, retried.state), ("running", "running"))
        self.assertNotEqual(first.number, retried.number)

    def test_number_sequence_per_company(self):
        other_company = self.setup_other_company(name="Công ty Chi Nhánh")["company"]
        sequences = self.env["ir.sequence"].search([("code", "=", "stp.crm.contract")])
        self.assertIn(other_company, sequences.company_id, "a new company gets its own contract sequence")
        mine = self._contract()
        partner = self.env["res.partner"].create({"name": "Khách chi nhánh", "company_id": other_company.id})
        theirs = (
            self.env["stp.crm.contract"]
            .with_company(other_company)
            .create({"name": "HĐ chi nhánh", "partner_id": partner.id, "company_id": other_company.id})
        )
        self.assertEqual(theirs.number, f"HD/{date.today().year}/00001", "each company numbers from 1")
        mine_next = self._contract()
        self.assertEqual(int(mine_next.number[-5:]), int(mine.number[-5:]) + 1, "the other company took none")
        mine._stp_system_write({"number": theirs.number})  # the same number in two companies is fine
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            theirs.write({"company_id": self.company.id, "partner_id": self.customer.id})  # but not twice in one
            self.env.flush_all()

    def test_numbers_restart_each_year(self):
        """The number carries the year, so the counter restarts on January 1st."""
        branch = self.env["res.company"].create(
            {"name": "Chi nhánh Cần Thơ", "currency_id": self.company.currency_id.id}
        )
        template = self.env.ref("stp_crm.stp_crm_sequence_contract")
        self.assertEqual(template.company_id, self.env.ref("base.main_company"))
        [sequence] = self.env["ir.sequence"].search([("code", "=", "stp.crm.contract"), ("company_id", "=", branch.id)])
        self.assertTrue(sequence.use_date_range)
        partner = self.env["res.partner"].create({"name": "Khách Cần Thơ", "company_id": branch.id})
        contracts = self.env["stp.crm.contract"].with_company(branch)
        numbers = []
        for moment in ("2026-12-31 10:00:00", "2026-12-31 10:00:00", "2027-01-01 10:00:00", "2027-06-15 10:00:00"):
            with freeze_now(self.env, moment):
                contract = contracts.create({"name": "HĐ", "partner_id": partner.id, "company_id": branch.id})
            numbers.append(contract.number)
        self.assertEqual(numbers, ["HD/2026/00001", "HD/2026/00002", "HD/2027/00001", "HD/2027/00002"])

    # ------------------------------------------------------------------
    # Amounts
    # ------------------------------------------------------------------
    def test_amounts_in_company_currency(self):
        contract = self._contract()
        self.assertEqual(contract.currency_id, self.company.currency_id)
        self.assertAlmostEqual(contract.amount_untaxed, 1200.0)
        self.assertAlmostEqual(contract.amount_tax, 120.0)
        self.assertAlmostEqual(contract.amount_total, 1320.0)
        self.assertAlmostEqual(contract.amount_total_company, 1320.0)
        line = contract.line_ids[0]
        self.assertEqual(line.tax_ids, self.vat_sale, "taxes default to the product's sales taxes")
        self.assertAlmostEqual(line.price_subtotal, 1000.0)
        self.assertAlmostEqual(line.price_total, 1100.0)

    def test_amounts_in_vnd_at_signing_rate(self):
        self.env["res.currency.rate"].create(
            {"name": "2026-03-01", "rate": 26_000.0, "currency_id": self.vnd.id, "company_id": self.company.id}
        )
        contract = self._contract(
            currency_id=self.vnd.id,
            date_signed="2026-02-15",
            lines=[(self.compressor, 2, 25_000_000.0)],
        )
        self.assertAlmostEqual(contract.amount_untaxed, 50_000_000.0)
        self.assertAlmostEqual(contract.amount_total, 55_000_000.0)
        self.assertAlmostEqual(contract.amount_total_company, 2_200.0, msg="55M VND at 25,000 VND per unit")
        contract.date_signed = "2026-03-02"
        self.assertAlmostEqual(contract.amount_total_company, 2_115.38, places=2)

    def test_line_price_defaults_from_product(self):
        contract = self.env["stp.crm.contract"].create(
            {
                "name": "Mua lọc dầu",
                "contract_type": "purchase",
                "partner_id": self.vendor.id,
                "line_ids": [Command.create({"product_id": self.filter_product.id, "quantity": 3})],
            }
        )
        self.assertAlmostEqual(contract.line_ids.price_unit, 6.0, msg="purchase contracts start from the cost")
        self.assertEqual(contract.line_ids.tax_ids, self.vat_purchase)
        self.assertIn("Lọc dầu", contract.line_ids.name)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    def test_reversed_period_refused(self):
        count = self.env["stp.crm.contract"].search_count([])
        with self.assertRefused(ValidationError, "cannot end"):
            self._contract(date_start="2026-06-01", date_end="2026-05-31")
        self.assertEqual(self.env["stp.crm.contract"].search_count([]), count)
        contract = self._contract()
        with self.assertRefused(ValidationError, "cannot end"):
            contract.write({"date_end": "2025-12-31"})

    def test_running_needs_partner_and_lines(self):
        without_lines = self.env["stp.crm.contract"].create({"name": "Trống", "partner_id": self.customer.id})
        with self.assertRefused(ValidationError, "at least one line"):
            without_lines.action_confirm()
        self.assertEqual(without_lines.state, "draft")
        without_partner = self._contract()
        without_partner.partner_id = False
        with self.assertRefused(ValidationError, "needs a partner"):
            without_partner.action_confirm()
        self.assertEqual(without_partner.state, "draft")
        with self.assertRefused(ValidationError, "needs a partner"):
            self._contract(state="running", partner_id=False)

    def test_inactive_currency_refused(self):
        inactive = self.env["res.currency"].with_context(active_test=False).search([("name", "=", "JPY")])
        inactive.active = False
        with self.assertRefused(ValidationError, "not active"):
            self._contract(currency_id=inactive.id)

    def test_lines_frozen_once_running(self):
        contract = self._contract()
        contract.action_confirm()
        line = contract.line_ids[0]
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            line.quantity = 99
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            contract.write({"line_ids": [Command.create({"product_id": self.compressor.id, "quantity": 1})]})
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            line.unlink()
        self.assertEqual(line.quantity, 10)
        self.assertEqual(len(contract.line_ids), 2)

    def test_only_draft_deleted(self):
        draft, running = self._contract(), self._contract()
        running.action_confirm()
        with self.assertRefused(UserError, "Only draft contracts can be deleted"):
            running.unlink()
        self.assertTrue(running.exists())
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_unknown_selection_refused(self):
        with self.assertRefused(ValidationError, "'rent' is not a valid value"):
            self._contract(contract_type="rent")

    def test_department_follows_employee(self):
        department = self.env["hr.department"].create({"name": "Phòng Kinh Doanh", "company_id": self.company.id})
        other_department = self.env["hr.department"].create({"name": "Phòng Dự Án", "company_id": self.company.id})
        employee = self.env["hr.employee"].create(
            {"name": "Nhân viên bán hàng", "department_id": department.id, "company_id": self.company.id}
        )
        with Form(self.env["stp.crm.contract"]) as form:
            form.name = "HĐ có nhân viên"
            form.partner_id = self.customer
            form.employee_id = employee
            self.assertEqual(form.department_id, department)
            form.department_id = other_department
        self.assertEqual(form.record.department_id, other_department, "the department can be changed by hand")

    # ------------------------------------------------------------------
    # Closed loop with sales and purchases
    # ------------------------------------------------------------------
    def _deliver(self, order, quantities):
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0.0)
            move.picked = True
        picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=picking.ids).button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def test_quotation_remaining_quantities_and_figures(self):
        for product in (self.compressor, self.filter_product):
            self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 100)
        contract = self._contract(currency_id=self.vnd.id, lines=[(self.compressor, 10, 2_000_000.0)])
        with self.assertRefused(UserError, "Confirm the contract"):
            contract.action_create_quotation()
        contract.action_confirm()

        action = contract.action_create_quotation()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(order.stp_contract_id, contract)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.currency_id, self.vnd, "the quotation is in the contract's currency")
        self.assertEqual(order.pricelist_id.currency_id, self.vnd)
        self.assertEqual(order.order_line.product_uom_qty, 10)
        self.assertEqual(order.order_line.price_unit, 2_000_000.0)
        self.assertEqual(order.order_line.tax_id, self.vat_sale)
        self.assertEqual(order.order_line.stp_contract_line_id, contract.line_ids)

        order.order_line.product_uom_qty = 6
        order.action_confirm()
        line = contract.line_ids
        self.assertEqual((line.qty_ordered, line.qty_remaining), (6, 4))

        self._deliver(order, {self.compressor: 4})
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual((line.qty_delivered, line.qty_invoiced), (4, 4))
        self.assertAlmostEqual(contract.amount_ordered, 13_200_000.0)
        self.assertAlmostEqual(contract.amount_delivered, 8_800_000.0)
        self.assertAlmostEqual(contract.amount_invoiced, invoice.amount_total)
        self.assertAlmostEqual(contract.amount_remaining, 8_800_000.0)
        self.assertEqual((contract.order_count, contract.picking_count, contract.invoice_count), (1, 1, 1))
        self.assertEqual(contract.action_view_invoices()["res_id"], invoice.id)
        self.assertEqual(contract.action_view_pickings()["res_id"], order.picking_ids.id)

        second = self.env["sale.order"].browse(contract.action_create_quotation()["res_id"])
        self.assertEqual(second.order_line.product_uom_qty, 4, "only what is left is quoted")
        self.assertEqual(second.pricelist_id, order.pricelist_id, "the VND pricelist is reused")
        second.action_confirm()
        self.assertEqual(line.qty_remaining, 0)
        with self.assertRefused(UserError, "already been ordered"):
            contract.action_create_quotation()
        second._action_cancel()
        self.assertEqual(line.qty_remaining, 4, "cancelled orders do not count")

    def test_purchase_order_from_contract(self):
        contract = self._contract("purchase", lines=[(self.compressor, 5, 70.0), (self.filter_product, 8, 6.0)])
        contract.action_confirm()
        with self.assertRefused(UserError, "not of the right type"):
            contract.action_create_quotation()
        order = self.env["purchase.order"].browse(contract.action_create_purchase_order()["res_id"])
        self.assertEqual(order.stp_contract_id, contract)
        self.assertEqual(order.partner_id, self.vendor)
        self.assertEqual(
            {(ol.product_id, ol.product_qty, ol.price_unit) for ol in order.order_line},
            {(self.compressor, 5, 70.0), (self.filter_product, 8, 6.0)},
        )
        order.button_confirm()
        self._deliver(order, {self.compressor: 3, self.filter_product: 8})
        order.action_create_invoice()
        compressor_line = contract.line_ids.filtered(lambda line: line.product_id == self.compressor)
        self.assertEqual(
            (compressor_line.qty_ordered, compressor_line.qty_delivered, compressor_line.qty_invoiced), (5, 3, 3)
        )
        self.assertAlmostEqual(contract.amount_delivered, 3 * 77.0 + 8 * 6.6)
        self.assertEqual(contract.action_view_orders()["res_id"], order.id)

    def test_orders_linked_by_hand(self):
        contract = self._contract()
        contract.action_confirm()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_contact.id,
                "order_line": [Command.create({"product_id": self.filter_product.id, "product_uom_qty": 5})],
            }
        )
        order.stp_contract_id = contract
        filter_line = contract.line_ids.filtered(lambda line: line.product_id == self.filter_product)
        self.assertEqual(order.order_line.stp_contract_line_id, filter_line, "matched by product")
        order.action_confirm()
        self.assertEqual(filter_line.qty_ordered, 5)

        stranger = self.env["sale.order"].create({"partner_id": self.vendor.id})
        with self.assertRefused(ValidationError, "but the contract"):
            stranger.stp_contract_id = contract
        purchase = self.env["purchase.order"].create({"partner_id": self.customer.id})
        with self.assertRefused(ValidationError, "cannot be linked"):
            purchase.stp_contract_id = contract
        self.assertFalse(purchase.stp_contract_id)

    def test_order_quantities_in_the_contract_unit(self):
        """A dozen ordered counts as 12 units against a contract line in units."""
        contract = self._contract(lines=[(self.compressor, 24, 100.0)])
        contract.action_confirm()
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "stp_contract_id": contract.id,
                "order_line": [
                    Command.create({"product_id": self.compressor.id, "product_uom_qty": 1, "product_uom": dozen.id})
                ],
            }
        )
        order.action_confirm()
        line = contract.line_ids
        self.assertEqual(order.order_line.stp_contract_line_id, line)
        self.assertEqual((line.qty_ordered, line.qty_remaining), (12, 12))
        self.assertAlmostEqual(contract.amount_ordered, 12 * 110.0)
        quotation = self.env["sale.order"].browse(contract.action_create_quotation()["res_id"])
        self.assertEqual(
            (quotation.order_line.product_uom_qty, quotation.order_line.product_uom), (12, line.product_uom_id)
        )

    def test_order_line_counts_against_its_own_contract_line(self):
        contract, other = self._contract(), self._contract()
        (contract | other).action_confirm()
        order = self.env["sale.order"].browse(contract.action_create_quotation()["res_id"])
        compressor_line = order.order_line.filtered(lambda line: line.product_id == self.compressor)
        own_line = compressor_line.stp_contract_line_id
        with self.assertRefused(ValidationError, r"cannot count against the contract .*: its order .* is linked to"):
            compressor_line.stp_contract_line_id = other.line_ids.filtered(
                lambda line: line.product_id == self.compressor
            )
        with self.assertRefused(ValidationError, "the products differ"):
            compressor_line.stp_contract_line_id = contract.line_ids - own_line
        self.assertEqual(compressor_line.stp_contract_line_id, own_line, "nothing was written")
        with self.assertRefused(ValidationError, "is linked to no contract"):
            self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": self.compressor.id, "stp_contract_line_id": own_line.id})
                    ],
                }
            )
        branch = self.setup_other_company(name="Công ty Chi Nhánh")["company"]
        foreign = (
            self.env["stp.crm.contract"]
            .with_company(branch)
            .create(
                {
                    "name": "HĐ chi nhánh",
                    "company_id": branch.id,
                    "line_ids": [Command.create({"product_id": self.compressor.id, "quantity": 1})],
                }
            )
        )
        with self.assertRefused(ValidationError, "of the company Công ty Chi Nhánh"):
            compressor_line.stp_contract_line_id = foreign.line_ids
        purchase = self.env["purchase.order"].create({"partner_id": self.vendor.id})
        with self.assertRefused(ValidationError, "is linked to no contract"):
            purchase.order_line = [
                Command.create({"product_id": self.compressor.id, "stp_contract_line_id": own_line.id})
            ]
        self.assertFalse(purchase.order_line)

    # ------------------------------------------------------------------
    # Renewal
    # ------------------------------------------------------------------
    def test_renew(self):
        contract = self._contract(user_id=self.stp_user.id)
        with self.assertRefused(UserError, "Only running or expired"):
            contract.action_renew()
        contract.action_confirm()
        action = contract.action_renew()
        renewal = self.env["stp.crm.contract"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "stp.crm.contract")
        self.assertEqual(renewal.previous_contract_id, contract)
        self.assertEqual(renewal.state, "draft")
        self.assertNotEqual(renewal.number, contract.number)
        self.assertEqual((str(renewal.date_start), str(renewal.date_end)), ("2027-01-01", "2027-12-31"))
        self.assertEqual(renewal.line_ids.mapped("quantity"), contract.line_ids.mapped("quantity"))
        self.assertAlmostEqual(renewal.amount_total, contract.amount_total)
        self.assertEqual(renewal.user_id, self.stp_user)
        self.assertEqual(contract.renewal_ids, renewal)

    def test_renew_keeps_period_length_in_days(self):
        contract = self._contract(date_start="2026-03-10", date_end="2026-04-08")
        contract.action_confirm()
        renewal = self.env["stp.crm.contract"].browse(contract.action_renew()["res_id"])
        self.assertEqual((str(renewal.date_start), str(renewal.date_end)), ("2026-04-09", "2026-05-08"))

    def test_terminate_and_reset(self):
        contract = self._contract()
        contract.action_confirm()
        order = self.env["sale.order"].browse(contract.action_create_quotation()["res_id"])
        with self.assertRefused(UserError, "has orders"):
            contract.action_set_draft()
        order._action_cancel()
        contract.action_terminate()
        self.assertEqual(contract.state, "terminated")
        contract.action_set_draft()
        self.assertEqual(contract.state, "draft")

    # ------------------------------------------------------------------
    # Expiry cron
    # ------------------------------------------------------------------
    def test_expiry_cron(self):
        self.company.stp_contract_alert_days = 30
        ending_soon = self._contract(user_id=self.stp_user.id, date_end="2026-07-20")
        ending_later = self._contract(user_id=self.stp_user.id, date_end="2026-09-30")
        ended = self._contract(user_id=self.stp_user.id, date_end="2026-06-30")
        draft_ended = self._contract(date_end="2026-06-30")
        (ending_soon | ending_later | ended).action_confirm()
        activity_type = self.env.ref("stp_crm.mail_activity_type_contract_expiring")

        with freeze_time("2026-07-01"):
            self.env["stp.crm.contract"]._cron_stp_contract_expiry()
            self.env["stp.crm.contract"]._cron_stp_contract_expiry()
        self.assertEqual(ended.state, "expired")
        self.assertEqual(draft_ended.state, "draft")
        self.assertEqual((ending_soon.state, ending_later.state), ("running", "running"))
        activity = ending_soon.activity_ids
        self.assertEqual(len(activity), 1, "one alert, however often the cron runs")
        self.assertEqual(activity.activity_type_id, activity_type)
        self.assertEqual(activity.user_id, self.stp_user)
        self.assertEqual(str(activity.date_deadline), "2026-07-20")
        self.assertTrue(ending_soon.expiry_alert_sent)
        self.assertFalse(ending_later.activity_ids)
        self.assertFalse(ended.activity_ids)

        ending_soon.date_end = "2026-07-25"
        self.assertFalse(ending_soon.expiry_alert_sent, "a new end date re-arms the alert")

    def test_expiry_cron_batches_and_skips_a_bad_contract(self):
        self.company.stp_contract_alert_days = 30
        with freeze_time("2026-07-01"):
            cron_drain(self.env, EXPIRY_CRON)  # the demo contracts: only this test's are left
        ended = self.env["stp.crm.contract"].concat(*(self._contract(date_end="2026-06-30") for _i in range(3)))
        ending_soon = self._contract(user_id=self.stp_user.id, date_end="2026-07-20")
        (ended | ending_soon).action_confirm()
        bad = ended[1]
        expire = StpCrmContract._stp_expire

        def broken_for_bad(contracts):
            if bad in contracts:
                raise ValueError("bad contract")
            return expire(contracts)

        with (
            freeze_time("2026-07-01"),
            patch.object(StpCrmContract, "_stp_expire", broken_for_bad),
            self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR") as logs,
        ):
            # Expiries first, then alerts, two contracts per call.
            self.assertEqual(cron_call(self.env, EXPIRY_CRON, batch_size=2), (2, 2))
            self.assertEqual(cron_call(self.env, EXPIRY_CRON, batch_size=2), (2, 0))
            self.assertEqual(cron_call(self.env, EXPIRY_CRON, batch_size=2), (0, 0))
        self.assertIn("skipped: bad contract", logs.output[0])
        self.assertEqual((ended - bad).mapped("state"), ["expired", "expired"])
        self.assertEqual(bad.state, "running")
        self.assertEqual(len(ending_soon.activity_ids), 1)

    def test_alert_window_from_settings(self):
        settings = self.env["res.config.settings"].create({"stp_contract_alert_days": 10})
        settings.execute()
        self.assertEqual(self.company.stp_contract_alert_days, 10)
        in_window = self._contract(date_end="2026-07-10")
        outside = self._contract(date_end="2026-07-20")
        (in_window | outside).action_confirm()
        with freeze_time("2026-07-01"):
            self.env["stp.crm.contract"]._cron_stp_contract_expiry()
        self.assertTrue(in_window.activity_ids)
        self.assertFalse(outside.activity_ids)
        with self.assertRefused(ValidationError, "negative"):
            self.company.stp_contract_alert_days = -1

    def test_expiry_alert_in_the_responsibles_language(self):
        """The cron has no language: the alert is written in its reader's, dates in their format."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.stp_user.lang = "vi_VN"
        contract = self._contract(user_id=self.stp_user.id, date_end="2026-07-20")
        contract.action_confirm()
        with freeze_time("2026-07-01"):
            self.env["stp.crm.contract"].with_context(lang="en_US")._cron_stp_contract_expiry()
        self.assertEqual(contract.activity_ids.summary, f"Hợp đồng {contract.display_name} kết thúc ngày 20/07/2026")

    def test_expiry_alert_goes_to_employee_user(self):
        employee = self.env["hr.employee"].create({"name": "NV phụ trách", "user_id": self.stp_user_2.id})
        contract = self._contract(user_id=False, employee_id=employee.id, date_end="2026-07-10")
        contract.action_confirm()
        with freeze_time("2026-07-01"):
            self.env["stp.crm.contract"]._cron_stp_contract_expiry()
        self.assertEqual(contract.activity_ids.user_id, self.stp_user_2)

    def test_tracking(self):
        contract = self._contract().with_context(tracking_disable=False, mail_notrack=False)
        self.env.flush_all()
        self.env.cr.precommit.run()
        contract.action_confirm()
        contract.date_end = "2026-11-30"
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = contract.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("state", tracked)
        self.assertIn("date_end", tracked)

    # ------------------------------------------------------------------
    # Partner
    # ------------------------------------------------------------------
    def test_partner_smart_button(self):
        self._contract(user_id=self.stp_user.id)
        self._contract(partner=self.customer_contact, user_id=self.stp_user.id)
        customer = self.customer.with_user(self.stp_user)
        self.assertEqual(customer.stp_contract_count, 2, "contracts of the company and its contacts")
        self.assertEqual(self.customer_contact.stp_contract_count, 2)
        action = customer.action_stp_open_contracts()
        self.assertEqual(self.env["stp.crm.contract"].search_count(action["domain"]), 2)


@tagged("post_install", "-at_install")
class TestContractNumberConcurrency(TransactionCase):
    """Two transactions numbering contracts at the same time: the PostgreSQL
    sequence hands out distinct numbers without waiting for either to commit."""

    def test_concurrent_numbers_never_collide(self):
        open_numbering_year(self.registry, "stp.crm.contract")
        per_thread = 5
        barrier = threading.Barrier(2, timeout=30)
        numbers, created, errors = [], [], []

        def create_contracts():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    company = env.ref("base.main_company")
                    partner = env["res.partner"].create({"name": "Khách song song"})
                    contracts = env["stp.crm.contract"]
                    barrier.wait()  # both transactions are open
                    for _index in range(per_thread):
                        contracts |= contracts.create(
                            {"name": "HĐ song song", "partner_id": partner.id, "company_id": company.id}
                        )
                    barrier.wait()  # neither has committed yet
                    # Two real transactions race.
                    cr.commit()  # pylint: disable=invalid-commit
                    numbers.extend(contracts.mapped("number"))
                    created.append((contracts.ids, partner.id))
            except Exception as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)

        threads = [threading.Thread(target=create_contracts) for _index in range(2)]
        self.addCleanup(self._delete_committed, created)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertFalse(errors)
        self.assertEqual(len(numbers), 2 * per_thread)
        self.assertEqual(len(set(numbers)), 2 * per_thread, "no number was handed out twice")

    def _delete_committed(self, created):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for contract_ids, partner_id in created:
                env["stp.crm.contract"].browse(contract_ids).unlink()
                env["res.partner"].browse(partner_id).unlink()


@tagged("post_install", "-at_install")
class TestContractFiguresCost(StpCrmContractCommon):
    def _queries_to_read_figures(self, contracts):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        contracts.mapped("amount_remaining")
        contracts.line_ids.mapped("qty_invoiced")
        return self.cr.sql_log_count - before

    def test_figures_cost_does_not_grow_with_contracts(self):
        contracts = self._contract() | self._contract() | self._contract()
        contracts.action_confirm()
        for contract in contracts:
            self.env["sale.order"].browse(contract.action_create_quotation()["res_id"]).action_confirm()
        self.env.flush_all()
        self._queries_to_read_figures(contracts)  # warm the registry caches
        one = self._queries_to_read_figures(contracts[0])
        three = self._queries_to_read_figures(contracts)
        self.assertEqual(one, three)
        self.assertEqual(contracts.line_ids.mapped("qty_ordered"), [10.0, 20.0] * 3)
