import dataclasses

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.readable_records import readable_row_condition


@dataclasses.dataclass(frozen=True)
class TimelineSource:
    """One source of the timeline: the SQL of its rows' columns over ``from_``, whose
    table ``alias`` gives each row's ``res_id`` and ``company_id``. ``amount`` and
    ``currency_id`` default to none."""

    number: int
    event_type: str
    alias: str
    from_: SQL
    partner_id: SQL
    date: SQL
    name: SQL
    user_id: SQL
    where: SQL = dataclasses.field(default_factory=lambda: SQL("TRUE"))
    amount: SQL = dataclasses.field(default_factory=lambda: SQL("NULL::numeric"))
    currency_id: SQL = dataclasses.field(default_factory=lambda: SQL("NULL::integer"))

    def query(self, res_model, readable=None):
        """The SELECT of this source's rows, with the timeline's columns in order; ``readable``:
        an SQL condition on the row under ``alias`` added to ``where`` (the user's access)."""
        return SQL(
            """
            SELECT %(res_id)s::bigint * 16 + %(number)s AS id, %(partner_id)s AS partner_id,
                   %(date)s AS date, %(event_type)s::varchar AS event_type, %(name)s AS name,
                   %(amount)s AS amount, %(currency_id)s AS currency_id, %(user_id)s AS user_id,
                   %(company_id)s AS company_id, %(res_model)s::varchar AS res_model, %(res_id)s AS res_id
              FROM %(from_)s
             WHERE (%(where)s) AND (%(readable)s)
            """,
            res_id=SQL.identifier(self.alias, "id"),
            number=self.number,
            partner_id=self.partner_id,
            date=self.date,
            event_type=self.event_type,
            name=self.name,
            amount=self.amount,
            currency_id=self.currency_id,
            user_id=self.user_id,
            company_id=SQL.identifier(self.alias, "company_id"),
            res_model=res_model,
            from_=self.from_,
            where=self.where,
            readable=readable or SQL("TRUE"),
        )


class StpCrmTimeline(models.Model):
    """Every event of a customer in one read-only list: one SELECT per source,
    joined with UNION ALL, built the way ``sale.report`` builds its query: each
    source declares its pieces (a ``TimelineSource``: FROM, WHERE and the SQL of
    each column), one ``_query()`` assembles them.

    To add a source, ``_inherit = "stp.crm.timeline"``, extend ``event_type`` with
    ``selection_add``, add a ``TimelineSource`` under its source model's name in an
    override of ``_timeline_sources()``, and list the columns it reads in ``_depends``.

    Row ids are ``source_record_id * 16 + source number`` so they stay unique and
    stable. Numbers used: 1 sale order, 2 purchase order, 3 delivery, 4 invoice,
    5 interaction, 6 work plan, 7 contract, 8 ticket; a new source takes a free
    number from 9 to 15.

    A row is visible only when the user may read its source record: for users the
    table is each source's rows among the records ``env[res_model]._search([])``
    returns for them, i.e. under that model's access rights and record rules
    (``_table_query``); a model the user may not read at all contributes no row.
    Every search, count, read and read_group goes through it. The rules are a
    condition on the source's row under its ``alias`` in the source's branch
    (``readable_row_condition``), so each branch reads its table once, through the
    index of the customer column PostgreSQL pushes the customer filter onto: every
    source's customer column is indexed (invoices, work plans, contracts, tickets:
    their ``commercial_partner_id``; orders, deliveries, campaign lines through
    ``res_partner.commercial_partner_id`` and their own ``partner_id``).

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
            "commercial_partner_id",
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
        "stp.crm.ticket": [
            "number",
            "name",
            "create_date",
            "user_id",
            "company_id",
            "commercial_partner_id",
            "merged_into_id",
        ],
        "res.partner": ["commercial_partner_id"],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Datetime(readonly=True)
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
        readonly=True,
    )
    name = fields.Char(string="Description", readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
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

    @api.model
    def _timeline_sources(self):
        """{source model: its ``TimelineSource``}; overrides add theirs."""
        return {
            "sale.order": TimelineSource(
                number=1,
                event_type="sale_order",
                alias="so",
                from_=SQL("sale_order so JOIN res_partner p ON p.id = so.partner_id"),
                where=SQL("so.state = 'sale'"),
                partner_id=SQL("p.commercial_partner_id"),
                date=SQL("so.date_order"),
                name=SQL("so.name"),
                amount=SQL("so.amount_total"),
                currency_id=SQL("so.currency_id"),
                user_id=SQL("so.user_id"),
            ),
            "purchase.order": TimelineSource(
                number=2,
                event_type="purchase_order",
                alias="po",
                from_=SQL("purchase_order po JOIN res_partner p ON p.id = po.partner_id"),
                where=SQL("po.state IN ('purchase', 'done')"),
                partner_id=SQL("p.commercial_partner_id"),
                date=SQL("COALESCE(po.date_approve, po.date_order)"),
                name=SQL("po.name"),
                amount=SQL("po.amount_total"),
                currency_id=SQL("po.currency_id"),
                user_id=SQL("po.user_id"),
            ),
            "stock.picking": TimelineSource(
                number=3,
                event_type="delivery",
                alias="sp",
                from_=SQL("""stock_picking sp
                         JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                         JOIN res_partner p ON p.id = sp.partner_id"""),
                where=SQL("sp.state = 'done' AND spt.code IN ('outgoing', 'incoming')"),
                partner_id=SQL("p.commercial_partner_id"),
                date=SQL("sp.date_done"),
                name=SQL("sp.name"),
                user_id=SQL("sp.user_id"),
            ),
            "account.move": TimelineSource(
                number=4,
                event_type="invoice",
                alias="am",
                from_=SQL("account_move am JOIN res_company c ON c.id = am.company_id"),
                where=SQL("am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')"),
                partner_id=SQL("am.commercial_partner_id"),
                date=SQL("am.invoice_date::timestamp"),
                name=SQL("am.name"),
                # Signed and in company currency: refunds count negative.
                amount=SQL("am.amount_total_signed"),
                currency_id=SQL("c.currency_id"),
                user_id=SQL("am.invoice_user_id"),
            ),
            "stp.crm.interaction": TimelineSource(
                number=5,
                event_type="interaction",
                alias="i",
                from_=SQL("stp_crm_interaction i"),
                partner_id=SQL("i.partner_id"),
                date=SQL("i.date"),
                name=SQL("i.summary"),
                user_id=SQL("i.user_id"),
            ),
            "stp.crm.work.plan": TimelineSource(
                number=6,
                event_type="work_plan",
                alias="wp",
                # A plan about an opportunity belongs to the opportunity's customer.
                from_=SQL("stp_crm_work_plan wp"),
                where=SQL("wp.commercial_partner_id IS NOT NULL"),
                partner_id=SQL("wp.commercial_partner_id"),
                date=SQL("COALESCE(wp.date_done, wp.date_deadline, wp.date_start, wp.create_date)"),
                name=SQL("wp.name"),
                user_id=SQL("wp.user_id"),
            ),
            "stp.crm.contract": TimelineSource(
                number=7,
                event_type="contract",
                alias="c",
                # Contracts once confirmed, on their signing date (else their start).
                from_=SQL("stp_crm_contract c"),
                where=SQL("c.state != 'draft' AND c.commercial_partner_id IS NOT NULL"),
                partner_id=SQL("c.commercial_partner_id"),
                date=SQL("COALESCE(c.date_signed, c.date_start)::timestamp"),
                name=SQL("CONCAT_WS(' - ', c.number, c.name)"),
                amount=SQL("c.amount_total"),
                currency_id=SQL("c.currency_id"),
                user_id=SQL("c.user_id"),
            ),
            "stp.crm.ticket": TimelineSource(
                number=8,
                event_type="ticket",
                alias="t",
                # Service tickets, when they were opened; a merged duplicate is its target's.
                from_=SQL("stp_crm_ticket t"),
                where=SQL("t.commercial_partner_id IS NOT NULL AND t.merged_into_id IS NULL"),
                partner_id=SQL("t.commercial_partner_id"),
                date=SQL("t.create_date"),
                name=SQL("CONCAT_WS(' - ', t.number, t.name)"),
                user_id=SQL("t.user_id"),
            ),
        }

    @property
    def _table_query(self):
        # Record rules on a SQL view cannot reach its sources' rules: for users, the
        # table is the union of the sources restricted to what they may read, so
        # search, count, read and read_group all see the same rows; the superuser
        # reads every source's rows.
        return self._query()

    def _query(self):
        """The union of every source's rows; for users, each source's rows whose
        ``res_id`` is among the records its model's ``_search([])`` returns (that
        model's access rights and record rules); a model the user may not read at
        all gives no row."""
        # The access condition goes inside each source's WHERE, on its own table's row (not
        # as a semi-join on the union's res_id): PostgreSQL then pushes the customer filter
        # and the record rules into each branch and reads each source table once.
        return SQL(" UNION ALL ").join(
            source.query(model_name, readable_row_condition(self.env, model_name, source.alias))
            for model_name, source in self._timeline_sources().items()
        )

    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        # The fields the record rules read come with the page. Fetched afterwards by id (the
        # access check of the read), they would make PostgreSQL compute every source's rows:
        # a row's id is an expression of its source's id, which no index serves.
        rule_fields = self._stp_rule_fields()
        field_names = [*field_names, *(name for name in rule_fields if name not in field_names)]
        return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)

    @api.model
    def _stp_rule_fields(self):
        """Fields of the timeline that its record rules (for the current user) read."""
        domain = self.env["ir.rule"]._compute_domain(self._name, "read") or []
        return {
            leaf[0].split(".")[0]
            for leaf in domain
            if isinstance(leaf, list | tuple) and isinstance(leaf[0], str) and leaf[0].split(".")[0] in self._fields
        }

    def action_open_source(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).get_formview_action()
