"""pytest configuration for the STP CRM suite.

A skipped test counts as a failure: Odoo skips browser tours silently when it
finds no Chrome or no websocket-client, and a suite that skips its tours has
not proven what it claims.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests are not allowed in this suite: {reason}"
