"""Screenshots of the main screens for stp_crm/static/description/ (the Apps page).

Drives headless Chromium over the DevTools protocol against a running server with
the demo data (`make run`), logged in as admin, in admin's language:

    STP_CRM_DB=stp_crm_demo STP_CRM_PORT=8369 python3 scripts/screenshots.py

scripts/screenshots.sh starts such a server on a free port and calls this."""

import base64
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.request
import xmlrpc.client

import websocket

DB = os.environ.get("STP_CRM_DB", "stp_crm_demo")
URL = f"http://localhost:{os.environ.get('STP_CRM_PORT', '8369')}"
OUT = pathlib.Path(__file__).resolve().parent.parent / "stp_crm" / "static" / "description"
DEVTOOLS_PORT = int(os.environ.get("STP_CRM_DEVTOOLS_PORT", "9333"))
WIDTH, HEIGHT = 1440, 900

# file name -> (action, demo record shown in its form or None for the action's view, element to click first)
SHOTS = {
    "customers.png": ("stp_crm.stp_crm_customer_action", None, None),
    "customer_profile.png": (
        "stp_crm.stp_crm_customer_action",
        "stp_crm.partner_demo_hoa_phat",
        ".o_notebook a[name='stp_crm']",
    ),
    "work_plan_board.png": ("stp_crm.stp_crm_work_plan_action", None, None),
    "contract.png": ("stp_crm.stp_crm_contract_action", "stp_crm.contract_demo_hoa_phat", None),
    "tickets.png": ("stp_crm.stp_crm_ticket_action", None, None),
    "timeline.png": ("stp_crm.stp_crm_timeline_action", None, None),
}


class DevTools:
    """The few DevTools protocol calls a screenshot needs."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=120)
        self.last_id = 0

    def call(self, method, **params):
        self.last_id += 1
        self.ws.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")


def session_id():
    request = urllib.request.Request(
        f"{URL}/web/session/authenticate",
        data=json.dumps({"params": {"db": DB, "login": "admin", "password": "admin"}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        cookie = response.headers["Set-Cookie"]
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


def record_ids(xmlids):
    uid = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/common").authenticate(DB, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{URL}/xmlrpc/2/object")
    ids = {}
    for xmlid in xmlids:
        module, name = xmlid.split(".")
        [data] = models.execute_kw(
            DB,
            uid,
            "admin",
            "ir.model.data",
            "search_read",
            [[("module", "=", module), ("name", "=", name)]],
            {"fields": ["res_id"]},
        )
        ids[xmlid] = data["res_id"]
    return ids


def wait_until_shown(page, timeout=60):
    """The action's view is rendered and nothing is loading any more."""
    deadline = time.time() + timeout
    ready = (
        "!!document.querySelector('.o_action_manager .o_view_controller')"
        " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
    )
    while time.time() < deadline:
        if page.evaluate(ready):
            time.sleep(1.5)  # fonts, images, the chatter
            return
        time.sleep(0.5)
    raise TimeoutError(f"the page did not finish loading: {page.evaluate('location.href')}")


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    ids = record_ids([xmlid for _action, xmlid, _click in SHOTS.values() if xmlid])
    with tempfile.TemporaryDirectory() as profile:
        browser = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--remote-debugging-port={DEVTOOLS_PORT}", f"--user-data-dir={profile}",
             f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _attempt in range(60):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{DEVTOOLS_PORT}/json") as response:
                        targets = json.load(response)
                    break
                except OSError:
                    time.sleep(0.5)
            page = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
            page.call(
                "Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False
            )
            page.call("Network.enable")
            page.call("Network.setCookie", name="session_id", value=session_id(), url=URL)
            for filename, (action, xmlid, click) in SHOTS.items():
                path = f"/odoo/action-{action}" + (f"/{ids[xmlid]}" if xmlid else "")
                page.call("Page.navigate", url=URL + path)
                wait_until_shown(page)
                if click:
                    page.evaluate(f"document.querySelector({json.dumps(click)}).click()")
                    time.sleep(1)
                # Toasts (e.g. "this page is outdated" after a server restart) would hide the screen.
                page.evaluate("document.querySelectorAll('.o_notification_manager').forEach(e => e.remove())")
                png = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
                (OUT / filename).write_bytes(png)
                print(f"{OUT / filename} ({len(png) // 1024} KiB) <- {path}")
        finally:
            browser.terminate()
            browser.wait()


if __name__ == "__main__":
    main()
