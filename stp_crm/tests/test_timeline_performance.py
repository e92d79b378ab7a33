from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import StpCrmAccountCommon

PAGE = 5  # the web client reads 80 rows a page: 5 keeps the fixtures small
COUNT_LIMIT = 10_001
SPEC = {name: {} for name in ("date", "event_type", "name", "amount", "currency_id", "res_model", "res_id")}


@tagged("post_install", "-at_install")
class TestTimelineScale(StpCrmAccountCommon):
    """A customer's timeline page costs the same queries for 10 events as for 100, and each
    source's rows are filtered on their own table (customer and access alike), so that
    PostgreSQL reads a customer's rows through each source's index."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Timeline = cls.env["stp.crm.timeline"]

    def _add_events(self, count):
        start = datetime(2026, 3, 1, 8, 0)
        self.env["stp.crm.interaction"].create(
            [
                {
                    "partner_id": self.customer_contact.id,
                    "summary": f"Gọi hỏi thăm {i}",
                    "date": start + timedelta(hours=i),
                    "user_id": self.stp_user.id,
                }
                for i in range(count)
            ]
        )
        self.env["stp.crm.work.plan"].create(
            [
                {
                    "name": f"Thăm khách hàng {i}",
                    "partner_id": self.customer.id,
                    "user_id": self.stp_user.id,
                    "date_deadline": start + timedelta(days=i),
                }
                for i in range(count)
            ]
        )
        self.env.flush_all()

    def _page(self, user):
        return self.Timeline.with_user(user).web_search_read(
            [("partner_id", "=", self.customer.id)], SPEC, limit=PAGE, count_limit=COUNT_LIMIT
        )

    def _queries(self, user):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = self._page(user)
        return self.env.cr.sql_log_count - before, result

    def test_page_queries_do_not_grow_with_the_events(self):
        self._add_events(5)
        for user in (self.stp_user, self.stp_manager):
            self._page(user)  # fills the registry caches
            # The page's rows and its count; the fields the record rules read come with the rows
            # (read later by id, they would make PostgreSQL compute every source's rows).
            queries, result = self._queries(user)
            self.assertEqual(queries, 2, user.login)
            self.assertEqual(result["length"], 10)
        self._add_events(45)
        for user in (self.stp_user, self.stp_manager):
            with self.assertQueryCount(2):
                self.assertEqual(self._page(user)["length"], 100)

    def test_each_source_is_filtered_on_its_own_rows(self):
        # No semi-join of the union on res_id: the record rules of each source are conditions on
        # that source's row, beside the customer filter PostgreSQL pushes into each branch.
        sql = self.Timeline.with_user(self.stp_user)._table_query.code
        self.assertNotIn("AS source", sql)
        self.assertIn('"t"."user_id"', sql, "the ticket rule (own, team's, followed) on the ticket row")
        self.assertIn('"i"."user_id"', sql, "the interaction rule (own) on the interaction row")
        # The superuser reads every row: no condition at all.
        self.assertNotIn('"t"."user_id"', self.Timeline.sudo()._table_query.code)

    def test_every_source_customer_column_is_indexed(self):
        # The customer filter PostgreSQL pushes into each branch lands on one of these.
        customer_columns = {
            "account_move": "commercial_partner_id",
            "stp_crm_work_plan": "commercial_partner_id",
            "stp_crm_contract": "commercial_partner_id",
            "stp_crm_ticket": "commercial_partner_id",
            "stp_crm_interaction": "partner_id",
            "sale_order": "partner_id",
            "purchase_order": "partner_id",
            "stock_picking": "partner_id",
            "stp_crm_campaign_line": "partner_id",
            "res_partner": "commercial_partner_id",
        }
        self.env.cr.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN %s", [tuple(customer_columns)]
        )
        indexed = {(table, definition.split("(", 1)[1].split(")")[0]) for table, definition in self.env.cr.fetchall()}
        for table, column in customer_columns.items():
            self.assertIn((table, column), indexed, table)
