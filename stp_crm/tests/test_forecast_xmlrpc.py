from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestForecastXmlRpc(HttpCase, StpCrmUsersMixin):
    """The forecast as an integrator reads it: read_group by quarter and category over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        commit = cls.env["crm.stage"].create({"name": "Cam kết RPC", "stp_forecast_category": "commit"})
        values = {"type": "opportunity", "date_deadline": "2031-02-10"}
        cls.leads = cls.env["crm.lead"].create(
            [
                {**values, "name": "RPC 1", "expected_revenue": 100.0, "user_id": cls.sales_own.id},
                {
                    **values,
                    "name": "RPC 2",
                    "expected_revenue": 40.0,
                    "user_id": cls.sales_own.id,
                    "stage_id": commit.id,
                },
                {
                    **values,
                    "name": "RPC 3",
                    "expected_revenue": 7.0,
                    "user_id": cls.stp_user_2.id,
                    "stage_id": commit.id,
                },
            ]
        )
        cls.env["stp.crm.sales.target"].create(
            {"user_id": cls.sales_own.id, "date_start": "2031-01-01", "amount": 80.0}
        )

    def _read_group(self, login, password):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, password, {})
        groups = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            password,
            "stp.crm.forecast.report",
            "read_group",
            [
                [("date", ">=", "2031-01-01"), ("date", "<", "2031-04-01")],
                ["expected_revenue:sum", "target_amount:sum"],
            ],
            {"groupby": ["date:quarter", "category"], "lazy": False},
        )
        return {
            (group["date:quarter"], group["category"]): group["expected_revenue"] or group["target_amount"]
            for group in groups
        }

    def test_read_group_as_admin_and_as_salesperson(self):
        admin = self._read_group("admin", "admin")
        self.assertEqual(
            {key: total for key, total in admin.items() if key[1] != "target" or total == 80.0},
            {("Q1 2031", "pipeline"): 100.0, ("Q1 2031", "commit"): 47.0, ("Q1 2031", "target"): 80.0},
        )
        self.assertEqual(
            self._read_group("sales_own", "sales_own"),
            {("Q1 2031", "pipeline"): 100.0, ("Q1 2031", "commit"): 40.0, ("Q1 2031", "target"): 80.0},
        )
