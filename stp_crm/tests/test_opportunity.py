from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import convert_file, file_path

from .common import StpCrmUsersMixin

TRACKING = {"tracking_disable": False, "mail_notrack": False}


@tagged("post_install", "-at_install")
class OpportunityCommon(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Công ty Triển Vọng", "is_company": True, "stp_classification": "prospect"}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Trần Thị Mai", "parent_id": cls.customer.id})
        Stage = cls.env["crm.stage"]
        cls.stage_new = Stage.create({"name": "Mới (test)", "sequence": 1, "stp_forecast_category": "pipeline"})
        cls.stage_qualified = Stage.create(
            {"name": "Đủ điều kiện (test)", "sequence": 2, "stp_forecast_category": "best_case"}
        )
        cls.stage_proposal = Stage.create({"name": "Đề xuất (test)", "sequence": 3, "stp_forecast_category": "commit"})
        cls.stage_won = Stage.create({"name": "Thành công (test)", "sequence": 4, "is_won": True})

    def _flush_tracking(self):
        """Tracking values are written at commit time (precommit hooks): run them now."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    @classmethod
    def _opportunity(cls, **values):
        return cls.env["crm.lead"].create(
            {
                "name": "Máy nén khí cho nhà máy mới",
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "user_id": cls.sales_own.id,
                "stage_id": cls.stage_new.id,
                **values,
            }
        )


@tagged("post_install", "-at_install")
class TestForecastCategory(OpportunityCommon):
    def test_category_follows_the_stage(self):
        lead = self._opportunity().with_user(self.sales_own)
        self.assertEqual(lead.stp_forecast_category, "pipeline")
        lead.stage_id = self.stage_qualified
        self.assertEqual(lead.stp_forecast_category, "best_case")
        lead.stage_id = self.stage_proposal
        self.assertEqual(lead.stp_forecast_category, "commit")
        self.stage_proposal.stp_forecast_category = "best_case"
        self.assertEqual(lead.stp_forecast_category, "best_case", "a stage's category change reaches its leads")

    def test_override_wins_over_the_stage_and_is_tracked(self):
        lead = self._opportunity().with_user(self.sales_own).with_context(**TRACKING)
        self._flush_tracking()  # a record is not tracked in the transaction that creates it
        with Form(lead) as form:
            form.stp_feasibility = "high"
            form.stp_forecast_override = "commit"
        self.assertEqual(lead.stp_forecast_category, "commit")
        lead.stage_id = self.stage_qualified
        self.assertEqual(lead.stp_forecast_category, "commit", "the override holds whatever the stage")
        self._flush_tracking()
        self.env.invalidate_all()
        tracked = lead.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("stp_forecast_override", tracked)
        self.assertIn("stp_feasibility", tracked)
        lead.stp_forecast_override = False
        self.assertEqual(lead.stp_forecast_category, "best_case")

    def test_won_lost_and_restored(self):
        lead = self._opportunity(stp_forecast_override="best_case").with_user(self.sales_own)
        lead.action_set_won()
        self.assertEqual(lead.stage_id.is_won, True)
        self.assertEqual(lead.stp_forecast_category, "won")
        other = self._opportunity(stp_forecast_override="commit").with_user(self.sales_own)
        other.action_set_lost()
        self.assertEqual(other.stp_forecast_category, "lost")
        other.action_unarchive()
        self.assertEqual(other.stp_forecast_category, "commit", "restored: back to its override")
        other.stp_forecast_override = False
        self.assertEqual(other.stp_forecast_category, "pipeline")

    def test_override_refused_on_closed_opportunities(self):
        won = self._opportunity().with_user(self.sales_own)
        won.action_set_won()
        with self.assertRaisesRegex(ValidationError, "Only an open opportunity"):
            won.write({"stp_forecast_override": "commit"})
        self.assertFalse(won.stp_forecast_override)
        lost = self._opportunity().with_user(self.sales_own)
        lost.action_set_lost()
        with self.assertRaisesRegex(ValidationError, "Only an open opportunity"):
            lost.write({"stp_forecast_override": "best_case"})
        with self.assertRaises(ValidationError):
            self._opportunity(stage_id=self.stage_won.id, stp_forecast_override="commit")
        lost.write({"stp_forecast_override": False})  # clearing is always allowed

    def test_override_error_is_translated(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        won = self._opportunity().with_user(self.sales_own).with_context(lang="vi_VN")
        won.action_set_won()
        with self.assertRaisesRegex(ValidationError, "Chỉ cơ hội đang mở"):
            won.write({"stp_forecast_override": "commit"})

    def test_stage_defaults_on_install_skip_deleted_stages(self):
        """The data file, loaded as at installation: Odoo's stages get their
        categories, and a stage an admin deleted is skipped without error."""
        proposition = self.env.ref("crm.stage_lead3")
        # An admin moves its opportunities (demo data has some) and deletes the stage.
        self.env["crm.lead"].with_context(active_test=False).search([("stage_id", "=", proposition.id)]).write(
            {"stage_id": self.env.ref("crm.stage_lead1").id}
        )
        proposition.unlink()
        convert_file(
            self.env,
            "stp_crm",
            "data/crm_stage_data.xml",
            {},
            mode="init",
            noupdate=True,
            pathname=file_path("stp_crm/data/crm_stage_data.xml"),
        )
        self.assertEqual(self.env.ref("crm.stage_lead1").stp_forecast_category, "pipeline")
        self.assertEqual(self.env.ref("crm.stage_lead2").stp_forecast_category, "best_case")
        self.assertFalse(self.env.ref("crm.stage_lead3", raise_if_not_found=False))


@tagged("post_install", "-at_install")
class TestProspectBecomesCustomer(OpportunityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create({"name": "Lắp đặt máy", "type": "service", "list_price": 100})

    def _order(self, partner, user=None):
        user = user or self.sales_own
        return (
            self.env["sale.order"]
            .with_user(user)
            .with_context(**TRACKING)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": self.service.id, "product_uom_qty": 1})],
                }
            )
        )

    def test_first_confirmed_order_makes_a_customer(self):
        order = self._order(self.contact)
        self._flush_tracking()
        self.assertEqual(self.customer.stp_classification, "prospect", "a quotation is not a sale")
        order.action_confirm()
        self._flush_tracking()
        self.env.invalidate_all()
        self.assertEqual(self.customer.stp_classification, "customer")
        note = self.customer.message_ids.filtered(lambda message: "Became a customer" in str(message.body))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.sales_own.partner_id, "the note names who confirmed")
        self.assertIn(order.name, str(note.body))
        tracking = self.customer.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "stp_classification"
        )
        self.assertEqual(tracking.mail_message_id.author_id, self.sales_own.partner_id)
        self._order(self.contact).action_confirm()
        notes = self.customer.message_ids.filtered(lambda message: "Became a customer" in str(message.body))
        self.assertEqual(len(notes), 1, "not twice")

    def test_other_classifications_stay(self):
        self.customer.stp_classification = "distributor"
        self._order(self.customer).action_confirm()
        self.assertEqual(self.customer.stp_classification, "distributor")

    def test_salesperson_without_crm_rights(self):
        """A Sales user who may not even read the customer's CRM fields still makes them a customer."""
        seller = new_test_user(self.env, login="seller_only", groups="sales_team.group_sale_salesman")
        with self.assertRaises(AccessError):
            self.customer.with_user(seller).write({"stp_classification": "customer"})
        self._order(self.customer, user=seller).action_confirm()
        self.assertEqual(self.customer.stp_classification, "customer")


@tagged("post_install", "-at_install")
class TestProspectProfileCarried(OpportunityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["utm.source"].create({"name": "Hội chợ (test)"})

    def _convert(self, lead, **values):
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.sales_own)
            .with_context(active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
            .create({"name": "convert", **values})
        )
        wizard.action_apply()
        return lead.partner_id

    def test_new_customer_gets_quality_and_source(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Hỏi giá máy nén khí",
                "type": "lead",
                "partner_name": "Công ty Mới Toanh",
                "contact_name": "Lê Văn Hùng",
                "user_id": self.sales_own.id,
                "stp_prospect_quality": "good",
                "stp_source_id": self.source.id,
            }
        )
        self.assertEqual(lead.source_id, self.source, "the prospect source is Odoo's UTM source of the lead")
        partner = self._convert(lead, action="create")
        customer = partner.commercial_partner_id
        self.assertEqual(customer.name, "Công ty Mới Toanh")
        self.assertRecordValues(
            customer,
            [{"stp_prospect_quality": "good", "stp_source_id": self.source.id, "stp_classification": "prospect"}],
        )
        self.assertEqual(lead.type, "opportunity")

    def test_existing_values_are_kept(self):
        other_source = self.env["utm.source"].create({"name": "Giới thiệu (test)"})
        self.customer.write({"stp_prospect_quality": "poor", "stp_source_id": other_source.id})
        lead = self.env["crm.lead"].create(
            {
                "name": "Mua thêm",
                "type": "lead",
                "user_id": self.sales_own.id,
                "stp_prospect_quality": "good",
                "source_id": self.source.id,
            }
        )
        self._convert(lead, action="exist", partner_id=self.contact.id)
        self.assertRecordValues(
            self.customer,
            [{"stp_prospect_quality": "poor", "stp_source_id": other_source.id, "stp_classification": "prospect"}],
        )
        self.customer.stp_prospect_quality = False
        lead.with_user(self.sales_own)._handle_partner_assignment()
        self.assertEqual(self.customer.stp_prospect_quality, "good", "an empty value is filled")


@tagged("post_install", "-at_install")
class TestOpportunityLinks(OpportunityCommon):
    """Smart buttons and history of an opportunity count what the user may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._opportunity()
        cls.other_lead = cls._opportunity(name="Cơ hội khác")
        for user in (cls.sales_own, cls.stp_user_2):
            cls.env["stp.crm.work.plan"].create(
                {"name": f"Kế hoạch {user.name}", "lead_id": cls.lead.id, "user_id": user.id}
            )
            cls.env["stp.crm.interaction"].create(
                {
                    "summary": f"Gọi {user.name}",
                    "partner_id": cls.customer.id,
                    "lead_id": cls.lead.id,
                    "user_id": user.id,
                }
            )
            cls.env["stp.crm.contract"].create(
                {
                    "name": f"Hợp đồng {user.name}",
                    "partner_id": cls.customer.id,
                    "lead_id": cls.lead.id,
                    "user_id": user.id,
                }
            )
            cls.env["stp.crm.ticket"].create(
                {
                    "name": f"Sự cố {user.name}",
                    "partner_id": cls.customer.id,
                    "lead_id": cls.lead.id,
                    "user_id": user.id,
                    "team_id": False,
                }
            )
        cls.env["stp.crm.work.plan"].create({"name": "Không liên quan", "lead_id": cls.other_lead.id})

    def _counts(self, lead):
        return [lead.stp_work_plan_count, lead.stp_interaction_count, lead.stp_contract_count, lead.stp_ticket_count]

    def test_counts_respect_the_users_rights(self):
        self.assertEqual(self._counts(self.lead.with_user(self.sales_own)), [1, 1, 1, 1])
        self.assertEqual(self._counts(self.lead.with_user(self.stp_manager)), [2, 2, 2, 2])
        self.assertEqual(self._counts(self.other_lead.with_user(self.stp_manager)), [1, 0, 0, 0])

    def test_counts_are_one_query_per_model(self):
        leads = (self.lead | self.other_lead).with_user(self.stp_manager)
        leads.invalidate_recordset()
        self.env.invalidate_all()
        with self.assertQueryCount(25):  # the same for any number of leads: one _read_group per model
            leads.mapped("stp_work_plan_count")

    def test_crm_only_user_has_no_opportunities(self):
        with self.assertRaises(AccessError):
            self.lead.with_user(self.crm_only).read(["stp_work_plan_count"])

    def test_buttons_open_the_linked_records(self):
        lead = self.lead.with_user(self.sales_own)
        for method, model in (
            ("action_stp_open_work_plans", "stp.crm.work.plan"),
            ("action_stp_open_interactions", "stp.crm.interaction"),
            ("action_stp_open_contracts", "stp.crm.contract"),
            ("action_stp_open_tickets", "stp.crm.ticket"),
        ):
            action = getattr(lead, method)()
            self.assertEqual(action["res_model"], model)
            self.assertEqual(len(self.env[model].with_user(self.sales_own).search(action["domain"])), 1, method)
            self.assertEqual(action["context"]["default_lead_id"], lead.id)

    def test_history_is_the_timeline_of_the_opportunity(self):
        action = self.lead.with_user(self.sales_own).action_stp_open_timeline()
        Timeline = self.env["stp.crm.timeline"]
        own_events = Timeline.with_user(self.sales_own).search(action["domain"])
        self.assertEqual(
            sorted(own_events.mapped("event_type")),
            ["interaction", "ticket", "work_plan"],
            "draft contracts are not events",
        )
        self.assertEqual(own_events.lead_id, self.lead)
        self.assertEqual(len(Timeline.with_user(self.stp_manager).search(action["domain"])), 6)
        other = Timeline.with_user(self.stp_manager).search([("lead_id", "=", self.other_lead.id)])
        self.assertEqual(other.mapped("event_type"), ["work_plan"])
        # A CRM-only user, without Sales: the history still shows what they may read.
        crm_only_events = Timeline.with_user(self.crm_only).search([("lead_id", "in", self.lead.ids)])
        self.assertFalse(crm_only_events, "nothing of this opportunity is theirs")

    def test_sale_orders_of_the_opportunity_are_in_its_history(self):
        service = self.env["product.product"].create({"name": "Tư vấn", "type": "service", "list_price": 10})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.lead.id,
                "user_id": self.sales_own.id,
                "order_line": [Command.create({"product_id": service.id})],
            }
        )
        order.action_confirm()
        events = self.env["stp.crm.timeline"].with_user(self.sales_own).search([("lead_id", "=", self.lead.id)])
        self.assertIn("sale_order", events.mapped("event_type"))
        self.assertEqual(self.lead.with_user(self.sales_own).sale_order_count, 1, "sale_crm's own button")


@tagged("post_install", "-at_install")
class TestTicketAndContractInteractions(OpportunityCommon):
    """Calls and meetings done on tickets and contracts are logged as interactions."""

    def _done(self, record, activity_type, summary):
        activity = record.activity_schedule(activity_type, user_id=self.stp_user.id, summary=summary)
        activity.with_user(self.stp_user).action_feedback(feedback="Đã xử lý")
        return self.env["stp.crm.interaction"].search([("summary", "=", summary)])

    def test_call_on_a_ticket(self):
        lead = self._opportunity()
        ticket = self.env["stp.crm.ticket"].create(
            {"name": "Máy kêu to", "partner_id": self.contact.id, "user_id": self.stp_user.id, "lead_id": lead.id}
        )
        interaction = self._done(ticket, "mail.mail_activity_data_call", "Gọi khách về máy kêu to")
        self.assertRecordValues(
            interaction,
            [
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "lead_id": lead.id,
                    "user_id": self.stp_user.id,
                    "outcome": "Đã xử lý",
                }
            ],
        )

    def test_meeting_on_a_contract(self):
        contract = self.env["stp.crm.contract"].create(
            {"name": "Hợp đồng bảo trì", "partner_id": self.contact.id, "user_id": self.stp_user.id}
        )
        interaction = self._done(contract, "mail.mail_activity_data_meeting", "Họp gia hạn hợp đồng")
        self.assertRecordValues(
            interaction, [{"partner_id": self.customer.id, "channel": "in_person", "lead_id": False}]
        )

    def test_no_customer_no_interaction(self):
        ticket = self.env["stp.crm.ticket"].create({"name": "Nội bộ", "user_id": self.stp_user.id})
        self.assertFalse(self._done(ticket, "mail.mail_activity_data_call", "Gọi nội bộ"))

    def test_customer_portal_message_on_a_ticket_is_not_outbound(self):
        portal = new_test_user(self.env, login="portal_mai", groups="base.group_portal")
        portal.partner_id.parent_id = self.customer
        ticket = self.env["stp.crm.ticket"].create(
            {"name": "Máy dừng", "partner_id": portal.partner_id.id, "user_id": self.stp_user.id}
        )
        ticket.message_subscribe(partner_ids=self.contact.ids)  # a colleague of the author follows
        ticket.with_user(portal).message_post(
            body="Máy vẫn dừng", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertFalse(self.env["stp.crm.interaction"].search([("partner_id", "=", self.customer.id)]))
        ticket.with_user(self.stp_user).message_post(
            body="Kỹ thuật viên sẽ đến", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertRecordValues(
            self.env["stp.crm.interaction"].search([("partner_id", "=", self.customer.id)]),
            [{"channel": "email", "direction": "outbound", "user_id": self.stp_user.id}],
        )
