from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

from ..models.readable_records import readable_rows


class StpCrmTimeline(models.Model):
    """Every event of a customer in one read-only list: a SQL view made of one
    query per source, joined with UNION ALL.

    To add a source, ``_inherit = "stp.crm.timeline"``, extend ``event_type`` with
    ``selection_add``, write a ``_timeline_query_<source>()`` method returning an
    SQL selecting exactly these columns, in this order: ``id`` (bigint), ``partner_id``
    (commercial partner), ``date`` (timestamp), ``event_type``, ``name``, ``amount``,
    ``currency_id``, ``user_id``, ``company_id``, ``res_model`` (varchar), ``res_id``;
    add it under its source model's name in an override of ``_timeline_queries()``,
    and list the columns it reads in ``_depends``.

    Row ids are ``source_record_id * 16 + source number`` so they stay unique and
    stable. Numbers used: 1 sale order, 2 purchase order, 3 delivery, 4 invoice,
    5 interaction, 6 work plan, 7 contract, 8 ticket; a new source takes a free
    number from 9 to 15.

    A row is visible only when the user may read its source record: for users the
    table is each source's rows whose ``res_id`` is among the records
    ``env[res_model]._search([])`` returns for them, i.e. under that model's access
    rights and record rules (``_table_query``); a model the user may not read at all
    contributes no row. Every search, count, read and read_group goes through it.

    ``lead_id`` (the opportunity of an event, for its history) is not a column: it
    is read and searched through the source records' own link to their opportunity,
    given per source model by ``_timeline_lead_fields()``; a source without one is
    simply not in it.
    """

    _name = "stp.crm.timeline"
    _description = "Customer Timeline"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    # What the SQL reads: pending writes to these fields are flushed before any search.
    _depends = {
        "sale.order": [
            "name",
            "state",
            "date_order",
            "amount_total",
            "currency_id",
            "user_id",
            "company_id",
            "partner_id",
        ],
        "purchase.order": [
            "name",
            "state",
            "date_order",
            "date_approve",
            "amount_total",
            "currency_id",
            "user_id",
            "company_id",
            "partner_id",
        ],
        "stock.picking": ["name", "state", "date_done", "picking_type_id", "user_id", "company_id", "partner_id"],
        "stock.picking.type": ["code"],
        "account.move": [
            "name",
            "state",
            "move_type",
            "invoice_date",
            "amount_total_signed",
            "invoice_user_id",
            "company_id",
            "commercial_partner_id",
        ],
        "stp.crm.interaction": ["summary", "date", "user_id", "company_id", "partner_id"],
        "stp.crm.work.plan": [
            "name",
            "date_done",
            "date_deadline",
            "date_start",
            "user_id",
            "company_id",
            "partner_id",
            "lead_id",
        ],
        "stp.crm.contract": [
            "number",
            "name",
            "state",
            "date_signed",
            "date_start",
            "amount_total",
            "currency_id",
            "user_id",
            "company_id",
            "commercial_partner_id",
        ],
        "stp.crm.ticket": ["number", "name", "create_date", "user_id", "company_id", "commercial_partner_id"],
        "crm.lead": ["partner_id"],
        "res.partner": ["commercial_partner_id"],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Datetime(string="Date", readonly=True)
    event_type = fields.Selection(
        [
            ("interaction", "Interaction"),
            ("sale_order", "Sales Order"),
            ("purchase_order", "Purchase Order"),
            ("delivery", "Delivery"),
            ("invoice", "Invoice"),
            ("work_plan", "Work Plan"),
            ("contract", "Contract"),
            ("ticket", "Service Ticket"),
        ],
        string="Event Type",
        readonly=True,
    )
    name = fields.Char(string="Description", readonly=True)
    amount = fields.Monetary(string="Amount", currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    res_model = fields.Char(string="Source Model", readonly=True)
    res_id = fields.Integer(string="Source Record", readonly=True)
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        compute="_compute_lead_id",
        search="_search_lead_id",
    )

    @api.model
    def _timeline_lead_fields(self):
        """{source model: path of its opportunity}; overrides add theirs."""
        return {
            "sale.order": "opportunity_id",
            "stock.picking": "sale_id.opportunity_id",
            "stp.crm.interaction": "lead_id",
            "stp.crm.work.plan": "lead_id",
            "stp.crm.contract": "lead_id",
            "stp.crm.ticket": "lead_id",
        }

    def _compute_lead_id(self):
        lead_fields = self._timeline_lead_fields()
        self.lead_id = False
        for res_model, events in self.grouped("res_model").items():
            if res_model not in lead_fields:
                continue
            # The user may read the event's source (the table says so), not always
            # every record on the path to its opportunity (a delivery's sale order).
            sources = self.env[res_model].sudo().browse(events.mapped("res_id"))
            lead_by_source = {source.id: source.mapped(lead_fields[res_model]) for source in sources}
            for event in events:
                event.lead_id = lead_by_source[event.res_id].sudo(False)

    def _search_lead_id(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(self.env._("Search the history of opportunities with = or in."))
        domains = [
            [
                ("res_model", "=", res_model),
                (
                    "res_id",
                    "in",
                    self.env[res_model].sudo().with_context(active_test=False)._search([(path, operator, value)]),
                ),
            ]
            for res_model, path in self._timeline_lead_fields().items()
        ]
        return expression.OR(domains)

    def _timeline_queries(self):
        """{source model: the SQL of its rows}; overrides add theirs."""
        return {
            "sale.order": self._timeline_query_sale_order(),
            "purchase.order": self._timeline_query_purchase_order(),
            "stock.picking": self._timeline_query_delivery(),
            "account.move": self._timeline_query_invoice(),
            "stp.crm.interaction": self._timeline_query_interaction(),
            "stp.crm.work.plan": self._timeline_query_work_plan(),
            "stp.crm.contract": self._timeline_query_contract(),
            "stp.crm.ticket": self._timeline_query_ticket(),
        }

    def _timeline_query_sale_order(self):
        return SQL("""
            SELECT so.id::bigint * 16 + 1 AS id, p.commercial_partner_id AS partner_id,
                   so.date_order AS date, 'sale_order' AS event_type, so.name AS name,
                   so.amount_total AS amount, so.currency_id AS currency_id, so.user_id AS user_id,
                   so.company_id AS company_id, 'sale.order'::varchar AS res_model, so.id AS res_id
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale'
        """)

    def _timeline_query_purchase_order(self):
        return SQL("""
            SELECT po.id::bigint * 16 + 2 AS id, p.commercial_partner_id AS partner_id,
                   COALESCE(po.date_approve, po.date_order) AS date, 'purchase_order' AS event_type, po.name AS name,
                   po.amount_total AS amount, po.currency_id AS currency_id, po.user_id AS user_id,
                   po.company_id AS company_id, 'purchase.order'::varchar AS res_model, po.id AS res_id
              FROM purchase_order po
              JOIN res_partner p ON p.id = po.partner_id
             WHERE po.state IN ('purchase', 'done')
        """)

    def _timeline_query_delivery(self):
        return SQL("""
            SELECT sp.id::bigint * 16 + 3 AS id, p.commercial_partner_id AS partner_id,
                   sp.date_done AS date, 'delivery' AS event_type, sp.name AS name,
                   NULL::numeric AS amount, NULL::integer AS currency_id, sp.user_id AS user_id,
                   sp.company_id AS company_id, 'stock.picking'::varchar AS res_model, sp.id AS res_id
              FROM stock_picking sp
              JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
              JOIN res_partner p ON p.id = sp.partner_id
             WHERE sp.state = 'done' AND spt.code IN ('outgoing', 'incoming')
        """)

    def _timeline_query_invoice(self):
        return SQL("""
            SELECT am.id::bigint * 16 + 4 AS id, am.commercial_partner_id AS partner_id,
                   am.invoice_date::timestamp AS date, 'invoice' AS event_type, am.name AS name,
                   am.amount_total_signed AS amount, c.currency_id AS currency_id, am.invoice_user_id AS user_id,
                   am.company_id AS company_id, 'account.move'::varchar AS res_model, am.id AS res_id
              FROM account_move am
              JOIN res_company c ON c.id = am.company_id
             WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
        """)

    def _timeline_query_interaction(self):
        return SQL("""
            SELECT i.id::bigint * 16 + 5 AS id, i.partner_id AS partner_id,
                   i.date AS date, 'interaction' AS event_type, i.summary AS name,
                   NULL::numeric AS amount, NULL::integer AS currency_id, i.user_id AS user_id,
                   i.company_id AS company_id, 'stp.crm.interaction'::varchar AS res_model, i.id AS res_id
              FROM stp_crm_interaction i
        """)

    def _timeline_query_work_plan(self):
        return SQL("""
            SELECT wp.id::bigint * 16 + 6 AS id,
                   COALESCE(p.commercial_partner_id, lp.commercial_partner_id) AS partner_id,
                   COALESCE(wp.date_done, wp.date_deadline, wp.date_start, wp.create_date) AS date,
                   'work_plan' AS event_type, wp.name AS name,
                   NULL::numeric AS amount, NULL::integer AS currency_id, wp.user_id AS user_id,
                   wp.company_id AS company_id, 'stp.crm.work.plan'::varchar AS res_model, wp.id AS res_id
              FROM stp_crm_work_plan wp
              LEFT JOIN res_partner p ON p.id = wp.partner_id
              LEFT JOIN crm_lead l ON l.id = wp.lead_id
              LEFT JOIN res_partner lp ON lp.id = l.partner_id
             WHERE wp.partner_id IS NOT NULL OR l.partner_id IS NOT NULL
        """)

    def _timeline_query_contract(self):
        """Contracts once confirmed, on their signing date (else their start)."""
        return SQL("""
            SELECT c.id::bigint * 16 + 7 AS id, c.commercial_partner_id AS partner_id,
                   COALESCE(c.date_signed, c.date_start)::timestamp AS date, 'contract' AS event_type,
                   CONCAT_WS(' - ', c.number, c.name) AS name,
                   c.amount_total AS amount, c.currency_id AS currency_id, c.user_id AS user_id,
                   c.company_id AS company_id, 'stp.crm.contract'::varchar AS res_model, c.id AS res_id
              FROM stp_crm_contract c
             WHERE c.state != 'draft' AND c.commercial_partner_id IS NOT NULL
        """)

    def _timeline_query_ticket(self):
        """Service tickets, when they were opened."""
        return SQL("""
            SELECT t.id::bigint * 16 + 8 AS id, t.commercial_partner_id AS partner_id,
                   t.create_date AS date, 'ticket' AS event_type, CONCAT_WS(' - ', t.number, t.name) AS name,
                   NULL::numeric AS amount, NULL::integer AS currency_id, t.user_id AS user_id,
                   t.company_id AS company_id, 'stp.crm.ticket'::varchar AS res_model, t.id AS res_id
              FROM stp_crm_ticket t
             WHERE t.commercial_partner_id IS NOT NULL
        """)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ").join(self._timeline_queries().values()),
            )
        )

    @property
    def _table_query(self):
        # Record rules on a view cannot reach its sources' rules: for users, the
        # table is the union of the sources restricted to what they may read, so
        # search, count, read and read_group all see the same rows. The superuser
        # reads the SQL view itself.
        if self.env.su:
            return None
        return self._timeline_readable_query()

    def _timeline_readable_query(self):
        """Each source's rows whose ``res_id`` is among the records its model's
        ``_search([])`` returns (that model's access rights and record rules); a
        model the user may not read at all gives no row."""
        return SQL(" UNION ALL ").join(
            readable_rows(self.env, model_name, sql) for model_name, sql in self._timeline_queries().items()
        )

    def action_open_source(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).get_formview_action()
