from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class StpCrmUsersMixin:
    """Users per STP CRM group: nobody here is a superuser."""

    @classmethod
    def _setup_stp_users(cls):
        sales_and_stock = "sales_team.group_sale_salesman,stock.group_stock_user,account.group_account_invoice"
        users = {
            # attribute: (login, name, groups)
            "stp_user": ("stp_user", "Trần Văn User", f"stp_crm.group_stp_crm_user,{sales_and_stock}"),
            "stp_user_2": ("stp_user_2", "Lê Thị User Hai", f"stp_crm.group_stp_crm_user,{sales_and_stock}"),
            "stp_manager": ("stp_manager", "Phạm Quản Lý", f"stp_crm.group_stp_crm_manager,{sales_and_stock}"),
            "plain_employee": ("plain_employee", "Nhân viên thường", "base.group_user"),
        }
        for attribute, (login, name, groups) in users.items():
            user = new_test_user(cls.env, login=login, name=name, groups=groups, company_id=cls.env.company.id)
            setattr(cls, attribute, user)


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
