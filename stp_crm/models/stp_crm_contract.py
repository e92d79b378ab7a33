from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from .cron_batch import run_batch

CONTRACT_SEQUENCE_CODE = "stp.crm.contract"
EXPIRY_BATCH_SIZE = 500
STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
]


class StpCrmContract(models.Model):
    _name = "stp.crm.contract"
    _description = "Contract"
    _inherit = ["mail.thread", "mail.activity.mixin", "stp.crm.input.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["number", "name"]

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
    partner_id = fields.Many2one(
        "res.partner", string="Partner", index=True, tracking=True, check_company=True, ondelete="restrict"
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Commercial Partner", store=True, index="btree_not_null"
    )
    employee_id = fields.Many2one(
        "hr.employee",
        string="Employee",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The employee who carries out the contract.",
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Department",
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
    date_signed = fields.Date(string="Signing Date", tracking=True, copy=False)
    date_start = fields.Date(
        string="Start Date", required=True, default=fields.Date.context_today, index=True, tracking=True
    )
    date_end = fields.Date(string="End Date", index=True, tracking=True)
    currency_id = fields.Many2one(
        "res.currency",
        string="Currency",
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
    project_id = fields.Many2one(
        "project.project", string="Project", index="btree_not_null", tracking=True, check_company=True
    )
    previous_contract_id = fields.Many2one(
        "stp.crm.contract",
        string="Previous Contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The contract this one renews.",
    )
    renewal_ids = fields.One2many("stp.crm.contract", "previous_contract_id", string="Renewals")
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company
    )
    expiry_alert_sent = fields.Boolean(
        string="Expiry Alert Sent",
        copy=False,
        help="The responsible user has been given the 'Contract expiring' activity for the current end date.",
    )
    days_to_end = fields.Integer(string="Days to End", compute="_compute_days_to_end")
    sale_order_ids = fields.One2many("sale.order", "stp_contract_id", string="Sales Orders")
    purchase_order_ids = fields.One2many("purchase.order", "stp_contract_id", string="Purchase Orders")
    order_count = fields.Integer(string="Order Count", compute="_compute_document_counts")
    picking_count = fields.Integer(string="Transfer Count", compute="_compute_document_counts")
    invoice_count = fields.Integer(string="Invoice Count", compute="_compute_document_counts")
    amount_ordered = fields.Monetary(string="Ordered Amount", compute="_compute_order_amounts")
    amount_delivered = fields.Monetary(string="Delivered Amount", compute="_compute_order_amounts")
    amount_invoiced = fields.Monetary(string="Invoiced Amount", compute="_compute_order_amounts")
    amount_remaining = fields.Monetary(string="Remaining Amount", compute="_compute_order_amounts")

    _sql_constraints = [
        ("number_company_uniq", "unique(number, company_id)", "The contract number must be unique per company."),
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

    def _compute_document_counts(self):
        for contract in self:
            orders = contract._stp_orders()
            contract.order_count = len(orders)
            contract.picking_count = len(orders.picking_ids)
            contract.invoice_count = len(orders.invoice_ids)

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
                    _(
                        "The contract %(contract)s cannot end (%(end)s) before it starts (%(start)s).",
                        contract=contract.display_name,
                        end=contract.date_end,
                        start=contract.date_start,
                    )
                )

    @api.constrains("state", "line_ids", "partner_id")
    def _check_running_contract_complete(self):
        for contract in self.filtered(lambda c: c.state == "running"):
            if not contract.partner_id:
                raise ValidationError(_("A running contract needs a partner (%s).", contract.display_name))
            if not contract.line_ids:
                raise ValidationError(_("A running contract needs at least one line (%s).", contract.display_name))

    @api.constrains("currency_id")
    def _check_currency_active(self):
        for contract in self:
            if not contract.currency_id.active:
                raise ValidationError(
                    _(
                        "The currency %(currency)s is not active: activate it before using it on a contract.",
                        currency=contract.currency_id.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(_("Only draft contracts can be deleted: terminate the others instead."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Lines can only be added to drafts: a contract created in another state
        # is created as a draft with its lines, then moved to that state.
        states = [vals.pop("state", "draft") for vals in vals_list]
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            vals["number"] = company._stp_next_number(CONTRACT_SEQUENCE_CODE)
        contracts = super().create(vals_list)
        for contract, state in zip(contracts, states, strict=True):
            if state != "draft":
                contract.state = state
        return contracts

    def write(self, vals):
        if "date_end" in vals and "expiry_alert_sent" not in vals:
            # A new end date deserves a new alert.
            vals = dict(vals, expiry_alert_sent=False)
        return super().write(vals)

    # ------------------------------------------------------------------
    # State actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(_("Only draft contracts can be confirmed."))
        self.write({"state": "running"})
        return True

    def action_terminate(self):
        if any(contract.state not in ("running", "expired") for contract in self):
            raise UserError(_("Only running or expired contracts can be terminated."))
        self.write({"state": "terminated"})
        return True

    def action_set_draft(self):
        for contract in self:
            if contract.state == "draft":
                continue
            if contract._stp_orders().filtered(lambda order: order.state != "cancel"):
                raise UserError(
                    _(
                        "The contract %s has orders: cancel them before resetting it to draft, "
                        "or renew it to amend it.",
                        contract.display_name,
                    )
                )
        self.write({"state": "draft"})
        return True

    def action_renew(self):
        """Copy the contract into a new draft for the following period of the
        same length; amendments to a running contract go through renewals."""
        self.ensure_one()
        if self.state not in ("running", "expired"):
            raise UserError(_("Only running or expired contracts can be renewed."))
        if not self.date_end:
            raise UserError(_("Set an end date on %s before renewing it.", self.display_name))
        date_start, date_end = self._stp_next_period()
        renewal = self.copy(
            {
                "date_start": date_start,
                "date_end": date_end,
                "previous_contract_id": self.id,
            }
        )
        return renewal._stp_form_action()

    def _stp_next_period(self):
        """The period right after this one, of the same length: whole months when
        the contract covers whole months, days otherwise."""
        next_start = self.date_end + relativedelta(days=1)
        months = relativedelta(next_start, self.date_start)
        if not months.days and self.date_start.day == 1:
            step = relativedelta(years=months.years, months=months.months)
            return next_start, next_start + step - relativedelta(days=1)
        return next_start, next_start + (self.date_end - self.date_start)

    def _stp_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Sales and purchase orders
    # ------------------------------------------------------------------
    def _stp_orders(self):
        """The linked orders of the contract's type (sale or purchase)."""
        self.ensure_one()
        return self.sale_order_ids if self.contract_type == "sale" else self.purchase_order_ids

    def _stp_line_for_product(self, product):
        """The contract line an order line of ``product`` counts against."""
        self.ensure_one()
        return self.line_ids.filtered(lambda line: line.product_id == product)[:1]

    def _stp_check_order_link(self, order, contract_type):
        """An order counts against a contract of its own partner and type only."""
        self.ensure_one()
        if self.contract_type != contract_type:
            raise ValidationError(
                _(
                    "The order %(order)s cannot be linked to the %(type)s contract %(contract)s.",
                    order=order.display_name,
                    type=dict(self._fields["contract_type"]._description_selection(self.env))[self.contract_type],
                    contract=self.display_name,
                )
            )
        if self.commercial_partner_id != order.partner_id.commercial_partner_id:
            raise ValidationError(
                _(
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
            raise UserError(_("The contract %s is not of the right type for this order.", self.display_name))
        if self.state != "running":
            raise UserError(_("Confirm the contract %s before ordering from it.", self.display_name))
        lines = self.line_ids.filtered(lambda line: line.qty_remaining > 0)
        if not lines:
            raise UserError(_("Everything in the contract %s has already been ordered.", self.display_name))
        return lines

    def action_create_quotation(self):
        self.ensure_one()
        lines = self._stp_check_can_order("sale")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "pricelist_id": self._stp_sale_pricelist().id,
                "user_id": self.user_id.id,
                "origin": self.number,
                "stp_contract_id": self.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "product_uom_qty": line.qty_remaining,
                            "product_uom": line.product_id.uom_id.id,
                            "tax_id": [fields.Command.set(line.tax_ids.ids)],
                            "stp_contract_line_id": line.id,
                        }
                    )
                    for line in lines
                ],
            }
        )
        # Written after the pricelist has priced the lines, the contract price
        # counts as set by hand: changing a quantity later does not reprice it.
        for order_line in order.order_line:
            order_line.price_unit = order_line.stp_contract_line_id.price_unit
        return order.get_formview_action()

    def action_create_purchase_order(self):
        self.ensure_one()
        lines = self._stp_check_can_order("purchase")
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "user_id": self.user_id.id,
                "origin": self.number,
                "stp_contract_id": self.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "product_qty": line.qty_remaining,
                            "product_uom": line.product_id.uom_id.id,
                            "price_unit": line.price_unit,
                            "taxes_id": [fields.Command.set(line.tax_ids.ids)],
                            "stp_contract_line_id": line.id,
                        }
                    )
                    for line in lines
                ],
            }
        )
        return order.get_formview_action()

    def _stp_sale_pricelist(self):
        """A pricelist in the contract's currency: the company's first one, or a new one."""
        self.ensure_one()
        pricelist_model = self.env["product.pricelist"]
        pricelist = pricelist_model.search(
            [
                ("currency_id", "=", self.currency_id.id),
                ("company_id", "in", [self.company_id.id, False]),
            ],
            order="company_id, sequence, id",
            limit=1,
        )
        return pricelist or pricelist_model.sudo().create(
            {
                "name": _("Contracts in %s", self.currency_id.name),
                "currency_id": self.currency_id.id,
                "company_id": self.company_id.id,
            }
        ).sudo(False)

    def action_view_orders(self):
        self.ensure_one()
        if self.contract_type == "sale":
            action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
            orders = self.sale_order_ids
        else:
            action = self.env["ir.actions.act_window"]._for_xml_id("purchase.purchase_form_action")
            orders = self.purchase_order_ids
        return self._stp_records_action(action, orders)

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        return self._stp_records_action(action, self._stp_orders().picking_ids)

    def action_view_invoices(self):
        self.ensure_one()
        xmlid = (
            "account.action_move_out_invoice_type"
            if self.contract_type == "sale"
            else "account.action_move_in_invoice_type"
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        return self._stp_records_action(action, self._stp_orders().invoice_ids)

    def _stp_records_action(self, action, records):
        action["domain"] = [("id", "in", records.ids)]
        action["context"] = {"create": False}
        if len(records) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = records.id
        return action

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
        windows = [
            [
                ("company_id", "=", company.id),
                ("date_end", "<=", today + relativedelta(days=company.stp_contract_alert_days)),
            ]
            for company in self.env["res.company"].sudo().search([])
        ]
        return expression.AND(
            [
                [("state", "=", "running"), ("expiry_alert_sent", "=", False), ("date_end", ">=", today)],
                expression.OR(windows),
            ]
        )

    def _stp_expire(self):
        self.write({"state": "expired"})

    def _stp_alert_expiry(self):
        for contract in self:
            responsible = contract.user_id or contract.employee_id.user_id
            contract.activity_schedule(
                "stp_crm.mail_activity_type_contract_expiring",
                date_deadline=contract.date_end,
                summary=_(
                    "Contract %(contract)s ends on %(date)s", contract=contract.display_name, date=contract.date_end
                ),
                user_id=responsible.id or self.env.user.id,
            )
        self.write({"expiry_alert_sent": True})
