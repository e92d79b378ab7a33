"""Batch helpers shared by the STP CRM crons, following ir.cron's contract (Odoo 18):
each call handles one bounded batch and reports ``_notify_progress(done=, remaining=)``;
ir.cron commits and calls the job again while records remain. Several cron workers or
servers can run the jobs without waiting on each other or on users."""

import logging
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
    the logs. Returns ``(done, remaining)``."""
    failed_ids = _recent_failures(model, job)
    done = 0
    for domain, process in steps:
        if done >= batch_size:
            break
        records = _claim(model, _without(domain, failed_ids), batch_size - done)
        failed_ids += _process_safely(records, process, job)
        done += len(records)  # failed records count as done: logged and set aside
    remaining = sum(
        model.with_context(active_test=False).search_count(_without(domain, failed_ids)) for domain, _process in steps
    )
    model.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    _logger.info("%s: %s %s records processed, %s left for the next call", job, done, model._name, remaining)
    return done, remaining


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
    logged and set aside while the others are processed. Returns the failed ids."""
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
    failed_ids = []
    for record in records:
        try:
            with records.env.cr.savepoint():
                process(record)
        except TransactionRollbackError:
            raise
        except Exception as error:  # noqa: BLE001 - one bad record must not stop the job
            _record_failure(record, job, error)
            failed_ids.append(record.id)
    return failed_ids


def _record_failure(record, job, error):
    _logger.error("%s: %s skipped: %s", job, record, error, exc_info=True)
    # In Settings > Technical > Logging for the admin; also how later calls skip it.
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


def _recent_failures(model, job):
    # The database's clock, the one that dated the logs (an Odoo server's clock may differ).
    since = model.env.cr.now() - CRON_RETRY_DELAY
    logs = (
        model.env["ir.logging"]
        .sudo()
        .search_fetch(
            [("path", "=", model._name), ("func", "=", job), ("type", "=", "server"), ("create_date", ">=", since)],
            ["line"],
        )
    )
    return [int(line) for line in logs.mapped("line")]


def _without(domain, ids):
    return expression.AND([domain, [("id", "not in", ids)]]) if ids else domain
