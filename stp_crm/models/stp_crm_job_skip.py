from odoo import api, fields, models

from ..tools.groups import CRM_MANAGER, SYSTEM
from ..tools.reader_lang import for_reader


class StpCrmJobSkip(models.Model):
    """A record a batch job (stp_crm/tools/cron_batch.py ``run_batch``) failed on and
    set aside: shown to administrators with the error until the job handles the record
    again, and how later calls of the job leave the record alone for CRON_RETRY_DELAY."""

    _name = "stp.crm.job.skip"
    _inherit = ["mail.thread", "mail.activity.mixin", "stp.crm.guarded.mixin"]
    _description = "Skipped Record of a Batch Job"
    _order = "date_last desc, id desc"

    name = fields.Char(string="Record", required=True, readonly=True)
    job = fields.Char(string="Job Key", required=True, readonly=True, index=True)
    job_name = fields.Char(string="Job", compute="_compute_job_name")
    cron_id = fields.Many2one("ir.cron", string="Scheduled Action", readonly=True, ondelete="set null")
    res_model = fields.Char(string="Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True, readonly=True)
    error = fields.Text(readonly=True)
    error_details = fields.Text(readonly=True, groups=SYSTEM)
    date_first = fields.Datetime(string="First Failure", required=True, readonly=True)
    date_last = fields.Datetime(string="Last Failure", required=True, readonly=True, index=True)
    failure_count = fields.Integer(string="Failures", default=1, readonly=True)
    state = fields.Selection(
        [("skipped", "Skipped"), ("retry", "Retry Requested")],
        string="Status",
        default="skipped",
        required=True,
        readonly=True,
        help="A skipped record is left alone by its job for 12 hours after each failure, then tried again; "
        "Retry Now has the job try it at its next call, which it starts at once.",
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    _sql_constraints = [
        (
            "job_record_unique",
            "UNIQUE (job, res_model, res_id)",
            "A job skips a record once: its failures are counted.",
        ),
    ]

    @api.depends("job", "cron_id")
    @api.depends_context("lang")
    def _compute_job_name(self):
        for skip in self:
            # sudo: the scheduled actions are the system administrators'; their names are not secret
            skip.job_name = skip.cron_id.sudo().name or skip.job

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_retry(self):
        """Clear the skip: the job takes the record at its next call, started now."""
        self.check_access("read")
        skips = self.sudo()  # bookkeeping of the jobs, which the CRM manager reads only
        skips.write({"state": "retry"})
        for cron in skips.cron_id:
            cron._trigger()
        return True

    def action_open_record(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).get_formview_action()

    # ------------------------------------------------------------------
    # Bookkeeping of run_batch
    # ------------------------------------------------------------------
    @api.model
    def _stp_of_job(self, model, job):
        """The skips of ``job`` on ``model``'s records (sudo: the job's bookkeeping)."""
        return self.sudo().search([("job", "=", job), ("res_model", "=", model._name)])

    def _stp_set_aside_ids(self, since):
        """Ids of the records of the skips ``self`` still to leave alone: failed since
        ``since`` and no retry asked."""
        return [skip.res_id for skip in self if skip.state == "skipped" and skip.date_last >= since]

    def _stp_record_failures(self, job, failures):
        """Count the ``failures`` (list of ``(record, error, details)``) of ``job``, whose
        skips so far are ``self``: a new skip per record failing for the first time, the
        known ones updated. The first skip of a job gives the CRM managers one activity."""
        if not failures:
            return
        known = {skip.res_id: skip for skip in self}
        now = self.env.cr.now()
        cron = self._stp_job_cron(job)
        new_values = []
        for record, error, details in failures:
            values = {
                "error": str(error) or repr(error),
                "error_details": details,
                "date_last": now,
                "state": "skipped",
            }
            if skip := known.get(record.id):
                skip.write(dict(values, failure_count=skip.failure_count + 1))
                continue
            company = record["company_id"] if "company_id" in record._fields else self.env["res.company"]
            new_values.append(
                dict(
                    values,
                    name=_record_name(record),
                    job=job,
                    cron_id=cron.id,
                    res_model=record._name,
                    res_id=record.id,
                    date_first=now,
                    company_id=company.id if company._name == "res.company" else False,
                )
            )
        created = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(new_values)
        if created and not known:
            created[0]._stp_notify_managers()

    @api.model
    def _stp_job_cron(self, job):
        """The scheduled action running ``job`` (named after its method, ``_cron_x`` or
        ``_cron_x:<key>``): the one ir.cron is running if any, else by its code."""
        progress = self.env["ir.cron.progress"].sudo().browse(self.env.context.get("ir_cron_progress_id"))
        if progress.exists():
            return progress.cron_id
        method = job.partition(":")[0]
        return self.env["ir.cron"].sudo().search([("code", "=like", f"model.{method}(%")], limit=1)

    def _stp_notify_managers(self):
        """One 'to do' activity on this skip for each CRM manager of its company."""
        self.ensure_one()
        managers = (
            self.env.ref(CRM_MANAGER)
            .sudo()
            .users.filtered(
                lambda user: not user.share and (not self.company_id or self.company_id in user.company_ids)
            )
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": self.id,
                    "activity_type_id": todo.id,
                    "summary": for_reader(self, user.partner_id)._stp_activity_summary(),
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                }
                for user in managers
            ]
        )

    def _stp_activity_summary(self):
        return self.env._(
            "Batch job “%(job)s” skipped records: see STP CRM > Configuration > Skipped Records", job=self.job_name
        )


def _record_name(record):
    """The record's name, or its model and id when even its name cannot be read."""
    try:
        with record.env.cr.savepoint():
            return record.sudo().display_name or f"{record._name},{record.id}"
    except Exception:  # noqa: BLE001 - a broken record may fail here too: it is still named
        return f"{record._name},{record.id}"
