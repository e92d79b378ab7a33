import base64
import json

from odoo.exceptions import AccessError
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
        self._export(self.sales_own)
        request = self.env["stp.crm.privacy.request"].search([("partner_id", "=", self.person.id)])
        self.assertEqual((request.request_type, request.state), ("access", "done"))

    def test_a_user_without_crm_rights_cannot_export(self):
        with self.assertRaises(AccessError):
            self.person.with_user(self.plain_employee).action_stp_export_personal_data()
