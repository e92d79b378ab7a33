from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StpCrmXmlRpcMixin
from .test_ticket import TicketCommon


@tagged("post_install", "-at_install")
class TestTicketHttp(HttpCase, TicketCommon, StpCrmXmlRpcMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").write({"tz": "UTC"})
        cls.company_x = cls.customer
        cls.company_y = cls.other_customer
        cls.portal_x = new_test_user(
            cls.env,
            login="portal_x",
            groups="base.group_portal",
            name="Khách cổng X",
            partner_id=cls.customer_contact.id,
        )
        cls.ticket_x = cls.env["stp.crm.ticket"].create(
            {
                "name": "Phiếu của X",
                "partner_id": cls.company_x.id,
                "team_id": cls.team.id,
                "description": "<p>Mô tả công khai</p>",
            }
        )
        cls.ticket_y = cls.env["stp.crm.ticket"].create(
            {"name": "Phiếu của Y", "partner_id": cls.company_y.id, "team_id": cls.team.id}
        )
        cls.ticket_x.message_post(body="GHI-CHU-NOI-BO lợi nhuận", subtype_xmlid="mail.mt_note")
        cls.ticket_x.message_post(
            body="TRA-LOI-KHACH đã nhận yêu cầu", message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    def test_portal_customer_sees_only_own_company_tickets(self):
        self.authenticate("portal_x", "portal_x")
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.ticket_x.number, listing.text)
        self.assertNotIn(self.ticket_y.number, listing.text)

        page = self.url_open(f"/my/tickets/{self.ticket_x.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Mô tả công khai", page.text)
        self.assertNotIn("GHI-CHU-NOI-BO", page.text)

        other = self.url_open(f"/my/tickets/{self.ticket_y.id}")
        self.assertTrue(other.url.endswith("/my"), "another customer's ticket redirects to the portal home")
        self.assertNotIn("Phiếu của Y", other.text)

        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["stp_ticket_count"]})
        self.assertEqual(counters["stp_ticket_count"], 1)

    def test_portal_list_without_ticket_access_goes_home(self):
        self.authenticate("plain_employee", "plain_employee")
        response = self.url_open("/my/tickets")
        self.assertTrue(response.url.endswith("/my"))

    def test_portal_chatter_hides_internal_notes_and_accepts_replies(self):
        self.authenticate("portal_x", "portal_x")
        fetched = self.make_jsonrpc_request(
            "/mail/chatter_fetch", {"thread_model": "stp.crm.ticket", "thread_id": self.ticket_x.id}
        )
        bodies = " ".join(str(message["body"]) for message in fetched["data"]["mail.message"])
        self.assertIn("TRA-LOI-KHACH", bodies)
        self.assertNotIn("GHI-CHU-NOI-BO", bodies)

        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "stp.crm.ticket",
                "thread_id": self.ticket_x.id,
                "post_data": {"body": "Khách trả lời qua cổng", "message_type": "comment"},
            },
        )
        reply = self.ticket_x.message_ids.filtered(lambda m: "Khách trả lời qua cổng" in str(m.body))
        self.assertEqual(reply.author_id, self.customer_contact)
        with self.assertRaises(Exception):  # noqa: B017 - the JSON-RPC error is re-raised as a generic exception
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "stp.crm.ticket",
                    "thread_id": self.ticket_y.id,
                    "post_data": {"body": "Không được phép", "message_type": "comment"},
                },
            )
        self.assertFalse(self.ticket_y.message_ids.filtered(lambda m: "Không được phép" in str(m.body)))

    # ------------------------------------------------------------------
    # XML-RPC
    # ------------------------------------------------------------------
    def test_xmlrpc_ticket_with_serial(self):
        self._deliver(self.customer, self.lots[0])
        call = self._login("stp_user")
        ticket_id = call(
            "stp.crm.ticket",
            "create",
            {
                "name": "Lỗi E12 qua API",
                "ticket_type": "warranty",
                "partner_id": self.customer.id,
                "lot_id": self.lots[0].id,
                "team_id": self.team.id,
            },
        )
        [ticket] = call("stp.crm.ticket", "read", [ticket_id], fields=["warranty_state", "product_id", "number"])
        self.assertEqual(ticket["warranty_state"], "in_warranty")
        self.assertEqual(ticket["product_id"][0], self.product.id)

        other_product = self.env["product.product"].create(
            {"name": "Máy đo SpO2", "is_storable": True, "tracking": "serial"}
        )
        count = self.env["stp.crm.ticket"].search_count([])
        with self.assertRaises(Fault) as caught:
            call("stp.crm.ticket", "create", {"name": "Sai", "product_id": other_product.id, "lot_id": self.lots[0].id})
        self.assertIn(
            "Serial number SA9-0001 belongs to Máy siêu âm SA-9, not to Máy đo SpO2", caught.exception.faultString
        )
        with self.assertRaises(Fault) as caught:
            call("stp.crm.ticket", "create", {"name": "Sai", "lot_id": 987654321})
        self.assertIn("Serial number id 987654321 does not exist", caught.exception.faultString)
        with self.assertRaises(Fault) as caught:
            call("stp.crm.ticket", "write", [ticket_id], {"lot_id": 987654321})
        self.assertIn("does not exist", caught.exception.faultString)
        self.assertEqual(self.env["stp.crm.ticket"].search_count([]), count, "nothing written")
        self.assertEqual(self.env["stp.crm.ticket"].browse(ticket_id).lot_id, self.lots[0])

    # ------------------------------------------------------------------
    # Tour
    # ------------------------------------------------------------------
    def test_ticket_tour(self):
        customer = self.env["res.partner"].create({"name": "Bệnh viện Tour", "is_company": True})
        lot = self.env["stock.lot"].create({"name": "TOUR-0001", "product_id": self.product.id})
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock_location, 1.0, lot_id=lot)
        self._deliver(customer, lot)
        self.team.member_ids = [Command.link(self.stp_user.id)]
        self.start_tour("/odoo/action-stp_crm.stp_crm_ticket_action", "stp_crm_ticket_tour", login="stp_user")
        ticket = self.env["stp.crm.ticket"].search([("name", "=", "Máy tour không lên hình")])
        self.assertEqual(ticket.partner_id, customer)
        self.assertEqual(ticket.warranty_state, "in_warranty")
        self.assertEqual(ticket.stage_id, self.stage_solved)
        self.assertEqual(ticket.picking_ids.picking_type_code, "incoming")
        self.assertEqual(ticket.picking_ids.move_ids.move_line_ids.lot_id, lot)
