from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_contract import StpCrmContractCommon


@tagged("post_install", "-at_install")
class TestContractRules(StpCrmContractCommon):
    """The contract's rules hold on the server, whatever the form shows, for a user
    with the CRM group only."""

    def _my_contract(self, **values):
        return self._contract(user_id=self.crm_only.id, **values).with_user(self.crm_only)

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------
    def test_state_changes_only_through_the_actions(self):
        contract = self._my_contract()
        for state in ("running", "expired", "terminated"):
            with self.assertRefused(UserError, "changes only through its actions"):
                contract.write({"state": state})
            self.assertEqual(contract.state, "draft")
        # a context key cannot open the door from outside either
        with self.assertRefused(UserError, "changes only through its actions"):
            contract.with_context(stp_contract_state_transition=True).write({"state": "running"})
        contract.action_confirm()
        self.assertEqual(contract.state, "running")
        with self.assertRefused(UserError, "changes only through its actions"):
            contract.write({"state": "draft"})
        contract.action_terminate()
        contract.action_set_draft()
        self.assertEqual(contract.state, "draft")

    def test_reset_to_draft_refused_while_orders_exist(self):
        contract = self._my_contract()
        contract.action_confirm()
        # the CRM-only user has no Sales rights: a salesman makes the order
        quotation = self.env["stp.crm.contract"].browse(contract.id).action_create_quotation()
        order = self.env["sale.order"].browse(quotation["res_id"])
        with self.assertRefused(UserError, "changes only through its actions"):
            contract.write({"state": "draft"})
        with self.assertRefused(UserError, "has orders"):
            contract.action_set_draft()
        self.assertEqual(contract.state, "running")
        order._action_cancel()
        contract.action_set_draft()
        self.assertEqual(contract.state, "draft")

    def test_crm_only_user_opens_a_contract_with_orders(self):
        contract = self._my_contract()
        contract.action_confirm()
        self.env["stp.crm.contract"].browse(contract.id).action_create_quotation()  # by a salesman
        contract.invalidate_recordset()
        # no Sales, Inventory or Invoicing rights: the form opens, the buttons of those documents stay hidden
        form_fields = contract.get_views([(False, "form")])["models"]["stp.crm.contract"]["fields"]
        values = contract.read(list(form_fields))[0]
        self.assertEqual((values["order_count"], values["picking_count"], values["invoice_count"]), (0, 0, 0))
        self.assertEqual(values["amount_ordered"], values["amount_total"], "the contract's own figures stay visible")
        self.assertEqual(self.env["stp.crm.contract"].browse(contract.id).order_count, 1, "a salesman sees the order")

    def test_created_as_draft_or_confirmed_at_once(self):
        count = self.env["stp.crm.contract"].search_count([])
        with self.assertRefused(UserError, "created as a draft"):
            self._my_contract(state="terminated")
        self.assertEqual(self.env["stp.crm.contract"].search_count([]), count)
        running = self._my_contract(state="running")
        self.assertEqual(running.state, "running", "created running goes through Confirm")
        with self.assertRefused(ValidationError, "at least one line"):
            self.env["stp.crm.contract"].with_user(self.crm_only).create(
                {"name": "Không dòng", "partner_id": self.customer.id, "state": "running"}
            )

    def test_expiry_cron_uses_the_transition(self):
        contract = self._contract(date_end="2026-06-30")
        contract.action_confirm()
        with freeze_time("2026-07-01"):
            self.env["stp.crm.contract"]._cron_stp_contract_expiry()
        self.assertEqual(contract.state, "expired")

    # ------------------------------------------------------------------
    # Fields frozen after draft
    # ------------------------------------------------------------------
    def test_signed_fields_editable_only_in_draft(self):
        other_company = self.setup_other_company(name="Công ty Ký Kết")["company"]
        self.crm_only.company_ids |= other_company
        contract = self._my_contract()
        other_partner = self.env["res.partner"].create({"name": "Khách khác", "is_company": True})
        contract.write({"partner_id": other_partner.id, "currency_id": self.vnd.id})  # fine in draft
        contract.action_confirm()
        for values in (
            {"partner_id": self.customer.id},
            {"currency_id": self.company.currency_id.id},
            {"contract_type": "purchase"},
            {"company_id": other_company.id},
        ):
            with self.assertRefused(UserError, "can only change while it is a draft"):
                contract.write(values)
        self.assertEqual(
            (contract.partner_id, contract.currency_id, contract.contract_type, contract.company_id),
            (other_partner, self.vnd, "sale", self.company),
        )
        # the same values written again, and the other fields, are fine
        contract.write({"partner_id": other_partner.id, "name": "Tên mới", "date_end": "2026-11-30"})
        self.assertEqual(contract.name, "Tên mới")

    def test_lines_editable_only_in_draft(self):
        contract = self._my_contract()
        contract.action_confirm()
        line = contract.line_ids[0]
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            line.write({"quantity": 99})
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            self.env["stp.crm.contract.line"].with_user(self.crm_only).create(
                {"contract_id": contract.id, "product_id": self.compressor.id, "quantity": 1}
            )
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            contract.write({"line_ids": [Command.delete(line.id)]})
        with self.assertRefused(UserError, "cannot change once it is confirmed"):
            line.unlink()
        self.assertEqual((len(contract.line_ids), line.quantity), (2, 10))

    # ------------------------------------------------------------------
    # Deletion
    # ------------------------------------------------------------------
    def test_users_cannot_delete_managers_delete_drafts(self):
        draft, running = self._my_contract(), self._my_contract()
        running.action_confirm()
        for contract in (draft, running):
            with self.assertRefused(AccessError, "not allowed to delete"):
                contract.unlink()
        self.assertTrue((draft | running).exists())
        running_as_manager = running.with_user(self.stp_manager)
        with self.assertRefused(UserError, "Only draft contracts can be deleted"):
            running_as_manager.unlink()
        draft.with_user(self.stp_manager).unlink()
        self.assertFalse(draft.exists())
        self.assertTrue(running.exists())

    def test_users_delete_lines_of_their_drafts(self):
        contract = self._my_contract()
        contract.line_ids[0].unlink()
        self.assertEqual(len(contract.line_ids), 1)

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------
    def test_line_quantity_positive_and_price_not_negative(self):
        contract = self._my_contract()
        line = contract.line_ids[0]
        for values, pattern in (
            ({"quantity": 0}, "must be greater than zero"),
            ({"quantity": -2}, "must be greater than zero"),
            ({"price_unit": -1.0}, "cannot be negative"),
        ):
            with self.assertRefused(ValidationError, pattern):
                line.write(values)
        self.assertEqual((line.quantity, line.price_unit), (10, 100.0))
        count = self.env["stp.crm.contract"].search_count([])
        with self.assertRefused(ValidationError, "must be greater than zero"):
            self._my_contract(lines=[(self.compressor, 0, 100.0)])
        self.assertEqual(self.env["stp.crm.contract"].search_count([]), count, "nothing written")
        line.price_unit = 0.0  # a free item is fine
        self.assertEqual(line.price_subtotal, 0.0)

    # ------------------------------------------------------------------
    # Renewal
    # ------------------------------------------------------------------
    def test_renewed_once(self):
        contract = self._my_contract()
        contract.action_confirm()
        first = contract.action_renew()
        again = contract.action_renew()
        self.assertEqual(again["res_id"], first["res_id"], "a second Renew opens the existing renewal")
        self.assertEqual(len(contract.renewal_ids), 1)
        # the renewal is found even when the user cannot see it
        renewal = self.env["stp.crm.contract"].browse(first["res_id"])
        renewal.user_id = self.stp_user_2
        self.assertEqual(contract.action_renew()["res_id"], renewal.id)
        self.assertEqual(self.env["stp.crm.contract"].search_count([("previous_contract_id", "=", contract.id)]), 1)

    # ------------------------------------------------------------------
    # Expiring soon
    # ------------------------------------------------------------------
    def test_expiring_soon_uses_each_company_alert_days(self):
        other_company = self.setup_other_company(name="Công ty Cảnh Báo Dài")["company"]
        self.crm_only.company_ids |= other_company
        self.company.stp_contract_alert_days = 10
        other_company.stp_contract_alert_days = 60
        here = self._my_contract(date_end="2026-07-21")  # 20 days: outside 10, inside 60
        here_soon = self._my_contract(date_end="2026-07-08")
        draft = self._my_contract(date_end="2026-07-05")
        there = (
            self.env["stp.crm.contract"]
            .with_company(other_company)
            .create(
                {
                    "name": "HĐ công ty khác",
                    "partner_id": self.customer.id,
                    "company_id": other_company.id,
                    "user_id": self.crm_only.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-07-21",
                    "line_ids": [Command.create({"product_id": self.compressor.id, "quantity": 1})],
                }
            )
        )
        (here | here_soon | there).sudo().action_confirm()
        contracts = self.env["stp.crm.contract"].with_user(self.crm_only)
        contracts = contracts.with_context(allowed_company_ids=[self.company.id, other_company.id])
        mine = here | here_soon | there | draft
        with freeze_time("2026-07-01"):
            expiring = contracts.search([("is_expiring_soon", "=", True), ("id", "in", mine.ids)])
            self.assertEqual(expiring, here_soon | there)
            not_expiring = contracts.search([("is_expiring_soon", "=", False), ("id", "in", mine.ids)])
            self.assertEqual(not_expiring, here | draft)
            self.assertEqual(contracts.browse(mine.ids).mapped("is_expiring_soon"), [False, True, True, False])
