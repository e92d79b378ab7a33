"""pytest configuration for the STP CRM suite.

A skipped test counts as a failure: Odoo skips browser tours silently when it
finds no Chrome or no websocket-client, and a suite that skips its tours has
not proven what it claims.

The suite must also end, whatever a test does, on a busy shared machine:

* browser tests wait at least ``STP_CRM_BROWSER_TIMEOUT`` seconds (default 300)
  for a tour or a page, as a slow machine needs;
* a browser is always stopped: when Chrome does not answer one of the DevTools
  calls of Odoo's ``ChromeBrowser.stop()`` (seen under load as
  ``Runtime.evaluate ... serviceWorker ... TimeoutError``), the websocket is still
  closed and Chrome still killed, so no thread and no browser outlive the test;
* after pytest printed its summary the process exits with that summary's code,
  even if a thread (a websocket consumer, a server thread) would keep it alive.
"""

import logging
import os
import shutil
import signal
import sys
import threading

import pytest

_logger = logging.getLogger(__name__)

BROWSER_TIMEOUT = int(os.environ.get("STP_CRM_BROWSER_TIMEOUT", "300"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests are not allowed in this suite: {reason}"


def _patch_browser():
    """Timeouts for a slow machine, and a stop that cannot leave Chrome behind."""
    # Odoo's test framework is there once tests are collected (pytest-odoo imports it);
    # without it there is no browser test to patch.
    common = sys.modules.get("odoo.tests.common")
    if common is None or getattr(common.ChromeBrowser, "_stp_crm_patched", False):
        return
    original_browser_js = common.HttpCase.browser_js
    original_stop = common.ChromeBrowser.stop

    def browser_js(self, url_path, code, ready="", login=None, timeout=60, **kwargs):
        return original_browser_js(self, url_path, code, ready, login, max(timeout, BROWSER_TIMEOUT), **kwargs)

    def stop(self):
        try:
            original_stop(self)
        except Exception:  # noqa: BLE001 - a browser that does not answer is stopped all the same
            _logger.warning("Chrome did not stop cleanly: closing its websocket and killing it", exc_info=True)
            if getattr(self, "ws", None) is not None:
                self.ws.close()
            if self.chrome and self.chrome.poll() is None:
                self.chrome.kill()
                self.chrome.wait(15)
            shutil.rmtree(self.user_data_dir, ignore_errors=True)
            if self.sigxcpu_handler:
                signal.signal(signal.SIGXCPU, self.sigxcpu_handler)

    common.HttpCase.browser_js = browser_js
    common.ChromeBrowser.stop = stop
    common.ChromeBrowser._stp_crm_patched = True


def pytest_collection_finish(session):
    _patch_browser()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """The summary is printed: leave now with its exit code, whatever thread is still running."""
    stray = [
        thread.name for thread in threading.enumerate() if not thread.daemon and thread is not threading.main_thread()
    ]
    if not stray:
        return
    status = getattr(config, "_stp_crm_exitstatus", 1)
    print(f"stp_crm: exiting with {status} despite running threads: {', '.join(stray)}", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(int(status))


def pytest_sessionfinish(session, exitstatus):
    session.config._stp_crm_exitstatus = exitstatus
