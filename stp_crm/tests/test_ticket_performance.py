from odoo.tests import tagged

from odoo.addons.stp_crm.models.stp_crm_ticket import TICKET_ORDER_INDEXES

from .common import freeze_now
from .test_ticket import TicketCommon

# The web client reads 40 cards a kanban column and 80 rows a list page; a page of 5 here keeps
# the fixtures small while every column and the list hold more tickets than a page (so that
# each also counts its tickets, as it does at 50,000).
PAGE = 5
COUNT_LIMIT = 10_001  # the web client's count limit (10,000) plus one


def view_spec(records, view_type):
    """The specification the web client sends for ``view_type``: the view's fields, many2one
    with their display name, the kanban activity widget with the fields it depends on."""
    model = records._name
    spec = {}
    for name in records.get_views([(False, view_type)])["models"][model]["fields"]:
        spec[name] = {"fields": {"display_name": {}}} if records._fields[name].type == "many2one" else {}
    if "activity_ids" in spec:
        spec.update(dict.fromkeys(("activity_exception_decoration", "activity_state", "activity_summary"), {}))
        spec["activity_type_id"] = {"fields": {"display_name": {}}}
    return spec


@tagged("post_install", "-at_install")
class TestTicketPagesScale(TicketCommon):
    """The ticket kanban (grouped by stage, as the action opens), the list and the analysis
    pivot cost the same queries whatever the number of tickets, for a CRM user whose record
    rule (own, team's, followed, unrouted tickets) applies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tickets = cls.env["stp.crm.ticket"]
        cls.user = cls.stp_user  # group_stp_crm_user, member of the team

    def _add_tickets(self, per_stage):
        stages = self.stage_new | self.stage_progress | self.stage_waiting | self.stage_solved
        customers = self.customer | self.other_customer
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            tickets = self.tickets.with_context(tracking_disable=True, mail_create_nolog=True).create(
                [
                    {
                        "name": f"Máy báo lỗi {i}",
                        "partner_id": customers[i % 2].id,
                        "team_id": self.team.id if i % 3 else False,
                        "user_id": (self.stp_user | self.stp_user_2)[i % 2].id if i % 4 else False,
                        "priority": str(i % 4),
                    }
                    for i in range(per_stage * len(stages))
                ]
            )
            for i, stage in enumerate(stages):
                tickets[i::4].write({"stage_id": stage.id})
            tickets[::3].activity_schedule("mail.mail_activity_data_todo", user_id=self.stp_user.id)
        self.env.flush_all()
        return tickets

    def _kanban(self):
        records = self.tickets.with_user(self.user)
        spec = view_spec(records, "kanban")
        groups = records.web_read_group([], ["color:sum"], ["stage_id"], lazy=True)["groups"]
        loaded = 0
        for group in groups:
            if not group.get("__fold") and group["stage_id_count"]:
                result = records.web_search_read(group["__domain"], spec, limit=PAGE, count_limit=COUNT_LIMIT)
                self.assertEqual(result["length"], group["stage_id_count"])
                loaded += 1
        return loaded

    def _list(self):
        records = self.tickets.with_user(self.user)
        return records.web_search_read([], view_spec(records, "list"), limit=PAGE, count_limit=COUNT_LIMIT)

    def _pivot(self):
        records = self.tickets.with_user(self.user)
        measures = ["__count", "closed_count:sum", "resolution_hours:avg", "sla_success_rate:avg"]
        for groupby in ([], ["create_date:month"], ["ticket_type"], ["create_date:month", "ticket_type"]):
            records.read_group([], measures, groupby, lazy=False)

    def _queries(self, page):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        page()
        return self.env.cr.sql_log_count - before

    def test_kanban_list_and_pivot_queries_do_not_grow_with_the_tickets(self):
        self._add_tickets(per_stage=PAGE + 1)
        for page in (self._kanban, self._list, self._pivot):
            page()  # fills the registry caches (views, rules, field metadata)
        self.assertEqual(self._kanban(), 4, "New, In Progress, Waiting, Solved are open; Cancelled is folded")
        kanban, listed, pivot = (self._queries(page) for page in (self._kanban, self._list, self._pivot))
        # The columns in one read_group and the stages in two; then per open column, for the
        # whole column: its cards, their count (at most 10,001 rows), their activities and the
        # activities' access check (the tickets' rule fields: followers, team members), display
        # names. The list likewise; a pivot is its four read_group (after the cache is emptied,
        # plus the user's own records its record rule reads).
        self.assertLessEqual(kanban, 3 + 4 * 11)
        self.assertLessEqual(pivot, 4 + 3)
        self._add_tickets(per_stage=6 * PAGE)
        with self.assertQueryCount(kanban):
            self._kanban()
        with self.assertQueryCount(listed):
            self.assertGreater(self._list()["length"], 6 * PAGE)
        with self.assertQueryCount(pivot):
            self._pivot()

    def test_order_indexes_exist_after_install_and_upgrade(self):
        def indexes():
            self.env.cr.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'stp_crm_ticket' AND indexname IN %s",
                [tuple(TICKET_ORDER_INDEXES)],
            )
            return dict(self.env.cr.fetchall())

        installed = indexes()
        self.assertEqual(set(installed), set(TICKET_ORDER_INDEXES))
        self.assertIn("(stage_id, priority DESC, id DESC)", installed["stp_crm_ticket_stage_order_index"])
        # An upgrade (init) makes a dropped index again and leaves existing ones alone.
        self.env.cr.execute("DROP INDEX stp_crm_ticket_stage_order_index")
        self.tickets.init()
        self.assertEqual(indexes(), installed)

    def test_default_order_is_the_index_order(self):
        # The indexes serve the kanban's and the list's order only while it is the model's.
        self.assertEqual(self.tickets._order, "priority desc, id desc")
        self.assertEqual(TICKET_ORDER_INDEXES["stp_crm_ticket_order_index"], ["priority DESC", "id DESC"])
