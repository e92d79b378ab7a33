"""`make test` ends, whatever a test does: a failing browser test whose Chrome does not stop
and a thread left running still give pytest's summary, a failing exit code and no browser
left behind within seconds (conftest.py)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not os.environ.get("STP_CRM_TEST_DB"), reason="run by scripts/test.sh, which names the database")
def test_failing_browser_test_that_hangs_still_ends(tmp_path):
    pid_file = tmp_path / "chrome.pid"
    env = dict(os.environ, STP_CRM_PROBE_PID_FILE=str(pid_file))
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/probe/hang_probe.py", "-p", "no:cacheprovider"]
        + [
            f"--odoo-database={os.environ['STP_CRM_TEST_DB']}",
            f"--odoo-addons-path={os.environ['STP_CRM_ADDONS_PATH']}",
        ]
        + ["--odoo-http", "--odoo-log-level=critical", "--odoo-extra=max-cron-threads=0"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 failed" in run.stdout.splitlines()[-1], run.stdout[-3000:]
    assert "exiting with 1 despite running threads: left behind" in run.stderr
    assert pid_file.exists(), "the probe's browser never reached stop()"
    chrome = Path("/proc") / pid_file.read_text()
    assert not chrome.exists() or "(Z)" in (chrome / "stat").read_text(), "Chrome outlived the test"
    # Registry loading and Chrome's start take most of it; a hang would take the 600 s.
    assert elapsed < 300, elapsed
