"""Batch helpers shared by the STP CRM crons, so that several cron workers or
servers can run the same job at once without overlap."""

import threading

from odoo.tools import SQL


def claim_batch(model, domain, batch_size):
    """Up to ``batch_size`` records of ``domain`` (archived ones included), locked for
    this transaction; rows another transaction holds are skipped, not waited for."""
    model.flush_model()
    query = model.with_context(active_test=False)._search(domain, limit=batch_size, order="id")
    model.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
    return model.browse(row[0] for row in model.env.cr.fetchall())


def commit_batch(env):
    """Commit a finished batch (a crash then loses one batch at most), except in
    tests, whose transaction is rolled back."""
    if not getattr(threading.current_thread(), "testing", False):
        env.cr.commit()  # pylint: disable=invalid-commit
