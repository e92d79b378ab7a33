"""Run by tests/test_runner.py in a subprocess, never by the suite itself (not test_*.py).

A browser test that fails, whose browser then does not answer Odoo's stop() (as Chrome
did under load: ``Runtime.evaluate ... serviceWorker ... TimeoutError``), and which leaves a
thread running: the three ways a run was seen to hang after its summary.
"""

import os
import threading
import time
from pathlib import Path

from odoo.tests import HttpCase, common, tagged

PID_FILE = Path(os.environ["STP_CRM_PROBE_PID_FILE"])


@tagged("post_install", "-at_install")
class TestHangProbe(HttpCase):
    def test_failing_browser_that_hangs(self):
        original_request = common.ChromeBrowser._websocket_request

        def unanswered_stop_request(browser, method, *, params=None, timeout=10.0):
            if method == "Runtime.evaluate" and "serviceWorker" in str(params):
                PID_FILE.write_text(str(browser.chrome.pid))
                raise TimeoutError(f"{method}({params})")
            return original_request(browser, method, params=params, timeout=timeout)

        threading.Thread(target=time.sleep, args=(3600,), name="left behind").start()
        common.ChromeBrowser._websocket_request = unanswered_stop_request
        try:
            self.browser_js("/web/login", "throw new Error('a deliberately failing browser test')", timeout=5)
        finally:
            common.ChromeBrowser._websocket_request = original_request
