from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestRulesXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """The documents' rules refuse what the form hides, over XML-RPC, as a user with
    the CRM group only (and a CRM manager for deletion)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.product = cls.env["product.product"].create({"name": "Máy lọc nước", "list_price": 100.0, "taxes_id": []})
        cls.partner = cls.env["res.partner"].create({"name": "Công ty Quy Tắc", "is_company": True})
        cls.other_partner = cls.env["res.partner"].create({"name": "Công ty Khác", "is_company": True})
        cls.team = cls.env["stp.crm.ticket.team"].create(
            {"name": "Đội RPC", "member_ids": [(6, 0, cls.crm_only.ids)], "resource_calendar_id": False}
        )
        cls.other_team = cls.env["stp.crm.ticket.team"].create(
            {"name": "Đội khác", "member_ids": [(6, 0, cls.stp_user_2.ids)], "resource_calendar_id": False}
        )

    def assertFault(self, text, model, method, *args, call, **kw):
        with self.assertRaises(Fault) as caught:
            call(model, method, *args, **kw)
        self.assertIn(text, caught.exception.faultString)

    def _running_contract(self, call):
        contract_id = call(
            "stp.crm.contract",
            "create",
            {
                "name": "Hợp đồng quy tắc",
                "partner_id": self.partner.id,
                "line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 2, "price_unit": 50.0})],
            },
        )
        call("stp.crm.contract", "action_confirm", [contract_id])
        return self.env["stp.crm.contract"].browse(contract_id)

    def test_contract_state_written_only_by_the_actions(self):
        call = self._login("crm_only")
        contract = self._running_contract(call)
        self.assertFault(
            "changes only through its actions",
            "stp.crm.contract",
            "write",
            [contract.id],
            {"state": "draft"},
            call=call,
        )
        self.assertFault(
            "changes only through its actions",
            "stp.crm.contract",
            "write",
            [contract.id],
            {"state": "draft"},
            context={"stp_contract_state_transition": True},
            call=call,
        )
        self.assertEqual(contract.state, "running")

    def test_contract_signed_fields_frozen(self):
        call = self._login("crm_only")
        contract = self._running_contract(call)
        line_id = contract.line_ids.id
        for values in ({"partner_id": self.other_partner.id}, {"contract_type": "purchase"}):
            self.assertFault(
                "can only change while it is a draft", "stp.crm.contract", "write", [contract.id], values, call=call
            )
        self.assertFault(
            "cannot change once it is confirmed",
            "stp.crm.contract.line",
            "write",
            [line_id],
            {"quantity": 9},
            call=call,
        )
        self.assertFault(
            "cannot change once it is confirmed",
            "stp.crm.contract",
            "write",
            [contract.id],
            {"line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1})]},
            call=call,
        )
        self.assertEqual((contract.partner_id, contract.contract_type), (self.partner, "sale"))
        self.assertEqual((len(contract.line_ids), contract.line_ids.quantity), (1, 2))

    def test_contract_line_figures_refused(self):
        call = self._login("crm_only")
        self.assertFault(
            "must be greater than zero",
            "stp.crm.contract",
            "create",
            {"name": "Số lượng âm", "line_ids": [(0, 0, {"product_id": self.product.id, "quantity": -1})]},
            call=call,
        )
        self.assertFalse(self.env["stp.crm.contract"].search([("name", "=", "Số lượng âm")]))

    def test_contract_deletion(self):
        call = self._login("crm_only")
        contract = self._running_contract(call)
        draft_id = call("stp.crm.contract", "create", {"name": "Nháp", "partner_id": self.partner.id})
        for contract_id in (contract.id, draft_id):
            self.assertFault("not allowed to delete", "stp.crm.contract", "unlink", [contract_id], call=call)
        manager = self._login("stp_manager")
        self.assertFault(
            "Only draft contracts can be deleted", "stp.crm.contract", "unlink", [contract.id], call=manager
        )
        manager("stp.crm.contract", "unlink", [draft_id])
        self.assertTrue(contract.exists())
        self.assertFalse(self.env["stp.crm.contract"].browse(draft_id).exists())

    def test_ticket_number_and_closing_date_set_by_the_system(self):
        call = self._login("crm_only")
        self.assertFault(
            "set by the system",
            "stp.crm.ticket",
            "create",
            {"name": "Số tự đặt", "team_id": self.team.id, "number": "TK/1999/00001"},
            call=call,
        )
        self.assertFalse(self.env["stp.crm.ticket"].search([("name", "=", "Số tự đặt")]))
        ticket_id = call("stp.crm.ticket", "create", {"name": "Phiếu RPC", "team_id": self.team.id})
        ticket = self.env["stp.crm.ticket"].browse(ticket_id)
        number = ticket.number
        for values in ({"number": "TK/1999/00002"}, {"date_closed": "2026-01-01 00:00:00"}):
            self.assertFault("set by the system", "stp.crm.ticket", "write", [ticket_id], values, call=call)
        self.assertEqual((ticket.number, ticket.date_closed), (number, False))

    def test_ticket_routed_to_another_team_by_an_outsider(self):
        call = self._login("crm_only")
        unrouted = self.env["stp.crm.ticket"].create({"name": "Chưa phân đội (RPC)"})
        call("stp.crm.ticket", "write", [unrouted.id], {"team_id": self.other_team.id})
        self.assertEqual((unrouted.team_id, unrouted.user_id), (self.other_team, self.stp_user_2))
        filed_id = call("stp.crm.ticket", "create", {"name": "Tôi lập (RPC)", "team_id": self.team.id})
        call("stp.crm.ticket", "write", [filed_id], {"team_id": self.other_team.id, "user_id": self.stp_user_2.id})
        [filed] = call("stp.crm.ticket", "read", [filed_id], fields=["team_id", "user_id"])
        self.assertEqual((filed["team_id"][0], filed["user_id"][0]), (self.other_team.id, self.stp_user_2.id))
        # the router follows what they routed away: still in sight
        self.assertEqual(
            sorted(call("stp.crm.ticket", "search", [("id", "in", [unrouted.id, filed_id])])), [unrouted.id, filed_id]
        )
