from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

TICKET = "stp.crm.ticket"


class StpCrmTicketMerge(models.TransientModel):
    """Merges duplicate tickets into one: the target keeps its number, stage, team
    and responsible and receives the others' messages, attachments, followers,
    ratings, transfers and activities; the others are closed, pointing to it."""

    _name = "stp.crm.ticket.merge"
    _description = "Merge Tickets"

    ticket_ids = fields.Many2many(
        TICKET,
        string="Tickets",
        required=True,
        default=lambda self: self._default_ticket_ids(),
    )
    target_ticket_id = fields.Many2one(
        TICKET,
        string="Merge Into",
        compute="_compute_target_ticket_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', ticket_ids)]",
        help="Keeps its number, stage, team and responsible. By default the oldest ticket.",
    )
    preview = fields.Html(string="What Moves", compute="_compute_preview", sanitize=False)

    @api.model
    def _default_ticket_ids(self):
        if self.env.context.get("active_model") != TICKET:
            return self.env[TICKET]
        return self.env[TICKET].browse(self.env.context.get("active_ids") or [])

    @api.depends("ticket_ids")
    def _compute_target_ticket_id(self):
        for wizard in self:
            if wizard.target_ticket_id not in wizard.ticket_ids._origin:
                wizard.target_ticket_id = wizard.ticket_ids._origin.sorted(lambda t: (t.create_date, t.id))[:1]

    @api.depends("ticket_ids", "target_ticket_id")
    def _compute_preview(self):
        for wizard in self:
            target = wizard.target_ticket_id._origin
            sources = wizard.ticket_ids._origin - target
            if not target or not sources:
                wizard.preview = False
                continue
            lines = [
                Markup("<li>%s: %s</li>") % (ticket.number, moves)
                for ticket, moves in wizard._stp_contents(sources).items()
            ]
            wizard.preview = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._(
                    "Into %(target)s, which keeps its number, stage, team and responsible:", target=target.number
                ),
                Markup().join(lines),
            )

    # ------------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------------
    def action_merge(self):
        self.ensure_one()
        tickets = self.ticket_ids
        target = self.target_ticket_id
        closing_stage = self._stp_check_merge(tickets, target)
        sources = tickets - target
        contents = self._stp_contents(sources)
        self._stp_move_contents(sources, target)
        for source in sources:
            source.message_post(
                body=self.env._("Merged into %(target)s.", target=target._get_html_link(title=target.number)),
                subtype_xmlid="mail.mt_note",
            )
        lines = [
            Markup("<li>%s: %s</li>") % (source._get_html_link(title=source.number), contents[source])
            for source in sources
        ]
        target.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Merged into this ticket:"), Markup().join(lines)),
            subtype_xmlid="mail.mt_note",
        )
        sources._stp_system_write({"merged_into_id": target.id, "stage_id": closing_stage.id})
        return target.get_formview_action()

    def _stp_check_merge(self, tickets, target):
        """Refuses, before anything is written, what cannot be one ticket; returns
        the closed stage the duplicates go to (one that asks no rating)."""
        _ = self.env._
        if len(tickets) < 2:
            raise UserError(self.env._("Choose at least two tickets to merge."))
        if target not in tickets:
            raise UserError(self.env._("The ticket to merge into must be one of the tickets merged."))
        forbidden = tickets - tickets._filtered_access("write")
        if forbidden:
            # counted, not named: the user may not even read them
            raise UserError(
                self.env._(
                    "You may not modify %(count)s of these tickets: they cannot be merged.", count=len(forbidden)
                )
            )
        merged = tickets.filtered("merged_into_id")
        if merged:
            raise UserError(
                self.env._(
                    "Ticket %(number)s was already merged into %(target)s.",
                    number=merged[0].number,
                    target=merged[0].merged_into_id.number,
                )
            )
        if len(set(tickets.mapped("commercial_partner_id.id"))) > 1 or len(tickets.company_id) > 1:
            raise UserError(self.env._("Only tickets of the same customer and the same company can be merged."))
        other_serial = tickets.filtered(lambda t: t.lot_id and t.lot_id != target.lot_id)
        if other_serial:
            raise UserError(
                self.env._(
                    "Ticket %(number)s is about serial number %(lot)s, ticket %(target)s is not: "
                    "they are two problems, not duplicates.",
                    number=other_serial[0].number,
                    lot=other_serial[0].lot_id.name,
                    target=target.number,
                )
            )
        closed = self.env["stp.crm.ticket.stage"].search([("is_closed", "=", True)])
        if not closed:
            raise UserError(self.env._("Define a closed ticket stage first: merged tickets are closed."))
        return closed.filtered(lambda stage: not stage.rating_template_id)[:1] or closed[:1]

    @api.model
    def _stp_mail_domain(self, tickets, model_field="model"):
        return [(model_field, "=", TICKET), ("res_id", "in", tickets.ids)]

    @api.model
    def _stp_contents(self, tickets):
        """{ticket: translated summary of what a merge moves from it}."""
        # sudo: counts only, of tickets the user has opened; their transfers are
        # counted even for a CRM user who may not read stock.
        counts = {
            kind: dict(
                self.env[model].sudo()._read_group(self._stp_mail_domain(tickets, field), ["res_id"], ["__count"])
            )
            for kind, model, field in (
                ("messages", "mail.message", "model"),
                ("attachments", "ir.attachment", "res_model"),
                ("ratings", "rating.rating", "res_model"),
            )
        }
        pickings = (
            self.env["stock.picking"]
            .sudo()
            ._read_group([("stp_ticket_id", "in", tickets.ids)], ["stp_ticket_id"], ["__count"])
        )
        counts["transfers"] = {ticket.id: count for ticket, count in pickings}
        return {
            ticket: self.env._(
                "%(messages)s messages, %(attachments)s attachments, %(ratings)s ratings, %(transfers)s transfers, "
                "%(followers)s followers",
                followers=len(ticket.message_follower_ids),
                **{kind: per_ticket.get(ticket.id, 0) for kind, per_ticket in counts.items()},
            )
            for ticket in tickets
        }

    @api.model
    def _stp_move_contents(self, sources, target):
        """Re-links the sources' thread, ratings, transfers and activities to
        ``target`` (moved, not copied). The caller checked that the user may write
        every ticket involved."""
        # sudo: a ticket's messages, attachments and ratings are the ticket's and the
        # user may write every ticket involved (checked above); Odoo lets users write
        # only their own messages, and ratings are readable by their team only.
        self.env["mail.message"].sudo().search(self._stp_mail_domain(sources)).write(
            {"res_id": target.id, "record_name": target.display_name}
        )
        self.env["ir.attachment"].sudo().search(self._stp_mail_domain(sources, "res_model")).write(
            {"res_id": target.id}
        )
        self.env["rating.rating"].sudo().search(self._stp_mail_domain(sources, "res_model")).write(
            {"res_model_id": self.env["ir.model"]._get_id(TICKET), "res_id": target.id}
        )
        target.message_subscribe(partner_ids=(sources.message_partner_ids - target.message_partner_ids).ids)
        # sudo only finds the transfers (a CRM user without stock rights may merge
        # tickets that have none): they are moved with the user's rights.
        pickings = self.env["stock.picking"].sudo().search([("stp_ticket_id", "in", sources.ids)]).sudo(False)
        pickings.write({"stp_ticket_id": target.id})
        sources.activity_ids.write({"res_id": target.id})
