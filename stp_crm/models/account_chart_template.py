from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

# The demo invoices of the main company: {xml id: (customer, type, days before today the
# invoice is dated, days before today it falls due or None (on its date), lines, paid)}.
# Lines are (product xml id or None, label, quantity, unit price in đồng).
COMPRESSOR = "stp_crm.product_demo_compressor"
MAINTENANCE = "stp_crm.product_demo_maintenance"
DEMO_INVOICES = {
    "invoice_demo_hoa_phat_1": (
        "partner_demo_hoa_phat",
        "out_invoice",
        670,
        None,
        [(COMPRESSOR, None, 3, 385e6)],
        True,
    ),
    "invoice_demo_an_khang_1": (
        "partner_demo_an_khang",
        "out_invoice",
        610,
        None,
        [(COMPRESSOR, None, 1, 385e6)],
        True,
    ),
    "invoice_demo_minh_long_1": (
        "partner_demo_minh_long",
        "out_invoice",
        425,
        None,
        [(COMPRESSOR, None, 2, 385e6)],
        True,
    ),
    "invoice_demo_hoa_phat_2": (
        "partner_demo_hoa_phat",
        "out_invoice",
        335,
        None,
        [(MAINTENANCE, None, 8, 12e6)],
        True,
    ),
    "invoice_demo_an_khang_2": (
        "partner_demo_an_khang",
        "out_invoice",
        245,
        None,
        [(MAINTENANCE, None, 4, 12e6)],
        True,
    ),
    "invoice_demo_phu_thai_1": (
        "partner_demo_phu_thai",
        "out_invoice",
        150,
        None,
        [(COMPRESSOR, None, 1, 385e6)],
        False,
    ),
    "stp_crm_demo_invoice_overdue_2": (
        "partner_demo_an_khang",
        "out_invoice",
        105,
        75,
        [(None, "Lắp đặt dây chuyền khí nén", 1, 145e6)],
        False,
    ),
    "invoice_demo_minh_long_2": (
        "partner_demo_minh_long",
        "out_invoice",
        60,
        None,
        [(MAINTENANCE, None, 2, 12e6)],
        False,
    ),
    "stp_crm_demo_invoice_overdue_1": (
        "partner_demo_hoa_phat",
        "out_invoice",
        50,
        20,
        [(None, "Bảo trì máy nén khí quý này", 3, 12e6)],
        False,
    ),
    "invoice_demo_hoa_phat_3": (
        "partner_demo_hoa_phat",
        "out_invoice",
        30,
        None,
        [(COMPRESSOR, None, 1, 385e6)],
        False,
    ),
    "invoice_demo_hoa_phat_refund": (
        "partner_demo_hoa_phat",
        "out_refund",
        28,
        None,
        [(MAINTENANCE, None, 1, 12e6)],
        False,
    ),
}
# Customers pay the paid ones this many days after the invoice date.
PAYMENT_DELAY_DAYS = 30


class AccountChartTemplate(models.AbstractModel):
    """stp_crm's demo invoices need the company's chart of accounts (its sales journal).
    A database created for a country gets that chart only once the modules of the run
    are installed (l10n_*), after stp_crm's demo data: so the invoices are made when a
    chart is loaded for the demo company, or at once from the demo data when the chart
    is already there (the generic chart of a database without country)."""

    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        result = super()._load(template_code, company, install_demo, force_create)
        env = self.env()  # loading a chart may install its module: the current registry
        if env.ref("base.module_stp_crm").demo:
            env["account.chart.template"]._stp_load_demo_invoices(env["res.company"].browse(company.id))
        return result

    @api.model
    def _stp_load_demo_invoices(self, company=None):
        """Create and post the demo invoices of the main company that are missing (once:
        each has its xml id), and pay the old ones. Nothing before the company has a
        sales journal, nor for another company."""
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        company = company or main_company
        if not company or company != main_company:
            return
        Move = self.env["account.move"].with_company(company).with_context(allowed_company_ids=company.ids)
        if not self.env["account.journal"].search_count(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1
        ):
            return
        missing = [
            xml_id for xml_id in DEMO_INVOICES if not self.env.ref(f"stp_crm.{xml_id}", raise_if_not_found=False)
        ]
        if not missing:
            return
        self._stp_link_demo_bank_account(company)
        today = fields.Date.context_today(self)
        moves = Move._load_records(
            [
                {
                    "xml_id": f"stp_crm.{xml_id}",
                    "values": self._stp_demo_invoice_values(xml_id, today),
                    "noupdate": True,
                }
                for xml_id in missing
            ]
        )
        moves.action_post()
        for move, xml_id in zip(moves, missing, strict=True):
            if DEMO_INVOICES[xml_id][5]:
                self._stp_pay_demo_invoice(move, move.invoice_date + relativedelta(days=PAYMENT_DELAY_DAYS))

    @api.model
    def _stp_demo_invoice_values(self, xml_id, today):
        partner, move_type, dated, due, lines, _paid = DEMO_INVOICES[xml_id]
        invoice_date = today - relativedelta(days=dated)
        return {
            "move_type": move_type,
            "partner_id": self.env.ref(f"stp_crm.{partner}").id,
            "invoice_date": invoice_date,
            "invoice_date_due": today - relativedelta(days=due) if due is not None else invoice_date,
            "invoice_line_ids": [
                Command.create(
                    {
                        **({"product_id": self.env.ref(product).id} if product else {"name": label}),
                        "quantity": quantity,
                        "price_unit": price,
                        "tax_ids": [Command.clear()],
                    }
                )
                for product, label, quantity, price in lines
            ],
        }

    @api.model
    def _stp_pay_demo_invoice(self, move, payment_date):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"payment_date": payment_date}
        ).action_create_payments()

    @api.model
    def _stp_link_demo_bank_account(self, company):
        """The demo company's bank account on its first bank journal without one (invoices
        print the journal's account)."""
        bank_account = self.env.ref("stp_crm.res_partner_bank_demo_main_company", raise_if_not_found=False)
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(company),
                ("type", "=", "bank"),
                ("bank_account_id", "=", False),
            ],
            limit=1,
        )
        if bank_account and journal and bank_account.partner_id == company.partner_id:
            journal.bank_account_id = bank_account
