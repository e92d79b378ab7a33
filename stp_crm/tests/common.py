from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class StpCrmUsersMixin:
    """Users per STP CRM group: nobody here is a superuser."""

    @classmethod
    def _setup_stp_users(cls):
        sales_and_stock = "sales_team.group_sale_salesman,stock.group_stock_user,account.group_account_invoice"
        cls.stp_user = new_test_user(
            cls.env,
            login="stp_user",
            name="Trần Văn User",
            groups=f"stp_crm.group_stp_crm_user,{sales_and_stock}",
            company_id=cls.env.company.id,
        )
        cls.stp_user_2 = new_test_user(
            cls.env,
            login="stp_user_2",
            name="Lê Thị User Hai",
            groups=f"stp_crm.group_stp_crm_user,{sales_and_stock}",
            company_id=cls.env.company.id,
        )
        cls.stp_manager = new_test_user(
            cls.env,
            login="stp_manager",
            name="Phạm Quản Lý",
            groups=f"stp_crm.group_stp_crm_manager,{sales_and_stock}",
            company_id=cls.env.company.id,
        )
        cls.plain_employee = new_test_user(
            cls.env,
            login="plain_employee",
            name="Nhân viên thường",
            groups="base.group_user",
            company_id=cls.env.company.id,
        )


class StpCrmAccountCommon(AccountTestInvoicingCommon, StpCrmUsersMixin):
    """Invoicing fixtures (a company with a chart of accounts) plus STP CRM users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.company = cls.company_data["company"]
        cls.company.write({"stp_tier_a_threshold": 10_000.0, "stp_tier_b_threshold": 2_000.0})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Công ty Khách Hàng", "is_company": True, "stp_classification": "customer"}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Nguyễn Văn Liên Hệ", "parent_id": cls.customer.id}
        )

    @classmethod
    def _invoice(cls, partner, amount, move_type="out_invoice", company=None, currency=None, invoice_date=None):
        return cls.init_invoice(
            move_type,
            partner=partner,
            invoice_date=invoice_date or cls._today(),
            amounts=[amount],
            taxes=[],
            company=company,
            currency=currency,
            post=True,
        )

    @classmethod
    def _today(cls):
        return fields.Date.context_today(cls.env["res.partner"])
