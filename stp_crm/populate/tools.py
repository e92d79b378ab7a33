"""Data factories in the shape of Odoo's populate framework (``_populate_sizes``,
``_populate_dependencies``, ``_populate_factories``), which Odoo 18 replaced in core by
duplication of existing rows (``odoo-bin populate --factors``). Duplication copies the
demo data a few thousand times with numbered names; these factories build new,
realistic Vietnamese records instead, through the ORM, so every constraint, sequence
and compute runs. ``odoo-bin stp_populate`` (see ``cli/stp_populate.py``) runs them.

Size ``huge`` (500,000 customers) is too big for the ORM here (4 to 24 ms a partner:
half an hour to hours): a model that has a ``_populate_insert(values, count)`` method writes
that size with it instead, in SQL batches (``res.partner``: see populate/res_partner.py;
a test checks that its rows equal the ORM's). The other models keep the ORM and their
``large`` size.

A factory is ``generate(iterator, field_name, model_name)``: it takes the stream of
value dicts of the factories before it and fills in ``field_name``."""

import itertools
import logging
from random import Random

_logger = logging.getLogger(__name__)

SIZES = ("small", "medium", "large", "huge")
BATCH_SIZE = 1000
# The sizes written by a model's SQL fast path (``_populate_insert``) when it has one.
FAST_SIZES = ("huge",)


def randomize(values, weights=None):
    """A value picked at random among ``values`` (a seeded, repeatable choice)."""

    def generate(iterator, field_name, model_name):
        rand = Random(f"{model_name}+field+{field_name}")
        for record_values in iterator:
            record_values[field_name] = rand.choices(values, weights)[0]
            yield record_values

    return generate


def compute(function):
    """``function(values=, counter=, random=)`` gives the value from the fields before it."""

    def generate(iterator, field_name, model_name):
        rand = Random(f"{model_name}+field+{field_name}")
        for counter, record_values in enumerate(iterator):
            record_values[field_name] = function(values=record_values, counter=counter, random=rand)
            yield record_values

    return generate


def _stream():
    while True:
        yield {}


def populated(model, model_name):
    """The records made for ``model_name`` earlier in this populate run."""
    return model.env.context.get("stp_populated", {}).get(model_name, model.env[model_name])


def customer_ids(model):
    """The companies made earlier in this run, or else existing customers."""
    made = populated(model, "res.partner")
    # one query, not a fetch of every populated partner (size huge: 500,000)
    companies = made and made.search([("id", "in", made.ids), ("is_company", "=", True)], order="id")
    return companies.ids or model.env["res.partner"].search([("customer_rank", ">", 0)], limit=1000).ids


def stp_user_ids(env):
    """The internal users of STP CRM, who own the generated work."""
    group = env.ref("stp_crm.group_stp_crm_user")
    return env["res.users"].search([("groups_id", "in", group.id), ("share", "=", False)]).ids or [env.uid]


def quiet(model):
    """No chatter, tracking or mail for generated records."""
    return model.with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True, mail_notify_force_send=False
    )


def generate_values(model, count):
    """``count`` value dicts made by the factories of ``model``."""
    stream = _stream()
    for field_name, factory in model._populate_factories():
        stream = factory(stream, field_name, model._name)
    return itertools.islice(stream, count)


def population_size(model, size):
    """How many records of ``model`` make ``size``: a model without that size takes the
    largest size it has below it (``huge`` tickets are ``large`` ones)."""
    sizes = model._populate_sizes
    return sizes.get(size) or sizes[next(name for name in reversed(SIZES[: SIZES.index(size)]) if name in sizes)]


def populate(env, model_names, size, populated=None):
    """Create ``_populate_sizes[size]`` records of every model in ``model_names``,
    their ``_populate_dependencies`` first. Returns {model name: created records}.
    Factories find the records made for the models they depend on in ``populated``;
    a caller may give it for dependencies it made otherwise (e.g. {"res.partner": ...})."""
    populated = dict(populated or {})

    def process(model_name):
        if model_name in populated:
            return
        model = env[model_name]
        for dependency in getattr(model, "_populate_dependencies", []):
            process(dependency)
        count = population_size(model, size)
        model = quiet(model.with_context(stp_populated=populated))
        _logger.info("Populating %s: %s records", model_name, count)
        stream = generate_values(model, count)
        if size in FAST_SIZES and hasattr(model, "_populate_insert"):
            populated[model_name] = model._populate_insert(stream, count)
            return
        records = model.browse()
        while values := list(itertools.islice(stream, BATCH_SIZE)):
            batch = model.create(values)
            if hasattr(model, "_populate_finish"):
                batch._populate_finish()  # what a user would do next: confirm, close, ...
            records |= batch
            env.flush_all()
            env.invalidate_all()
        populated[model_name] = records

    for model_name in model_names:
        process(model_name)
    return populated
