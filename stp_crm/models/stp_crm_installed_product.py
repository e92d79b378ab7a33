from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.serials import check_serial_of_product


class StpCrmInstalledProduct(models.Model):
    _name = "stp.crm.installed.product"
    _description = "Installed Product"
    _inherit = ["mail.thread", "mail.activity.mixin", "stp.crm.input.mixin", "stp.crm.guarded.mixin"]
    _order = "install_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    product_id = fields.Many2one("product.product", required=True, index=True, tracking=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    install_date = fields.Date(
        string="Installation Date",
        compute="_compute_install_date",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="The day its delivery was validated, for serials recorded by a delivery.",
    )
    location = fields.Char(help="Where the product is installed.")
    state = fields.Selection(
        [
            ("running", "Running"),
            ("maintenance", "Under Maintenance"),
            ("faulty", "Faulty"),
            ("retired", "Retired"),
        ],
        string="Status",
        default="running",
        required=True,
        index=True,
        tracking=True,
    )
    warranty_end_date = fields.Date(
        compute="_compute_warranty_end_date",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        help="The installation date plus the product's warranty months; can be changed by hand "
        "(an extended warranty). Service tickets of this serial read it from here.",
    )
    note = fields.Text(string="Notes")
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", readonly=True, index="btree_not_null", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    @api.depends("product_id", "lot_id", "partner_id")
    def _compute_display_name(self):
        for installed in self:
            name = installed.product_id.display_name or ""
            if installed.lot_id:
                name = f"{name} ({installed.lot_id.name})"
            installed.display_name = name

    @api.depends("picking_id.date_done")
    def _compute_install_date(self):
        for installed in self:
            if installed.picking_id.date_done:
                installed.install_date = fields.Date.context_today(installed, installed.picking_id.date_done)
            elif not installed.install_date:
                installed.install_date = fields.Date.context_today(installed)

    @api.depends("install_date", "product_id.stp_warranty_months")
    def _compute_warranty_end_date(self):
        """The one computation of a warranty end: installation (delivery) date + the product's months."""
        for installed in self:
            months = installed.product_id.stp_warranty_months
            if installed.install_date and months:
                installed.warranty_end_date = installed.install_date + relativedelta(months=months)
            else:
                installed.warranty_end_date = False

    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        check_serial_of_product(self)

    @api.constrains("install_date", "warranty_end_date")
    def _check_dates(self):
        for installed in self:
            if (
                installed.install_date
                and installed.warranty_end_date
                and installed.warranty_end_date < installed.install_date
            ):
                raise ValidationError(self.env._("The warranty cannot end before the product is installed."))
