from contextlib import ExitStack, contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@contextmanager
def freeze_now(env, moment):
    """Freeze the clock for Python *and* for the ORM's create/write dates.

    freezegun moves ``datetime.now()``, but ``create_date``/``write_date`` come
    from the cursor's transaction time (``cr.now()``), which freezegun does not
    reach: a test that compares a creation date with a frozen one must freeze both.
    """
    moment = fields.Datetime.to_datetime(moment)
    with freeze_time(moment), patch.object(env.cr, "now", lambda: moment):
        yield


def freeze_test_clock(testcase, moment):
    """``freeze_now`` for the rest of the test: one line at the top of a test that compares dates."""
    stack = ExitStack()
    stack.enter_context(freeze_now(testcase.env, moment))
    testcase.addCleanup(stack.close)


def open_numbering_year(registry, code):
    """Commit the main company's range of this year for the documents numbered by ``code``.

    The first number of a year opens the year's range of the sequence (use_date_range); two
    transactions taking that very first number at the same instant would each open one.
    Concurrency tests are about the numbers after it, on any day the suite runs."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        sequence = env["ir.sequence"].search([("code", "=", code), ("company_id", "=", env.company.id)])
        today = fields.Date.context_today(sequence)
        if not sequence.date_range_ids.filtered(lambda years: years.date_from <= today <= years.date_to):
            sequence._create_date_range_seq(today)


def cron_call(env, xmlid, **kwargs):
    """One call of cron ``xmlid``'s method, as ir.cron makes it (with a progress record
    to report to). Returns what the call reported: ``(done, remaining)``."""
    cron, progress = env.ref(xmlid)._add_progress()
    method = cron.code.removeprefix("model.").split("(")[0]
    getattr(env[cron.model_id.model].with_context(ir_cron_progress_id=progress.id), method)(**kwargs)
    return progress.done, progress.remaining


def cron_drain(env, xmlid, max_calls=100):
    """Call cron ``xmlid`` until it reports nothing left, as ir.cron does."""
    for _call in range(max_calls):
        if not cron_call(env, xmlid)[1]:
            return
    raise AssertionError(f"{xmlid} still has work after {max_calls} calls")


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
            # The fewest rights that do the job: leaks hide behind broad test users.
            "crm_only": ("crm_only", "Đỗ Chỉ CRM", "stp_crm.group_stp_crm_user"),
            "sales_own": ("sales_own", "Vũ Bán Hàng", "stp_crm.group_stp_crm_user,sales_team.group_sale_salesman"),
            "portal_user": ("portal_user", "Khách Cổng Thông Tin", "base.group_portal"),
        }
        for attribute, (login, name, groups) in users.items():
            user = new_test_user(cls.env, login=login, name=name, groups=groups, company_id=cls.env.company.id)
            setattr(cls, attribute, user)


class StpCrmXmlRpcMixin:
    """For live-server tests (HttpCase): XML-RPC calls as a test user (password = login)."""

    def _login(self, login):
        """A ``call(model, method, *args, **kwargs)`` of ``execute_kw`` as ``login``."""
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        self.assertTrue(uid, f"{login} can authenticate")
        return lambda model, method, *args, **kw: self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, model, method, list(args), kw
        )


@tagged("post_install", "-at_install")
class StpCrmAccountCommon(AccountTestInvoicingCommon, StpCrmUsersMixin):
    """Invoicing fixtures (a company with a chart of accounts) plus STP CRM users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting test user also runs STP CRM (its customer fields are for CRM users).
        cls.env.user.groups_id += cls.env.ref("stp_crm.group_stp_crm_manager")
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
