from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .test_ticket import TicketCommon

TICKET = "stp.crm.ticket"


@tagged("post_install", "-at_install")
class TestTicketSplit(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.env[TICKET].create(
            {"name": "Máy SA-9 và máy in", "partner_id": cls.customer_contact.id, "team_id": cls.team.id}
        )
        cls.ticket.message_subscribe(partner_ids=cls.stp_user_2.partner_id.ids)

        def post(body, **kwargs):
            return cls.ticket.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs)

        cls.about_scanner = post("Máy SA-9 không lên hình")
        cls.about_printer = post("Máy in bị kẹt giấy", attachments=[("kep-giay.jpg", b"jpg")])
        cls.printer_again = post("Máy in vẫn kẹt")

    def _wizard(self, user=None, **values):
        wizards = self.env["stp.crm.ticket.split"].with_user(user or self.stp_user)
        return wizards.with_context(active_model=TICKET, active_id=self.ticket.id).create(
            {"name": "Máy in kẹt giấy", **values}
        )

    def test_split_chosen_messages(self):
        messages = self.about_printer | self.printer_again
        wizard = self._wizard(message_ids=[Command.set(messages.ids)], ticket_type="complaint")
        self.assertEqual(wizard.ticket_id, self.ticket)
        action = wizard.action_split()
        new = self.env[TICKET].browse(action["res_id"])
        self.assertRecordValues(
            new,
            [
                {
                    "name": "Máy in kẹt giấy",
                    "split_from_id": self.ticket.id,
                    "partner_id": self.customer_contact.id,
                    "company_id": self.ticket.company_id.id,
                    "team_id": self.team.id,
                    "ticket_type": "complaint",
                }
            ],
        )
        self.assertNotEqual(new.number, self.ticket.number)
        self.assertEqual(set(messages.mapped("res_id")), {new.id}, "moved, not copied")
        self.assertEqual(self.about_printer.attachment_ids.res_id, new.id)
        self.assertEqual(self.about_scanner.res_id, self.ticket.id)
        self.assertIn(self.stp_user_2.partner_id, new.message_partner_ids, "followers are copied")
        self.assertIn(self.stp_user_2.partner_id, self.ticket.message_partner_ids)
        self.assertIn(self.ticket.number, new.message_ids[0].body)
        self.assertIn(new.number, self.ticket.message_ids[0].body)

    def test_split_from_the_form_with_a_product(self):
        form = Form(
            self.env["stp.crm.ticket.split"]
            .with_user(self.stp_user)
            .with_context(
                active_model=TICKET,
                active_id=self.ticket.id,
                default_name=self.ticket.name,
                # as the chatter's message action opens it: these defaults are not the new ticket's
                default_message_ids=self.about_scanner.ids,
            )
        )
        self.assertEqual(form.name, "Máy SA-9 và máy in")
        form.name = "Máy SA-9 không lên hình"
        form.lot_id = self.lots[0]
        self.assertEqual(form.message_ids[:], self.about_scanner)
        new = self.env[TICKET].browse(form.save().action_split()["res_id"])
        self.assertEqual((new.product_id, new.lot_id), (self.product, self.lots[0]))

    def test_refusals_change_nothing(self):
        other = self.env[TICKET].create({"name": "Phiếu khác", "partner_id": self.customer.id, "team_id": self.team.id})
        other_message = other.message_post(body="Tin của phiếu khác", message_type="comment")
        everything = self.about_scanner | self.about_printer | self.printer_again
        cases = [
            (self.env["mail.message"], "Choose the messages"),
            (self.about_printer | other_message, "Only messages of ticket"),
            (everything, "all the messages"),
        ]
        count = self.env[TICKET].search_count([])
        for messages, error in cases:
            with self.subTest(error=error), self.assertRaisesRegex(UserError, error):
                self._wizard(message_ids=[Command.set(messages.ids)]).action_split()
        self.assertEqual(self.env[TICKET].search_count([]), count)
        self.assertEqual(set(everything.mapped("res_id")), {self.ticket.id})
        self.assertEqual(other_message.res_id, other.id)

    def test_user_outside_the_team_may_not_split(self):
        self.ticket.message_unsubscribe(partner_ids=self.stp_user_2.partner_id.ids)
        self.team.member_ids = self.stp_user
        self.ticket.user_id = self.stp_user
        outsider = self.stp_user_2
        with self.assertRaisesRegex(UserError, "may not modify"):
            self._wizard(
                user=outsider, ticket_id=self.ticket.id, message_ids=[Command.set(self.about_printer.ids)]
            ).action_split()
        self.assertEqual(self.about_printer.res_id, self.ticket.id)


@tagged("post_install", "-at_install")
class TestTicketSplitUi(HttpCase, TicketCommon):
    def test_split_a_message_from_the_chatter(self):
        ticket = self.env[TICKET].create(
            {"name": "Phiếu tour tách", "partner_id": self.customer.id, "team_id": self.team.id}
        )
        for body in ("Máy SA-9 tour không lên hình", "Máy in tour kẹt giấy"):
            ticket.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.start_tour(
            f"/odoo/action-stp_crm.stp_crm_ticket_action/{ticket.id}", "stp_crm_ticket_split_tour", login="stp_user"
        )
        new = self.env[TICKET].search([("split_from_id", "=", ticket.id)])
        self.assertEqual(new.name, "Máy in tour")
        self.assertTrue(new.message_ids.filtered(lambda m: "Máy in tour kẹt giấy" in str(m.body)))
