from odoo import api, models
from odoo.exceptions import UserError

from ..tools.guard import is_system_write, system_env

LOG_FIELDS = frozenset(models.MAGIC_COLUMNS)


class StpCrmGuardedMixin(models.AbstractModel):
    """What only the model's own code writes, refused in ``create``/``write``
    from anyone else (RPC, the web client, other add-ons):

    - ``_stp_state_field``: the status changes only through ``_stp_set_state()``
      (the actions and crons), following ``_stp_state_transitions`` if given;
    - ``_stp_frozen_fields``: ``{state: field names}`` that cannot change while a
      record is in that state (the same value written again is fine);
    - system fields: every stored read-only field (declared ``readonly=True``, or
      computed without an inverse; our ``stp_`` ones on other apps' models) plus
      ``_stp_system_fields`` (read-only in the form): set only by the model's own code, through ``_stp_system()``, or as
      superuser (data files, code already acting as superuser).

    A model that adds system values in its own ``create``/``write`` override checks
    the caller's values first with ``_stp_check_guarded_create``/``_stp_check_guarded_write``,
    then calls ``super()`` on ``_stp_system()``. Odoo's own recomputation of stored
    computed fields does not go through ``write()``: it is never refused.
    """

    _name = "stp.crm.guarded.mixin"
    _description = "STP CRM guarded fields"

    _stp_state_field = None
    _stp_state_transitions = None  # {to: (from, ...)}; None: the actions check the state themselves
    _stp_frozen_fields = {}  # {state: (field name, ...)}
    _stp_system_fields = ()  # besides every stored read-only field

    # ------------------------------------------------------------------
    # The private path
    # ------------------------------------------------------------------
    def _stp_system(self):
        """These records, writing as the model's own code (guards open)."""
        return system_env(self)

    def _stp_system_write(self, vals):
        return self._stp_system().write(vals)

    def _stp_set_state(self, state, **values):
        """The one way the status is written: by the actions and the crons."""
        allowed = (self._stp_state_transitions or {}).get(state)
        if allowed is not None and any(record[self._stp_state_field] not in allowed for record in self):
            labels = dict(self._fields[self._stp_state_field]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(model)s: cannot go from %(from)s to %(to)s.",
                    model=self._description,
                    to=labels[state],
                    **{"from": ", ".join(sorted({labels[record[self._stp_state_field]] for record in self}))},
                )
            )
        return self._stp_system_write(dict(values, **{self._stp_state_field: state}))

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    @api.model
    def _stp_guarded_system_fields(self):
        """On a model of another app (res.partner), only our own ``stp_`` fields."""
        own_model = self._name.startswith("stp.")
        return [
            name
            for name, field in self._fields.items()
            if name in self._stp_system_fields
            or (
                field.store
                and field.readonly
                and field.column_type
                and name not in LOG_FIELDS
                and (own_model or name.startswith("stp_"))
            )
        ]

    @api.model
    def _stp_check_guarded_create(self, vals_list):
        if is_system_write(self.env) or self.env.su:
            return
        self.browse().check_access("create")  # no right at all: an access error, as before any guard
        defaults = {key[8:] for key in self.env.context if key.startswith("default_")}
        for vals in vals_list:
            self._stp_check_system_values(vals.keys() | defaults)

    def _stp_check_guarded_write(self, vals):
        if is_system_write(self.env):
            return
        self.browse().check_access("write")  # no right at all: an access error, as before any guard
        state_field = self._stp_state_field
        if state_field and state_field in vals:
            raise UserError(self._stp_state_refused_message())
        if not self.env.su:
            self._stp_check_system_values(vals.keys())
        self._stp_check_frozen_fields(vals)

    def _stp_check_system_values(self, names):
        given = [name for name in self._stp_guarded_system_fields() if name in names]
        if given:
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s are set by the system, not by hand.",
                    fields=self._stp_field_labels(given),
                    model=self._description,
                )
            )

    def _stp_check_frozen_fields(self, vals):
        if not self._stp_frozen_fields:
            return
        for record in self:
            names = self._stp_frozen_fields.get(record[self._stp_state_field], ())
            changed = [
                name
                for name in names
                if name in vals
                and record._fields[name].convert_to_cache(vals[name], record, validate=False)
                != record._fields[name].convert_to_cache(record[name], record, validate=False)
            ]
            if changed:
                raise UserError(record._stp_frozen_refused_message(self._stp_field_labels(changed)))

    @api.model
    def _stp_field_labels(self, names):
        return ", ".join(self._fields[name]._description_string(self.env) for name in names)

    # ------------------------------------------------------------------
    # Messages (a model may say more about its own actions)
    # ------------------------------------------------------------------
    @api.model
    def _stp_state_refused_message(self):
        return self.env._(
            "%(field)s of %(model)s changes only through its actions.",
            field=self._stp_field_labels([self._stp_state_field]),
            model=self._description,
        )

    def _stp_frozen_refused_message(self, labels):
        self.ensure_one()
        state = dict(self._fields[self._stp_state_field]._description_selection(self.env))[self[self._stp_state_field]]
        return self.env._(
            "%(fields)s of %(record)s cannot change while it is %(state)s.",
            fields=labels,
            record=self.display_name,
            state=state,
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._stp_check_guarded_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._stp_check_guarded_write(vals)
        return super().write(vals)
