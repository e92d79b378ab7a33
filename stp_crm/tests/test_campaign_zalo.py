import json

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import freeze_test_clock
from .test_campaign import LAUNCH_DAY, CampaignCommon


@tagged("post_install", "-at_install")
class TestCampaignZalo(CampaignCommon):
    """A care campaign's Zalo channel: a ZNS per recipient when their greeting is due,
    through the Zalo template's queue (blacklist, consent), outcomes on the campaign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["stp.crm.zalo.account"].create(
            {"name": "OA STP", "oa_id": "oa-1", "app_id": "app-1", "company_id": cls.company.id}
        )
        cls.template = cls._zalo_template("care")
        for i, customer in enumerate(cls.customers[:3]):
            customer.mobile = f"0912 000 00{i}"  # the fourth has no mobile

    @classmethod
    def _zalo_template(cls, purpose):
        return cls.env["stp.crm.zalo.template"].create(
            {
                "account_id": cls.account.id,
                "name": f"Tri ân ({purpose})",
                "zalo_template_id": f"tpl-{purpose}",
                "model": "stp.crm.campaign.line",
                "template_data": json.dumps({"name": "{{ object.partner_id.name }}"}),
                "purpose": purpose,
                "state": "enabled",
            }
        )

    def _messages(self, campaign):
        return self.env["stp.crm.zalo.message"].search(
            [("res_model", "=", "stp.crm.campaign.line"), ("res_id", "in", campaign.line_ids.ids)]
        )

    def test_launch_queues_one_zns_per_recipient_and_counts_the_outcomes(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self.env["phone.blacklist"]._add(["+84912000001"])
        campaign = self._campaign(zalo_template_id=self.template.id, mail_template_id=False)
        campaign.action_generate_recipients()
        campaign.action_launch()
        messages = self._messages(campaign)
        self.assertEqual(len(messages), 4, "one per recipient")
        by_partner = {message.partner_id: message for message in messages}
        self.assertEqual(by_partner[self.customers[0]].state, "queued")
        self.assertEqual(by_partner[self.customers[0]].phone, "84912000000")
        self.assertEqual(json.loads(by_partner[self.customers[0]].template_data), {"name": "Trường học 0"})
        self.assertEqual(by_partner[self.customers[1]].state, "cancel")
        self.assertIn("blacklist", by_partner[self.customers[1]].error_message)
        self.assertEqual(by_partner[self.customers[3]].state, "cancel", "no mobile")
        campaign.invalidate_recordset()
        self.assertEqual(
            (campaign.zalo_sent_count, campaign.zalo_failed_count, campaign.zalo_cancelled_count), (0, 0, 2)
        )
        by_partner[self.customers[0]]._stp_system_write({"state": "sent"})
        campaign.invalidate_recordset()
        self.assertEqual(campaign.zalo_sent_count, 1)
        action = campaign.action_view_zalo_messages()
        self.assertEqual(self.env["stp.crm.zalo.message"].search(action["domain"]), messages)

    def test_advertising_needs_a_zalo_consent_and_an_advertising_template(self):
        freeze_test_clock(self, LAUNCH_DAY)
        with self.assertRaises(ValidationError):
            self._campaign(purpose="advertising", zalo_template_id=self.template.id)
        self.env["stp.crm.consent"].create(
            {
                "partner_id": self.customers[2].id,
                "channel": "zalo",
                "purpose": "advertising",
                "company_id": self.company.id,
            }
        )
        campaign = self._campaign(
            purpose="advertising", zalo_template_id=self._zalo_template("advertising").id, mail_template_id=False
        )
        campaign.action_generate_recipients()
        campaign.action_launch()
        queued = self._messages(campaign).filtered(lambda message: message.state == "queued")
        self.assertEqual(queued.partner_id, self.customers[2], "only the consenting recipient")

    def test_a_template_of_another_model_is_refused(self):
        other = self.template.copy({"model": "res.partner"})
        with self.assertRaises(ValidationError):
            self._campaign(zalo_template_id=other.id)
