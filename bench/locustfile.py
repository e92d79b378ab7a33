"""Concurrent STP CRM users for `bench/scale_out.sh` (locust + OdooLocust).

Two kinds of users, as in real life:
  * BoardUser: people in the web client. They call /web/dataset/call_kw like the
    browser does, which is where Odoo 18 sends the ``@api.readonly`` methods
    (web_search_read, web_read_group, read_group, ...) to the read replica: the
    Eisenhower board, moving cards, timelines, analyses.
    They also send a Zalo message to a customer (the composer of the customer's form:
    a ZNS queued, sent by the Zalo cron to the fake Zalo of `bench/fake_services.py`)
    and write to a customer from a ticket's chatter (an email queued in mail.mail, sent
    by Odoo's mail queue cron to the SMTP sink of the same script).
  * IntegrationUser (OdooLocust, odoolib over /jsonrpc): other systems creating
    tickets and contracts. /jsonrpc always runs on the primary.

Operations whose name starts with one of LIST_READS are the list and kanban reads
(`bench/scale_out.sh` checks their p95).

Every created record carries a unique name; the names are written to
$STP_LOAD_CREATED (one per line, "model<TAB>name") for the checks after the run.
"""

import functools
import itertools
import os
import random
import time
import uuid

import httpx
import odoolib.tools
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser
from OdooLocust.OdooLocustUser import OdooLocustUser

# odoolib posts with httpx's 5 s default timeout; a login on a loaded server takes longer.
odoolib.tools.httpx = type("Httpx", (), {"post": staticmethod(functools.partial(httpx.post, timeout=120))})

DATABASE = os.environ["STP_LOAD_DB"]
LOGIN = os.environ.get("STP_LOAD_LOGIN", "admin")
PASSWORD = os.environ.get("STP_LOAD_PASSWORD", "admin")
ZALO_TEMPLATE = int(os.environ.get("STP_LOAD_ZALO_TEMPLATE") or 0)
CREATED = []
LIST_READS = ("board: columns", "board: cards", "timeline: page", "tickets: ", "customers: list")
QUADRANTS = ["do_first", "schedule", "delegate", "eliminate"]
LOGIN_TRIES = 3  # a login the saturated server refused at the socket is tried again (each try counted)
_ids = itertools.count(1)


@events.test_stop.add_listener
def _write_created(**_kwargs):
    with open(os.environ["STP_LOAD_CREATED"], "w", encoding="utf-8") as created:
        created.writelines(f"{model}\t{name}\n" for model, name in CREATED)


class BoardUser(FastHttpUser):
    """A person in the web client. FastHttpUser (geventhttpclient), locust's own low-overhead
    client: with HttpUser (requests), locust took one of this machine's two cores from the
    server it measures (docs/scaling.md)."""

    weight = 3
    wait_time = between(0.5, 2)
    network_timeout = connection_timeout = 120.0  # a login on a loaded server takes seconds

    def on_start(self):
        for _try in range(LOGIN_TRIES):
            with self.client.post(
                "/web/session/authenticate",
                json={"jsonrpc": "2.0", "params": {"db": DATABASE, "login": LOGIN, "password": PASSWORD}},
                name="web login",
                catch_response=True,
            ) as response:
                logged_in = response.ok and "error" not in response.json()
                if not logged_in:
                    response.failure(response.text[:200] or str(response.error))
            if logged_in:
                break
            time.sleep(2)
        else:
            raise StopUser()  # not a stream of "Session expired" for every later call
        self.partner_ids = [
            row["id"]
            for row in self.call(
                "res.partner",
                "search_read",
                [[("customer_rank", ">", 0)]],
                {"fields": ["id"], "limit": 200},
                name="set-up: customers",
            )
        ]
        self.zalo_partner_ids = [
            row["id"]
            for row in self.call(
                "res.partner",
                "search_read",
                [[("customer_rank", ">", 0), ("phone", "=like", "+84%")]],
                {"fields": ["id"], "limit": 200},
                name="set-up: customers with a Vietnamese number",
            )
        ]
        self.ticket_ids = [
            row["id"]
            for row in self.call(
                "stp.crm.ticket",
                "search_read",
                [[("partner_id.email", "!=", False)]],
                {"fields": ["id"], "limit": 200},
                name="set-up: tickets of customers with an email",
            )
        ]

    def call(self, model, method, args, kwargs=None, name=None):
        payload = {
            "jsonrpc": "2.0",
            "id": next(_ids),
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        with self.client.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json=payload,
            name=name or f"{model} {method}",
            catch_response=True,
        ) as response:
            body = response.json() if response.ok else {}
            if not response.ok or "error" in body:
                response.failure(body.get("error", {}).get("data", {}).get("message") or response.text[:200])
                return []
            return body["result"]

    @task(4)
    def open_board(self):
        spec = {
            "name": {},
            "quadrant": {},
            "state": {},
            "date_deadline": {},
            "user_id": {"fields": {"display_name": {}}},
        }
        self.call(
            "stp.crm.work.plan",
            "web_read_group",
            [[("state", "not in", ["done", "cancelled"])], ["quadrant"], ["quadrant"]],
            name="board: columns",
        )
        for quadrant in QUADRANTS:
            self.call(
                "stp.crm.work.plan",
                "web_search_read",
                [],
                {
                    "domain": [("quadrant", "=", quadrant), ("state", "not in", ["done", "cancelled"])],
                    "specification": spec,
                    "limit": 40,
                },
                name="board: cards",
            )

    @task(2)
    def move_card(self):
        plans = self.call(
            "stp.crm.work.plan",
            "search_read",
            [[("state", "not in", ["done", "cancelled"])]],
            {"fields": ["id"], "limit": 50},
            name="board: pick card",
        )
        if plans:
            plan = random.choice(plans)
            self.call(
                "stp.crm.work.plan",
                "web_save",
                [[plan["id"]], {"quadrant": random.choice(QUADRANTS)}],
                {"specification": {"quadrant": {}}},
                name="board: move card",
            )

    @task(3)
    def read_timeline(self):
        """The Timeline button of a customer (an @api.readonly method), then its first page."""
        spec = {"date": {}, "event_type": {}, "name": {}, "amount": {}}
        if not self.partner_ids:
            return
        partner_id = random.choice(self.partner_ids)
        action = self.call("res.partner", "action_stp_open_timeline", [[partner_id]], name="timeline: button")
        if action:
            kwargs = {"domain": action["domain"], "specification": spec, "limit": 80}
            self.call("stp.crm.timeline", "web_search_read", [], kwargs, name="timeline: page")

    @task(2)
    def analysis(self):
        self.call(
            "stp.crm.ticket", "web_read_group", [[], ["__count"], ["stage_id"]], name="analysis: tickets by stage"
        )
        self.call(
            "stp.crm.contract",
            "web_read_group",
            [[], ["amount_total:sum"], ["state"]],
            name="analysis: contracts by state",
        )
        self.call(
            "res.partner",
            "web_read_group",
            [[("customer_rank", ">", 0)], ["__count"], ["stp_tier"]],
            name="analysis: customers by tier",
        )

    @task(3)
    def tickets_kanban(self):
        """The ticket kanban (grouped by stage), then the list (first page)."""
        columns = self.call(
            "stp.crm.ticket",
            "web_read_group",
            [[], ["__count"], ["stage_id"]],
            {"limit": 80},
            name="tickets: kanban columns",
        )
        card = {
            "number": {},
            "name": {},
            "partner_id": {"fields": {"display_name": {}}},
            "stage_id": {"fields": {"display_name": {}}},
            "sla_state": {},
            "priority": {},
            "color": {},
        }
        for group in (columns or {}).get("groups", [])[:4]:
            stage = group["stage_id"] and group["stage_id"][0]
            self.call(
                "stp.crm.ticket",
                "web_search_read",
                [],
                {"domain": [("stage_id", "=", stage)], "specification": card, "limit": 40},
                name="tickets: kanban cards",
            )
        row = {
            **card,
            "ticket_type": {},
            "lot_id": {"fields": {"display_name": {}}},
            "warranty_state": {},
            "team_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "date_deadline": {},
        }
        self.call(
            "stp.crm.ticket",
            "web_search_read",
            [],
            {"domain": [], "specification": row, "limit": 80, "count_limit": 10001},
            name="tickets: list page",
        )

    @task(2)
    def customers_list(self):
        spec = {
            "complete_name": {},
            "phone": {},
            "email": {},
            "city": {},
            "state_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "stp_tier": {},
        }
        self.call(
            "res.partner",
            "web_search_read",
            [],
            {"domain": [("customer_rank", ">", 0)], "specification": spec, "limit": 80, "count_limit": 10001},
            name="customers: list page",
        )

    @task(1)
    def send_zalo(self):
        """The customer form's Send Zalo Message: the composer, then its Send button."""
        if not ZALO_TEMPLATE or not self.zalo_partner_ids:
            return
        composer = self.call(
            "stp.crm.zalo.composer",
            "web_save",
            [[], {"partner_id": random.choice(self.zalo_partner_ids), "template_id": ZALO_TEMPLATE}],
            {"specification": {"phone": {}}},
            name="zalo: composer",
        )
        if composer and composer[0]["phone"]:  # the form shows no Zalo number otherwise: nobody sends
            self.call("stp.crm.zalo.composer", "action_send", [[composer[0]["id"]]], name="zalo: queue a message")

    @task(1)
    def message_customer(self):
        """A message to the customer from a ticket's chatter, queued for the mail cron."""
        if not self.ticket_ids:
            return
        ticket_id = random.choice(self.ticket_ids)
        [ticket] = self.call("stp.crm.ticket", "read", [[ticket_id], ["partner_id"]], name="chatter: ticket") or [{}]
        if ticket.get("partner_id"):
            self.call(
                "stp.crm.ticket",
                "message_post",
                [[ticket_id]],
                {
                    "body": f"Chào anh/chị, phiếu của anh/chị đang được xử lý ({uuid.uuid4().hex[:8]}).",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    "partner_ids": [ticket["partner_id"][0]],
                    "context": {"mail_notify_force_send": False},
                },
                name="chatter: message to the customer",
            )

    @task(1)
    def create_ticket_in_form(self):
        if not self.partner_ids:
            return
        name = f"Tải thử web {uuid.uuid4().hex[:12]}"
        if self.call(
            "stp.crm.ticket",
            "web_save",
            [[], {"name": name, "partner_id": random.choice(self.partner_ids)}],
            {"specification": {"number": {}}},
            name="form: create ticket",
        ):
            CREATED.append(("stp.crm.ticket", name))


class IntegrationUser(OdooLocustUser):
    weight = 1
    wait_time = between(1, 3)
    protocol = "jsonrpc"
    database = DATABASE
    login = LOGIN
    password = PASSWORD

    def on_start(self):
        self.port = int(os.environ["STP_LOAD_PORT"])
        self.host = "127.0.0.1"
        for try_number in range(1, LOGIN_TRIES + 1):
            try:
                super().on_start()
                break
            except Exception:  # noqa: BLE001 - refused at the socket by the saturated server (OdooLocust counted it)
                if try_number == LOGIN_TRIES:
                    raise StopUser() from None
                time.sleep(2)
        self.partner_ids = self.client.get_model("res.partner").search([("customer_rank", ">", 0)], limit=200)
        self.product_ids = self.client.get_model("product.product").search([("sale_ok", "=", True)], limit=20)

    @task(2)
    def create_ticket(self):
        name = f"Tải thử API {uuid.uuid4().hex[:12]}"
        self.client.get_model("stp.crm.ticket").create({"name": name, "partner_id": random.choice(self.partner_ids)})
        CREATED.append(("stp.crm.ticket", name))

    @task(1)
    def create_contract(self):
        name = f"Hợp đồng tải thử {uuid.uuid4().hex[:12]}"
        lines = [
            (0, 0, {"product_id": product, "quantity": 2, "price_unit": 5_000_000})
            for product in random.sample(self.product_ids, 2)
        ]
        contracts = self.client.get_model("stp.crm.contract")
        contract_id = contracts.create({"name": name, "partner_id": random.choice(self.partner_ids), "line_ids": lines})
        contracts.action_confirm([contract_id])
        CREATED.append(("stp.crm.contract", name))
