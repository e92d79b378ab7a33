from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_ticket import TicketCommon

INTERNAL_FIELDS = (
    "date_deadline",
    "date_sla_risk",
    "sla_state",
    "sla_final_state",
    "sla_success",
    "sla_success_rate",
    "resolution_hours",
    "warranty_reason",
    "closed_count",
    "installed_product_id",
    "sale_order_id",
    "repair_order_id",
    "picking_ids",
    "return_count",
    "replacement_count",
)


@tagged("post_install", "-at_install")
class TestTicketVisibility(TicketCommon):
    """Portal customers read their tickets, not our internal follow-up of them;
    a ticket's rating is for its team, the rated person and the managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user.partner_id.parent_id = cls.customer
        cls._deliver(cls.other_customer, cls.lots[0])
        cls.ticket = cls.env["stp.crm.ticket"].create(
            {
                "name": "Máy không lên hình",
                "ticket_type": "warranty",
                "partner_id": cls.customer.id,
                "lot_id": cls.lots[0].id,
                "team_id": cls.team.id,
                "user_id": cls.stp_user.id,
            }
        )

    def test_portal_user_reads_the_ticket_but_not_the_internal_fields(self):
        self.assertTrue(self.ticket.warranty_reason, "the ticket has an internal warranty reason")
        ticket = self.ticket.with_user(self.portal_user)
        [values] = ticket.read(["number", "name", "stage_id", "warranty_state", "user_id", "description"])
        self.assertEqual(values["number"], self.ticket.number)
        self.assertEqual(values["warranty_state"], "no_warranty")
        fields = ticket.fields_get()
        self.assertFalse(set(INTERNAL_FIELDS) & set(fields))
        for name in INTERNAL_FIELDS:
            with self.assertRaises(AccessError, msg=name):
                ticket.read([name])
        with self.assertRaises(AccessError):
            ticket.search([("sla_state", "=", "breached")])
        internal = self.ticket.with_user(self.stp_user).read(list(INTERNAL_FIELDS))
        self.assertEqual(internal[0]["warranty_reason"], self.ticket.warranty_reason, "internal users read them")

    def _rated(self, ticket):
        token = ticket._rating_get_access_token()
        return ticket.rating_apply(2, token=token, feedback="Kỹ thuật viên đến trễ")

    def test_ratings_are_for_the_team_the_rated_person_and_managers(self):
        rating = self._rated(self.ticket)
        self.assertEqual((rating.parent_res_model, rating.parent_res_id), ("stp.crm.ticket.team", self.team.id))
        routed_elsewhere = self.ticket.copy({"team_id": False, "user_id": self.crm_only.id})
        other_rating = self._rated(routed_elsewhere)
        ratings = rating | other_rating
        Rating = self.env["rating.rating"]
        visible = {
            user.login: Rating.with_user(user).search([("id", "in", ratings.ids)])
            for user in (self.stp_user, self.stp_user_2, self.crm_only, self.plain_employee, self.stp_manager)
        }
        self.assertEqual(visible["stp_user"], rating, "a member of the ticket's team")
        self.assertEqual(visible["stp_user_2"], rating, "another member of the team")
        self.assertEqual(visible["crm_only"], other_rating, "the rated person, outside the team")
        self.assertFalse(visible["plain_employee"])
        self.assertEqual(visible["stp_manager"], ratings)
        with self.assertRaises(AccessError):
            rating.with_user(self.plain_employee).read(["rating", "feedback"])

    def test_rating_figures_of_a_ticket_follow_the_rating_rules(self):
        rating = self._rated(self.ticket)
        # A CRM user following the ticket reads it, but not its rating (not in its team, not rated).
        self.ticket.message_subscribe(partner_ids=self.crm_only.partner_id.ids)
        names = ["rating_last_value", "rating_last_feedback", "rating_avg", "rating_ids", "rating_count"]
        [outsider] = self.ticket.with_user(self.crm_only).read(names)
        self.assertEqual(
            {name: outsider[name] for name in names},
            {
                "rating_last_value": 0.0,
                "rating_last_feedback": False,
                "rating_avg": 0.0,
                "rating_ids": [],
                "rating_count": 0,
            },
        )
        self.assertEqual(self.ticket.with_user(self.crm_only).rating_avg_text, "none")
        for reader in (self.stp_user, self.stp_user_2, self.stp_manager):
            [values] = self.ticket.with_user(reader).read(names)
            self.assertEqual(
                (
                    values["rating_last_value"],
                    values["rating_last_feedback"],
                    values["rating_avg"],
                    values["rating_ids"],
                ),
                (2.0, "Kỹ thuật viên đến trễ", 2.0, rating.ids),
                reader.login,
            )

    def test_other_ratings_keep_odoo_rules(self):
        partner_model = self.env["ir.model"]._get("res.partner")
        rating = self.env["rating.rating"].create(
            {"res_model_id": partner_model.id, "res_id": self.customer.id, "rating": 5, "consumed": True}
        )
        self.assertEqual(
            self.env["rating.rating"].with_user(self.plain_employee).search([("id", "=", rating.id)]), rating
        )

    def test_team_members_are_readable_on_the_user(self):
        self.team.member_ids = [Command.link(self.crm_only.id)]
        self.assertIn(self.team, self.crm_only.stp_ticket_team_ids)
