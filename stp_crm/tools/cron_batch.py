"""Batch helpers shared by the STP CRM crons, following ir.cron's contract (Odoo 18):
each call handles one bounded batch and reports ``_notify_progress(done=, remaining=)``;
ir.cron commits and calls the job again while records remain. Several cron workers or
servers can run the jobs without waiting on each other or on users."""

import logging
import traceback
from datetime import timedelta

from psycopg2.extensions import TransactionRollbackError

from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# A record that failed is left alone for this long (later batches go on without it),
# then the next run of the job tries it again.
CRON_RETRY_DELAY = timedelta(hours=12)


def run_batch(model, steps, batch_size, job):
    """Process one batch of at most ``batch_size`` records and report the progress.

    ``steps`` is a list of ``(domain, process)``: records of ``domain`` still to do
    and ``process(records)`` doing them (which must take them out of ``domain``).
    Steps are served in order until the batch is full. ``job`` names the cron in
    the logs and in the skipped records (``stp.crm.job.skip``). Returns ``(done, remaining)``.

    A record that fails is set aside (a skipped record shown to the administrators) and
    counts as done. A batch of which every record failed is no progress: it is logged as
    an error and reported as nothing done, so that ir.cron ends the run there instead of
    going through every record the same way; its next run tries again."""
    skips = model.env["stp.crm.job.skip"]._stp_of_job(model, job)
    # The database's clock, the one that dated the failures (an Odoo server's clock may differ).
    failed_ids = skips._stp_set_aside_ids(model.env.cr.now() - CRON_RETRY_DELAY)
    skips -= _forget_skips_not_pending(model, steps, skips.filtered(lambda skip: skip.res_id not in failed_ids))
    done = 0
    processed = model.browse()
    failures = []
    for domain, process in steps:
        if done >= batch_size:
            break
        records = _claim(model, _without(domain, failed_ids), batch_size - done)
        step_failures = _process_safely(records, process, job)
        failures += step_failures
        failed_ids += [record.id for record, _error, _details in step_failures]
        processed |= records
        done += len(records)  # failed records count as done: set aside
    succeeded = set((processed - model.browse(failed_ids)).ids)
    handled = skips.filtered(lambda skip: skip.res_id in succeeded)
    handled.unlink()
    (skips - handled)._stp_record_failures(job, failures)
    remaining = sum(
        model.with_context(active_test=False).search_count(_without(domain, failed_ids)) for domain, _process in steps
    )
    if done and len(failures) == done:
        _logger.error(
            "%s: every one of the %s %s records of the batch failed (see STP CRM > Configuration > Skipped "
            "Records); the job stops here until its next run, %s records left",
            job,
            done,
            model._name,
            remaining,
        )
        done = 0
    model.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    _logger.info("%s: %s %s records processed, %s left for the next call", job, done, model._name, remaining)
    return done, remaining


def _forget_skips_not_pending(model, steps, skips):
    """The ``skips`` due for a retry whose record the job has nothing to do for any more
    (deleted, or done another way) are over. Returns them."""
    if not skips:
        return skips
    ids = skips.mapped("res_id")
    pending = set()
    for domain, _process in steps:
        pending.update(model.with_context(active_test=False).search(expression.AND([domain, [("id", "in", ids)]])).ids)
    over = skips.filtered(lambda skip: skip.res_id not in pending)
    over.unlink()
    return over


def _claim(model, domain, limit):
    """Up to ``limit`` records of ``domain`` (archived ones included), oldest first.
    ``FOR NO KEY UPDATE SKIP LOCKED``, as ir.cron itself does: rows a user is writing
    are skipped (a later call takes them), and the lock does not block the foreign-key
    checks of orders or invoices that reference these rows."""
    model.flush_model()
    query = model.with_context(active_test=False)._search(domain, limit=limit, order="id")
    model.env.cr.execute(SQL("%s FOR NO KEY UPDATE OF %s SKIP LOCKED", query.select(), SQL.identifier(query.table)))
    return model.browse(row[0] for row in model.env.cr.fetchall())


def _process_safely(records, process, job):
    """``process`` the whole batch in one savepoint (its grouped queries stay grouped);
    if it raises, again record by record, each in its own savepoint: a bad record is
    logged and set aside while the others are processed. Returns the failures, a list
    of ``(record, error, traceback)``."""
    if not records:
        return []
    try:
        with records.env.cr.savepoint():
            process(records)
        return []
    except TransactionRollbackError:
        raise  # a concurrent update, not a bad record: ir.cron retries the whole call
    except Exception:  # noqa: BLE001 - any error: find the culprit record by record below
        _logger.info("%s: batch of %s failed, retrying record by record", job, len(records))
    failures = []
    for record in records:
        try:
            with records.env.cr.savepoint():
                process(record)
        except TransactionRollbackError:
            raise
        except Exception as error:  # noqa: BLE001 - one bad record must not stop the job
            _record_failure(record, job, error)
            failures.append((record, error, traceback.format_exc()))
    return failures


def _record_failure(record, job, error):
    _logger.error("%s: %s skipped: %s", job, record, error, exc_info=True)
    # In Settings > Technical > Logging for the admin, one line per failure.
    record.env["ir.logging"].sudo().create(
        {
            "name": __name__,
            "type": "server",
            "dbname": record.env.cr.dbname,
            "level": "ERROR",
            "message": f"{job}: {record._name} {record.id} skipped: {error}",
            "path": record._name,
            "func": job,
            "line": str(record.id),
        }
    )


def _without(domain, ids):
    return expression.AND([domain, [("id", "not in", ids)]]) if ids else domain
