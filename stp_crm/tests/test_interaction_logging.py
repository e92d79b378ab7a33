from contextlib import contextmanager
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import StpCrmUsersMixin
from .test_interaction import INBOUND_REPLY

LOGGER = "odoo.addons.stp_crm.models.stp_crm_interaction"


@tagged("post_install", "-at_install")
class TestInteractionLoggingNeverBreaks(TransactionCase, StpCrmUsersMixin):
    """An interaction that cannot be written is logged as an error; the message,
    the incoming email or the done activity that triggered it goes through."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Tương Tác", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Nguyễn Thị Lan", "parent_id": cls.customer.id, "email": "lan@khachhang.example.com"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Máy nén khí", "partner_id": cls.contact.id, "user_id": cls.stp_user.id, "type": "opportunity"}
        )

    def _interactions(self):
        return self.env["stp.crm.interaction"].search([("partner_id", "=", self.customer.id)])

    @contextmanager
    def _interactions_fail(self, how):
        interaction_class = type(self.env["stp.crm.interaction"])
        original_create = interaction_class.create

        def failing_create(records, vals_list):
            if how == "sql":
                records.env.cr.execute("SELECT 1 / 0")  # aborts the transaction without a savepoint
            if how == "orm":
                # A stand-in failure.
                raise ValidationError("hỏng")  # pylint: disable=translation-required
            return original_create(records, vals_list)

        with patch.object(interaction_class, "create", failing_create), self.assertLogs(LOGGER, "ERROR") as logs:
            yield
        self.assertIn("could not log the interaction", logs.output[0])

    def test_concurrency_error_goes_up_for_odoo_to_retry(self):
        """Under load two requests write the same rows: PostgreSQL refuses one, and Odoo runs
        it again only if the error reaches it (the 50-user load met it on a message post)."""
        interaction_class = type(self.env["stp.crm.interaction"])

        def concurrent_create(records, vals_list):
            raise SerializationFailure("could not serialize access due to concurrent update")

        with patch.object(interaction_class, "create", concurrent_create), self.assertRaises(SerializationFailure):
            self.env["stp.crm.interaction"].with_user(self.crm_only)._stp_log_automatically(
                [{"partner_id": self.customer.id, "channel": "email", "summary": "Báo giá"}]
            )

    def test_message_post_goes_through(self):
        for how in ("orm", "sql"):
            with self._interactions_fail(how):
                message = self.lead.with_user(self.stp_user).message_post(
                    body=f"Xin gửi báo giá ({how})",
                    subject="Báo giá",
                    partner_ids=self.contact.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            self.assertIn(message, self.lead.message_ids)
        self.assertFalse(self._interactions())
        self.lead.name = "Máy nén khí (sau lỗi)"  # the transaction is still usable
        self.env.flush_all()

    def test_incoming_email_goes_through(self):
        outbound = self.lead.message_post(
            body="Xin gửi báo giá",
            subject="Báo giá máy nén khí",
            partner_ids=self.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        with self._interactions_fail("sql"):
            thread_id = self.env["mail.thread"].message_process(
                "crm.lead", INBOUND_REPLY.format(parent=outbound.message_id).encode()
            )
        self.assertEqual(thread_id, self.lead.id)
        self.assertTrue(self.lead.message_ids.filtered(lambda m: "đồng ý với báo giá" in str(m.body)))
        self.assertEqual(len(self._interactions()), 1, "only the outbound one, logged before the failure")

    def test_activity_done_goes_through(self):
        activity = self.contact.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.stp_user.id, summary="Gọi hỏi nhu cầu"
        )
        with self._interactions_fail("orm"):
            activity.with_user(self.stp_user).action_feedback(feedback="Khách bận")
        self.assertFalse(activity.exists(), "the activity is done")
        self.assertTrue(self.contact.message_ids.filtered(lambda m: "Khách bận" in str(m.body)))
        self.assertFalse(self._interactions())

    def test_company_taken_from_the_customer(self):
        branch = self.env["res.company"].create({"name": "Chi nhánh Cần Thơ"})
        customer = self.env["res.partner"].create(
            {"name": "Khách chi nhánh", "is_company": True, "company_id": branch.id}
        )
        [interaction] = self.env["stp.crm.interaction"]._stp_log_automatically(
            [{"partner_id": customer.id, "summary": "Email", "channel": "email", "company_id": self.env.company.id}]
        )
        self.assertEqual(interaction.company_id, branch)
