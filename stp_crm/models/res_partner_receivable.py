import operator as py_operator
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.cron_batch import run_batch
from ..tools.groups import INVOICING_READ
from ..tools.reader_lang import for_reader

# Receivables are accounting figures: invoicing or accounting read rights (INVOICING_READ).
DUNNING_BATCH_SIZE = 500
DUNNING_DEADLINE_DAYS = 7  # the salesperson's time to collect before the plan is overdue
# field name -> SQL of its amount per open receivable line ("days" = days past due)
RECEIVABLE_BUCKETS = {
    "stp_receivable_due": SQL("aml.amount_residual"),
    "stp_receivable_overdue": SQL("CASE WHEN days > 0 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_current": SQL("CASE WHEN days <= 0 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_1_30": SQL("CASE WHEN days BETWEEN 1 AND 30 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_31_60": SQL("CASE WHEN days BETWEEN 31 AND 60 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_61_90": SQL("CASE WHEN days BETWEEN 61 AND 90 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_over_90": SQL("CASE WHEN days > 90 THEN aml.amount_residual ELSE 0 END"),
}
SEARCH_OPERATORS = {
    "=": py_operator.eq,
    "!=": py_operator.ne,
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
}


def _receivable_field(name, string, help_text):
    return fields.Monetary(
        string=string,
        compute="_compute_stp_receivables",
        search=lambda partners, operator, value: partners._stp_receivable_domain(name, operator, value),
        currency_field="stp_company_currency_id",
        groups=INVOICING_READ,
        help=help_text,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    stp_receivable_due = _receivable_field(
        "stp_receivable_due", "Receivable", "Open customer receivables (posted, not yet paid), in company currency."
    )
    stp_receivable_overdue = _receivable_field(
        "stp_receivable_overdue", "Overdue", "Open receivables past their due date, in company currency."
    )
    stp_aging_current = _receivable_field(
        "stp_aging_current", "Not Yet Due", "Open receivables whose due date is today or later."
    )
    stp_aging_1_30 = _receivable_field("stp_aging_1_30", "1-30 Days", "Open receivables 1 to 30 days past due.")
    stp_aging_31_60 = _receivable_field("stp_aging_31_60", "31-60 Days", "Open receivables 31 to 60 days past due.")
    stp_aging_61_90 = _receivable_field("stp_aging_61_90", "61-90 Days", "Open receivables 61 to 90 days past due.")
    stp_aging_over_90 = _receivable_field(
        "stp_aging_over_90", "Over 90 Days", "Open receivables more than 90 days past due."
    )

    # ------------------------------------------------------------------
    # Receivables and aging
    # ------------------------------------------------------------------
    @api.model
    def _stp_receivable_query(self, company, today, partner_ids=None):
        """One row per commercial partner with open receivables in ``company`` (among
        ``partner_ids`` if given): ``partner_id`` and one column per name of
        RECEIVABLE_BUCKETS (company currency)."""
        self.env["account.move.line"].flush_model(
            ["account_id", "amount_residual", "company_id", "parent_state", "partner_id", "reconciled", "date_maturity"]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.flush_model(["commercial_partner_id"])
        columns = SQL(", ").join(
            SQL("SUM(%s) AS %s", amount, SQL.identifier(name)) for name, amount in RECEIVABLE_BUCKETS.items()
        )
        return SQL(
            """SELECT p.commercial_partner_id AS partner_id, %(columns)s
                 FROM (SELECT aml.*, %(today)s::date - COALESCE(aml.date_maturity, aml.date) AS days
                         FROM account_move_line aml
                        WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
                          AND aml.reconciled IS NOT TRUE AND aml.amount_residual != 0) aml
                 JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner p ON p.id = aml.partner_id
                WHERE %(partners)s
             GROUP BY p.commercial_partner_id""",
            columns=columns,
            today=today,
            company=company.id,
            partners=SQL("p.commercial_partner_id IN %s", tuple(partner_ids) or (0,))
            if partner_ids is not None
            else SQL("TRUE"),
        )

    @api.depends_context("company")
    def _compute_stp_receivables(self):
        """All figures of all of ``self`` (a page of partners) in one grouped query."""
        today = fields.Date.context_today(self)
        self.env.cr.execute(self._stp_receivable_query(self.env.company, today, self.commercial_partner_id.ids))
        rows = {row["partner_id"]: row for row in self.env.cr.dictfetchall()}
        for partner in self:
            row = rows.get(partner.commercial_partner_id.id, {})
            for name in RECEIVABLE_BUCKETS:
                partner[name] = row.get(name) or 0.0

    @api.model
    def _stp_receivable_domain(self, name, operator, value):
        """Partners (and their contacts) whose figure ``name`` compares to ``value``."""
        if not self.env.su and not self.env.user.has_groups(INVOICING_READ):
            # A search is a read: who owes what stays with accounting readers.
            raise AccessError(self.env._("Only users with invoicing or accounting read rights may search receivables."))
        compare = SEARCH_OPERATORS.get(operator)
        if compare is None or not isinstance(value, int | float) or isinstance(value, bool):
            raise UserError(self.env._("Receivable amounts can only be compared with a number (=, !=, <, <=, >, >=)."))
        query = self._stp_receivable_query(self.env.company, fields.Date.context_today(self))
        matching = SQL(
            "(SELECT r.partner_id FROM (%s) r WHERE %s)",
            query,
            SQL("ROUND(r.%s, 6) %s %s", SQL.identifier(name), SQL(operator), value),
        )
        if not compare(0, value):
            return [("commercial_partner_id", "in", matching)]
        # Partners without open receivables have 0 too.
        with_lines = SQL("(SELECT r.partner_id FROM (%s) r)", query)
        return ["|", ("commercial_partner_id", "not in", with_lines), ("commercial_partner_id", "in", matching)]

    @api.readonly
    def action_stp_open_receivables(self):
        """The customer's open receivable journal items (current company)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all_a")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {"create": 0}
        return action

    # ------------------------------------------------------------------
    # Dunning: a work plan for the salesperson, once per overdue episode
    # ------------------------------------------------------------------
    @api.model
    def _stp_overdue_partners_query(self, company):
        """SQL of the commercial partners with something overdue in ``company`` today."""
        return SQL(
            "(SELECT r.partner_id FROM (%s) r WHERE ROUND(r.stp_receivable_overdue, 6) > 0)",
            self._stp_receivable_query(company, fields.Date.context_today(self)),
        )

    @api.model
    def _stp_dunning_pending_domain(self, company):
        """Commercial partners with something overdue in ``company`` and no open
        dunning episode there (no dunning plan of a running episode)."""
        overdue = self._stp_overdue_partners_query(company)
        self.env["stp.crm.work.plan"].flush_model(["partner_id", "company_id", "stp_dunning_open"])
        episodes = SQL(
            "(SELECT partner_id FROM stp_crm_work_plan WHERE stp_dunning_open AND company_id = %s)", company.id
        )
        return [("id", "in", overdue), ("id", "not in", episodes)]

    def _stp_start_dunning(self, company):
        """Open an overdue episode for each partner of ``self`` in ``company``: a work plan
        'collect the overdue receivables' for its salesperson (else the company's CRM
        manager for collections), due in a few days. Its text names no amount: who owes
        what stays in the receivable fields, for invoicing readers."""
        deadline = fields.Datetime.now() + timedelta(days=DUNNING_DEADLINE_DAYS)
        collector = company._stp_collections_user()
        self.env["stp.crm.work.plan"].sudo().with_company(company).create(
            [
                {
                    **partner._stp_dunning_texts(company),
                    "partner_id": partner.id,
                    "user_id": (partner.user_id if company in partner.user_id.company_ids else collector).id,
                    "company_id": company.id,
                    "is_urgent": True,
                    "is_important": True,
                    "date_deadline": deadline,
                    "stp_dunning_open": True,
                }
                for partner in self.with_company(company)
            ]
        )

    def _stp_dunning_texts(self, company):
        """Name and description of the partner's dunning plan, in the partner's language
        (else the company's): the cron has no reader to take it from."""
        self.ensure_one()
        env = for_reader(self, self, company).env
        return {
            "name": env._("Collect overdue receivables: %(customer)s", customer=self.name),
            "description": env._(
                "Some invoices of this customer are past due: see the Receivables tab of the customer "
                "and agree on a payment date."
            ),
        }

    @api.model
    def _stp_close_dunning_episodes(self):
        """An episode ends when nothing of the customer is overdue any more in its company:
        one UPDATE of the open episodes' plans per company."""
        plans = self.env["stp.crm.work.plan"]
        plans.flush_model(["stp_dunning_open"])
        for company in self.env["res.company"]._stp_all_companies():
            overdue = self._stp_overdue_partners_query(company)
            self.env.cr.execute(
                SQL(
                    """UPDATE stp_crm_work_plan SET stp_dunning_open = FALSE
                        WHERE stp_dunning_open AND company_id = %s AND partner_id NOT IN %s""",
                    company.id,
                    overdue,
                )
            )
        plans.invalidate_model(["stp_dunning_open"])

    @api.model
    def _cron_stp_dunning(self, batch_size=DUNNING_BATCH_SIZE):
        """Daily: close the episodes of customers who paid, then give the salesperson of
        each newly overdue customer one work plan; one batch per call."""
        partners = self.sudo()
        partners._stp_close_dunning_episodes()
        steps = [
            (
                partners._stp_dunning_pending_domain(company),
                lambda batch, company=company: batch._stp_start_dunning(company),
            )
            for company in self.env["res.company"]._stp_all_companies()
        ]
        return run_batch(partners, steps, batch_size, "_cron_stp_dunning")
