"""The first run, as the README tells a newcomer to make it: `make run` (scripts/run.sh
itself) on a database that does not exist yet, then `make check-run` (scripts/check_run.py)
against what it serves. A throwaway database on a free port, stopped and dropped after."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
# Creating the database, l10n_vn and stp_crm with its demo takes minutes on a small machine.
SERVE_TIMEOUT = 900


def free_port():
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def serves(port):
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/web/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def dropdb(name):
    subprocess.run(["dropdb", "--if-exists", name], capture_output=True, check=False)


@pytest.fixture
def first_run(tmp_path):
    """`make run` serving a new database: yields (its environment, its log file)."""
    name = f"stp_crm_first_run_{os.getpid()}"
    dropdb(name)
    env = dict(
        os.environ,
        STP_CRM_DB=name,
        STP_CRM_PORT=str(free_port()),
        STP_CRM_LANG="vi_VN",
        STP_CRM_COUNTRY="VN",
        ODOO_DATA_DIR=str(tmp_path / "data"),
    )
    log = tmp_path / "run.log"
    with log.open("w") as out:
        # The server's own log at warning level too: what it says is checked below.
        run = subprocess.Popen(
            ["bash", "scripts/run.sh", "--log-level=warn", "--max-cron-threads=0"],
            cwd=REPOSITORY,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started = time.monotonic()
        while not serves(env["STP_CRM_PORT"]):
            assert run.poll() is None, f"make run stopped ({run.returncode}):\n{log.read_text()[-5000:]}"
            assert time.monotonic() - started < SERVE_TIMEOUT, f"not served in time:\n{log.read_text()[-5000:]}"
            time.sleep(2)
        print(f"make run served {name} after {time.monotonic() - started:.0f} s")
        yield env, log
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        dropdb(name)


def test_first_run_serves_the_vietnamese_demo(first_run):
    env, log = first_run
    check = subprocess.run(
        [sys.executable, "scripts/check_run.py"], cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "demo data loaded" in check.stdout, check.stdout
    # Odoo's log of the run (install and server) says nothing wrong about stp_crm.
    complaints = [
        line
        for line in log.read_text().splitlines()
        if re.search(r" (WARNING|ERROR|CRITICAL) ", line) and "stp_crm" in line.split(" ", 5)[-1]
    ]
    assert not complaints, "\n".join(complaints)
