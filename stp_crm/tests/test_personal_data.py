import base64
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import StpCrmAccountCommon, freeze_test_clock


@tagged("post_install", "-at_install")
class TestPersonalData(StpCrmAccountCommon):
    """A person's rights of access and erasure (Law 91/2025/QH15), as the users who exercise them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Nguyễn Thị Mai",
                "email": "mai.nguyen@example.vn",
                "phone": "0903 123 456",
                "street": "12 Lý Thường Kiệt",
                "city": "Huế",
                "vat": "8012345678",
                "website": "https://mai.example.vn",
                "comment": "<p>Thích gọi buổi sáng</p>",
                "stp_birthday": "1990-04-12",
                "stp_zalo_user_id": "zu-4711",
                "stp_classification": "customer",
            }
        )
        cls.consent = cls.env["stp.crm.consent"].create(
            {
                "partner_id": cls.person.id,
                "channel": "email",
                "source": "in_person",
                "evidence": "Ký phiếu tại cửa hàng",
            }
        )
        cls.interaction = cls.env["stp.crm.interaction"].create(
            {"partner_id": cls.person.id, "summary": "Gọi hỏi bảo hành", "outcome": "Hẹn kỹ thuật viên"}
        )
        cls.plan = cls.env["stp.crm.work.plan"].create({"name": "Thăm khách Huế", "partner_id": cls.person.id})
        cls.ticket = cls.env["stp.crm.ticket"].create({"name": "Máy lọc nước rò rỉ", "partner_id": cls.person.id})
        cls.ticket.message_post(
            body="Máy của tôi bị rò nước",
            author_id=cls.person.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.invoice = cls._invoice(cls.person, 1_500.0)
        cls.someone_else = cls.env["res.partner"].create({"name": "Trần Văn Khác", "email": "khac@example.vn"})
        cls.env["stp.crm.consent"].create({"partner_id": cls.someone_else.id, "channel": "sms"})

    def _export(self, user):
        action = self.person.with_user(user).action_stp_export_personal_data()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        return attachment, json.loads(base64.b64decode(attachment.datas))

    def test_the_export_holds_what_we_know_of_the_person(self):
        freeze_test_clock(self, "2026-06-01 09:00:00")
        attachment, data = self._export(self.stp_manager)
        self.assertEqual(attachment.name, f"personal-data-{self.person.id}-2026-06-01.json")
        self.assertEqual(data["identity"]["email"], "mai.nguyen@example.vn")
        self.assertEqual(data["identity"]["stp_birthday"], "1990-04-12")
        self.assertEqual(data["identity"]["comment"], "Thích gọi buổi sáng")
        self.assertEqual(data["assessment"]["stp_classification"], "Customer")
        self.assertEqual([c["evidence"] for c in data["consents"]], ["Ký phiếu tại cửa hàng"])  # not the other person's
        self.assertEqual(data["interactions"][0]["outcome"], "Hẹn kỹ thuật viên")
        self.assertEqual(data["work_plans"][0]["name"], "Thăm khách Huế")
        self.assertEqual(data["tickets"][0]["number"], self.ticket.number)
        self.assertIn("Máy của tôi bị rò nước", [m["body"] for m in data["tickets"][0]["messages"]])
        self.assertEqual(
            [(i["name"], i["amount_total"]) for i in data["invoices"]], [(self.invoice.name, self.invoice.amount_total)]
        )
        self.assertIn("campaigns", data)
        self.assertEqual(data["not_readable"], [])

    def test_the_export_answers_the_open_access_request(self):
        request = (
            self.env["stp.crm.privacy.request"]
            .with_user(self.crm_only)
            .create({"partner_id": self.person.id, "request_type": "access"})
        )
        attachment, data = self._export(self.crm_only)
        self.assertEqual((request.state, request.attachment_id), ("done", attachment))
        self.assertEqual((attachment.res_model, attachment.res_id), (request._name, request.id))
        self.assertFalse(request.activity_ids)
        # A CRM-only user reads no invoices: the export says so instead of leaving them out silently.
        self.assertIn(self.env["account.move"]._description, data["not_readable"])
        self.assertEqual(data["invoices"], [])
        # The export is readable by CRM users, not by every employee who reads the contact.
        with self.assertRaises(AccessError):
            attachment.with_user(self.plain_employee).read(["datas"])

    def test_an_export_without_a_request_records_one_done(self):
        self.env["sale.order"].create({"partner_id": self.person.id, "user_id": self.stp_user.id})
        _attachment, data = self._export(self.sales_own)
        # A Sales "own documents" user reads their own orders only: the others are counted, not shown.
        self.assertEqual(data["orders"], [])
        self.assertIn(f"{self.env['sale.order']._description}: 1 record(s)", data["not_readable"])
        request = self.env["stp.crm.privacy.request"].search([("partner_id", "=", self.person.id)])
        self.assertEqual((request.request_type, request.state), ("access", "done"))

    def test_a_user_without_crm_rights_cannot_export(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.plain_employee).action_stp_export_personal_data()

    # ------------------------------------------------------------------
    # Right to erasure
    # ------------------------------------------------------------------
    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_a_crm_manager_anonymizes_a_person_and_keeps_the_posted_invoices(self):
        self.person.write({"email": "mai.moi@example.vn"})  # an old address kept by the tracking
        self._flush_tracking()
        evidence_file = self.env["ir.attachment"].create({"name": "phieu.pdf", "raw": b"%PDF signed"})
        self.consent.evidence_attachment_id = evidence_file
        message = self.ticket.message_ids.filtered(lambda m: m.author_id == self.person)
        self.person.with_user(self.stp_manager).action_stp_anonymize()
        self._flush_tracking()
        person = self.person
        self.assertEqual(person.name, f"Anonymized person #{person.id}")
        for name in (
            "email",
            "phone",
            "street",
            "city",
            "vat",
            "website",
            "comment",
            "stp_birthday",
            "stp_zalo_user_id",
        ):
            self.assertFalse(person[name], name)
        self.assertFalse(self.consent.evidence)
        self.assertFalse(evidence_file.exists())
        self.assertEqual(self.consent.state, "withdrawn")
        self.assertEqual((self.interaction.summary, self.interaction.outcome), ("Anonymized", False))
        self.assertFalse(self.ticket.partner_email)
        self.assertFalse(message.body)
        # sudo: tracking values are for administrators
        tracked = person.sudo().message_ids.tracking_value_ids
        self.assertFalse(
            tracked.filtered(lambda value: "mai" in (value.old_value_char or "") + (value.new_value_char or ""))
        )
        # Posted invoices stay, with their partner (the law on accounting keeps them).
        self.assertEqual((self.invoice.state, self.invoice.partner_id), ("posted", person))
        request = self.env["stp.crm.privacy.request"].search([("partner_id", "=", person.id)])
        self.assertEqual((request.request_type, request.state), ("erasure", "done"))
        log = request.privacy_log_id
        self.assertEqual(log.anonymized_name, "N***** T** M**")
        self.assertIn(f"#{self.consent.id}", log.execution_details)
        self.assertNotIn("Mai", log.execution_details + log.records_description)
        # The other person is untouched.
        self.assertEqual(self.someone_else.email, "khac@example.vn")

    def test_a_crm_user_cannot_anonymize(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.stp_user).action_stp_anonymize()
        self.assertEqual(self.person.name, "Nguyễn Thị Mai")

    def test_a_company_is_not_a_data_subject(self):
        with self.assertRaises(UserError) as caught:
            self.customer.with_user(self.stp_manager).action_stp_anonymize()
        self.assertIn("contacts", str(caught.exception))
        self.assertEqual(self.customer.name, "Công ty Khách Hàng")

    def test_a_person_without_email_is_anonymized_too(self):
        walk_in = self.env["res.partner"].create({"name": "Khách vãng lai", "phone": "0912 000 111"})
        walk_in.with_user(self.stp_manager).action_stp_anonymize()
        self.assertFalse(walk_in.phone)
        request = self.env["stp.crm.privacy.request"].search([("partner_id", "=", walk_in.id)])
        self.assertEqual(request.privacy_log_id.anonymized_email, "-@-")

    def test_the_privacy_lookup_finds_our_records(self):
        campaign = self.env["stp.crm.campaign"].create({"name": "Tri ân", "occasion": "teachers_day"})
        line = self.env["stp.crm.campaign.line"].create({"campaign_id": campaign.id, "partner_id": self.person.id})
        mailed = self.env["stp.crm.ticket"].create(
            {"name": "Hỏi giá lõi lọc", "partner_email": "mai.nguyen@example.vn"}
        )
        mailed.partner_id = False
        wizard = self.env["privacy.lookup.wizard"].create({"name": self.person.name, "email": self.person.email})
        wizard.action_lookup()
        found = {(line_.res_model, line_.res_id) for line_ in wizard.line_ids}
        for record in (self.consent, line, self.interaction, self.ticket, mailed, self.invoice):
            self.assertIn((record._name, record.id), found)
        self.assertEqual(len(wizard.line_ids), len(found), "each record once")
        self.assertNotIn("stp.crm.privacy.request", {model for model, _id in found})
