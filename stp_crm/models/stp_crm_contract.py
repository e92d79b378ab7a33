from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools.misc import format_date

from ..tools.cron_batch import run_batch
from ..tools.reader_lang import for_reader
from .stp_crm_contract_order_mixin import ORDER_FLOWS

EXPIRY_BATCH_SIZE = 500
STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
]
# Frozen once the contract leaves draft: amendments go through a renewal.
DRAFT_ONLY_FIELDS = ("partner_id", "currency_id", "contract_type", "company_id")


class StpCrmContract(models.Model):
    _name = "stp.crm.contract"
    _description = "Contract"
    _inherit = ["stp.crm.interaction.source", "mail.activity.mixin", "stp.crm.input.mixin", "stp.crm.guarded.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["number", "name"]
    # number, commercial_partner_id, previous_contract_id: stored read-only, set by the code
    _stp_state_field = "state"
    _stp_frozen_fields = dict.fromkeys(("running", "expired", "terminated"), DRAFT_ONLY_FIELDS)

    number = fields.Char(string="Contract Number", readonly=True, copy=False, index="trigram")
    name = fields.Char(string="Contract Name", required=True, tracking=True)
    contract_type = fields.Selection(
        [("sale", "Sale"), ("purchase", "Purchase")],
        string="Type",
        required=True,
        default="sale",
        index=True,
        tracking=True,
    )
    partner_id = fields.Many2one("res.partner", index=True, tracking=True, check_company=True, ondelete="restrict")
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Commercial Partner", store=True, index="btree_not_null"
    )
    employee_id = fields.Many2one(
        "hr.employee",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The employee who carries out the contract.",
    )
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The department that carries out the contract; defaults to the employee's.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Salesperson (sale contract) or buyer (purchase contract).",
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index="btree_not_null", tracking=True, check_company=True, copy=False
    )
    date_signed = fields.Date(string="Signing Date", tracking=True, copy=False)
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today, index=True, tracking=True
    )
    date_end = fields.Date(string="End Date", index=True, tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    line_ids = fields.One2many("stp.crm.contract.line", "contract_id", string="Lines", copy=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", compute="_compute_amounts", store=True, tracking=True)
    amount_tax = fields.Monetary(string="Taxes", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True, tracking=True)
    amount_total_company = fields.Monetary(
        string="Total (Company Currency)",
        compute="_compute_amount_total_company",
        store=True,
        currency_field="company_currency_id",
        help="The total converted at the rate of the signing date (today while unsigned).",
    )
    state = fields.Selection(
        STATES, string="Status", required=True, default="draft", index=True, tracking=True, copy=False
    )
    note = fields.Html(string="Notes")
    project_id = fields.Many2one("project.project", index="btree_not_null", tracking=True, check_company=True)
    previous_contract_id = fields.Many2one(
        "stp.crm.contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The contract this one renews.",
    )
    renewal_ids = fields.One2many("stp.crm.contract", "previous_contract_id", string="Renewals")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    expiry_alert_sent = fields.Boolean(
        copy=False,
        help="The responsible user has been given the 'Contract expiring' activity for the current end date.",
    )
    days_to_end = fields.Integer(string="Days to End", compute="_compute_days_to_end")
    is_expiring_soon = fields.Boolean(
        string="Expiring Soon",
        compute="_compute_is_expiring_soon",
        search="_search_is_expiring_soon",
        help="Running and ending within the alert window of its company (Settings, contract expiry alert).",
    )
    sale_order_ids = fields.One2many("sale.order", "stp_contract_id", string="Sales Orders")
    purchase_order_ids = fields.One2many("purchase.order", "stp_contract_id", string="Purchase Orders")
    order_count = fields.Integer(compute="_compute_document_counts")
    picking_count = fields.Integer(string="Transfer Count", compute="_compute_document_counts")
    invoice_count = fields.Integer(compute="_compute_document_counts")
    amount_ordered = fields.Monetary(string="Ordered Amount", compute="_compute_order_amounts")
    amount_delivered = fields.Monetary(string="Delivered Amount", compute="_compute_order_amounts")
    amount_invoiced = fields.Monetary(string="Invoiced Amount", compute="_compute_order_amounts")
    amount_remaining = fields.Monetary(string="Remaining Amount", compute="_compute_order_amounts")

    _sql_constraints = [
        ("number_company_uniq", "unique(number, company_id)", "The contract number must be unique per company."),
        ("previous_contract_uniq", "unique(previous_contract_id)", "A contract can be renewed only once."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("number", "name")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = " - ".join(filter(None, [contract.number, contract.name]))

    @api.depends("employee_id")
    def _compute_department_id(self):
        for contract in self:
            if contract.employee_id.department_id:
                contract.department_id = contract.employee_id.department_id

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        for contract in self:
            contract.amount_untaxed = sum(contract.line_ids.mapped("price_subtotal"))
            contract.amount_total = sum(contract.line_ids.mapped("price_total"))
            contract.amount_tax = contract.amount_total - contract.amount_untaxed

    @api.depends("amount_total", "currency_id", "company_id", "date_signed")
    def _compute_amount_total_company(self):
        today = fields.Date.context_today(self)
        for contract in self:
            contract.amount_total_company = contract.currency_id._convert(
                contract.amount_total,
                contract.company_id.currency_id,
                contract.company_id,
                contract.date_signed or today,
            )

    @api.depends("date_end")
    @api.depends_context("tz")
    def _compute_days_to_end(self):
        today = fields.Date.context_today(self)
        for contract in self:
            contract.days_to_end = (contract.date_end - today).days if contract.date_end else 0

    @api.depends("state", "date_end", "company_id.stp_contract_alert_days")
    @api.depends_context("tz")
    def _compute_is_expiring_soon(self):
        today = fields.Date.context_today(self)
        for contract in self:
            window_end = today + relativedelta(days=contract.company_id.stp_contract_alert_days)
            contract.is_expiring_soon = (
                contract.state == "running" and bool(contract.date_end) and contract.date_end <= window_end
            )

    def _search_is_expiring_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Expiring Soon."))
        domain = expression.AND(
            [
                [("state", "=", "running"), ("date_end", "!=", False)],
                self._stp_alert_window_domain(fields.Date.context_today(self)),
            ]
        )
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.depends_context("uid")
    def _compute_document_counts(self):
        """Counts of the documents the user may read: a CRM user without Sales, Purchase,
        Inventory or Invoicing rights sees no button instead of an access error."""
        can_read_pickings = self.env["stock.picking"].has_access("read")
        can_read_invoices = self.env["account.move"].has_access("read")
        for contract in self:
            orders = contract._stp_readable_orders()
            contract.order_count = len(orders)
            contract.picking_count = len(orders.picking_ids) if can_read_pickings else 0
            contract.invoice_count = len(orders.invoice_ids) if can_read_invoices else 0

    @api.depends("line_ids.qty_ordered", "line_ids.qty_delivered", "line_ids.qty_invoiced", "line_ids.price_total")
    def _compute_order_amounts(self):
        for contract in self:
            figures = {"ordered": 0.0, "delivered": 0.0, "invoiced": 0.0, "remaining": 0.0}
            for line in contract.line_ids:
                unit_total = line.price_total / line.quantity if line.quantity else 0.0
                figures["ordered"] += line.qty_ordered * unit_total
                figures["delivered"] += line.qty_delivered * unit_total
                figures["invoiced"] += line.qty_invoiced * unit_total
                figures["remaining"] += line.qty_remaining * unit_total
            currency = contract.currency_id
            contract.amount_ordered = currency.round(figures["ordered"])
            contract.amount_delivered = currency.round(figures["delivered"])
            contract.amount_invoiced = currency.round(figures["invoiced"])
            contract.amount_remaining = currency.round(figures["remaining"])

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for contract in self:
            if contract.date_end and contract.date_end < contract.date_start:
                raise ValidationError(
                    self.env._(
                        "The contract %(contract)s cannot end (%(end)s) before it starts (%(start)s).",
                        contract=contract.display_name,
                        end=format_date(self.env, contract.date_end),
                        start=format_date(self.env, contract.date_start),
                    )
                )

    @api.constrains("state", "line_ids", "partner_id")
    def _check_running_contract_complete(self):
        for contract in self.filtered(lambda c: c.state == "running"):
            if not contract.partner_id:
                raise ValidationError(self.env._("A running contract needs a partner (%s).", contract.display_name))
            if not contract.line_ids:
                raise ValidationError(
                    self.env._("A running contract needs at least one line (%s).", contract.display_name)
                )

    @api.constrains("currency_id")
    def _check_currency_active(self):
        for contract in self:
            if not contract.currency_id.active:
                raise ValidationError(
                    self.env._(
                        "The currency %(currency)s is not active: activate it before using it on a contract.",
                        currency=contract.currency_id.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        # CRM users have no delete right on contracts at all (ir.model.access): managers only.
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only draft contracts can be deleted: terminate the others instead."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Lines can only be added to drafts: a contract is created as a draft with its
        # lines; one asked for as running is then confirmed by the Confirm action.
        # Odoo runs a request again with the same arguments after a concurrency error: the
        # caller's values stay as given (their number and state are set and taken here).
        vals_list = [dict(vals) for vals in vals_list]
        self._stp_check_guarded_create(vals_list)
        states = [vals.pop("state", "draft") for vals in vals_list]
        if set(states) - {"draft", "running"}:
            raise UserError(self.env._("A contract is created as a draft (or running, to confirm it at once)."))
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            vals["number"] = company._stp_next_number("stp.crm.contract")
        contracts = super(StpCrmContract, self._stp_system()).create(vals_list).with_env(self.env)
        running = [contract.id for contract, state in zip(contracts, states, strict=True) if state == "running"]
        contracts.browse(running).action_confirm()
        return contracts

    def write(self, vals):
        if "date_end" in vals and "expiry_alert_sent" not in vals:
            # A new end date deserves a new alert.
            vals = dict(vals, expiry_alert_sent=False)
        return super().write(vals)

    @api.model
    def _stp_state_refused_message(self):
        return self.env._(
            "The status of a contract changes only through its actions: "
            "Confirm, Terminate, Reset to Draft (and expiry at the end date)."
        )

    def _stp_frozen_refused_message(self, labels):
        """Partner, currency, type and company are those signed: amendments go through a renewal."""
        return self.env._(
            "%(fields)s of the contract %(contract)s can only change while it is a draft: "
            "renew it to amend it, or reset it to draft.",
            fields=labels,
            contract=self.display_name,
        )

    # ------------------------------------------------------------------
    # State actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only draft contracts can be confirmed."))
        self._stp_set_state("running")
        return True

    def action_terminate(self):
        if any(contract.state not in ("running", "expired") for contract in self):
            raise UserError(self.env._("Only running or expired contracts can be terminated."))
        self._stp_set_state("terminated")
        return True

    def action_set_draft(self):
        for contract in self:
            if contract.state == "draft":
                continue
            # sudo: orders the user has no right to read still hold the contract
            if contract.sudo()._stp_orders().filtered(lambda order: order.state != "cancel"):
                raise UserError(
                    self.env._(
                        "The contract %s has orders: cancel them before resetting it to draft, "
                        "or renew it to amend it.",
                        contract.display_name,
                    )
                )
        self._stp_set_state("draft")
        return True

    def action_renew(self):
        """Copy the contract into a new draft for the following period of the
        same length; amendments to a running contract go through renewals.
        A contract is renewed once: renewing it again opens its renewal."""
        self.ensure_one()
        # sudo: the renewal may be carried out by someone this user cannot see the contracts of
        renewal = self.sudo().renewal_ids[:1]
        if renewal:
            return renewal.with_env(self.env).get_formview_action()
        if self.state not in ("running", "expired"):
            raise UserError(self.env._("Only running or expired contracts can be renewed."))
        if not self.date_end:
            raise UserError(self.env._("Set an end date on %s before renewing it.", self.display_name))
        date_start, date_end = self._stp_next_period()
        renewal = self._stp_system().copy(
            {
                "date_start": date_start,
                "date_end": date_end,
                "previous_contract_id": self.id,
            }
        )
        return renewal.with_env(self.env).get_formview_action()

    def _stp_next_period(self):
        """The period right after this one, of the same length: whole months when
        the contract covers whole months, days otherwise."""
        next_start = self.date_end + relativedelta(days=1)
        months = relativedelta(next_start, self.date_start)
        if not months.days and self.date_start.day == 1:
            step = relativedelta(years=months.years, months=months.months)
            return next_start, next_start + step - relativedelta(days=1)
        return next_start, next_start + (self.date_end - self.date_start)

    # ------------------------------------------------------------------
    # Sales and purchase orders
    # ------------------------------------------------------------------
    def _stp_orders(self):
        """The linked orders of the contract's type (sale or purchase)."""
        self.ensure_one()
        return self[ORDER_FLOWS[self.contract_type].orders_field]

    def _stp_readable_orders(self):
        """The linked orders, or none for a user who may not read orders of that type."""
        self.ensure_one()
        orders = self.env[ORDER_FLOWS[self.contract_type].order_model]
        return self._stp_orders() if orders.has_access("read") else orders

    def _stp_line_for_product(self, product):
        """The contract line an order line of ``product`` counts against."""
        self.ensure_one()
        return self.line_ids.filtered(lambda line: line.product_id == product)[:1]

    def _stp_check_order_link(self, order):
        """An order counts against a contract of its own partner and type only."""
        self.ensure_one()
        if self.contract_type != order._stp_contract_type:
            raise ValidationError(
                self.env._(
                    "The order %(order)s cannot be linked to the %(type)s contract %(contract)s.",
                    order=order.display_name,
                    type=dict(self._fields["contract_type"]._description_selection(self.env))[self.contract_type],
                    contract=self.display_name,
                )
            )
        if self.commercial_partner_id != order.partner_id.commercial_partner_id:
            raise ValidationError(
                self.env._(
                    "The order %(order)s is for %(order_partner)s but the contract %(contract)s is with %(partner)s.",
                    order=order.display_name,
                    order_partner=order.partner_id.commercial_partner_id.display_name,
                    contract=self.display_name,
                    partner=self.commercial_partner_id.display_name,
                )
            )

    def _stp_check_can_order(self, contract_type):
        self.ensure_one()
        if self.contract_type != contract_type:
            raise UserError(self.env._("The contract %s is not of the right type for this order.", self.display_name))
        if self.state != "running":
            raise UserError(self.env._("Confirm the contract %s before ordering from it.", self.display_name))
        lines = self.line_ids.filtered(lambda line: line.qty_remaining > 0)
        if not lines:
            raise UserError(self.env._("Everything in the contract %s has already been ordered.", self.display_name))
        return lines

    def action_create_quotation(self):
        return self._stp_create_order("sale")

    def action_create_purchase_order(self):
        return self._stp_create_order("purchase")

    def _stp_create_order(self, contract_type):
        """An order of ``contract_type`` for what is left to order; its form action."""
        self.ensure_one()
        lines = self._stp_check_can_order(contract_type)
        order = self.env[ORDER_FLOWS[contract_type].order_model]._stp_create_from_contract(self, lines)
        return order.get_formview_action()

    def action_view_orders(self):
        self.ensure_one()
        return self._stp_orders()._get_records_action(name=self.env._("Orders"), context={"create": False})

    def action_view_pickings(self):
        self.ensure_one()
        return self._stp_orders().picking_ids._get_records_action(
            name=self.env._("Transfers"), context={"create": False}
        )

    def action_view_invoices(self):
        self.ensure_one()
        orders = self._stp_orders()
        return orders.action_view_invoice(orders.invoice_ids)

    # ------------------------------------------------------------------
    # Expiry cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_stp_contract_expiry(self, batch_size=EXPIRY_BATCH_SIZE):
        """Daily: expire running contracts past their end date, then give the
        responsible user one 'Contract expiring' activity for those ending soon;
        one batch per call, ir.cron calls again while some remain."""
        today = fields.Date.context_today(self)
        steps = [
            ([("state", "=", "running"), ("date_end", "<", today)], lambda contracts: contracts._stp_expire()),
            (self._stp_expiry_alert_domain(today), lambda contracts: contracts._stp_alert_expiry()),
        ]
        return run_batch(self, steps, batch_size, "_cron_stp_contract_expiry")

    @api.model
    def _stp_expiry_alert_domain(self, today):
        """Running contracts not yet alerted that end within their company's alert window."""
        return expression.AND(
            [
                [("state", "=", "running"), ("expiry_alert_sent", "=", False), ("date_end", ">=", today)],
                self._stp_alert_window_domain(today),
            ]
        )

    @api.model
    def _stp_alert_window_domain(self, today):
        """Ending by ``today`` + the alert days of the contract's own company."""
        return expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    ("date_end", "<=", today + relativedelta(days=company.stp_contract_alert_days)),
                ]
                for company in self.env["res.company"]._stp_all_companies()
            ]
        )

    def _stp_expire(self):
        self._stp_set_state("expired")

    def _stp_alert_expiry(self):
        for contract in self:
            responsible = contract.user_id or contract.employee_id.user_id or self.env.user
            env = for_reader(contract, responsible.partner_id).env
            contract.activity_schedule(
                "stp_crm.mail_activity_type_contract_expiring",
                date_deadline=contract.date_end,
                summary=env._(
                    "Contract %(contract)s ends on %(date)s",
                    contract=contract.display_name,
                    date=format_date(env, contract.date_end),
                ),
                user_id=responsible.id,
            )
        self.write({"expiry_alert_sent": True})
