"""The private path of writes only a model's own code may make.

The state actions, the crons and the code that sets system fields write with
:data:`SYSTEM_WRITE` in the context. An RPC call only sends JSON values, so it can
never carry this object (compared with ``is``): a context key sent over RPC,
whatever its value, opens nothing.
"""

SYSTEM_WRITE = object()
CONTEXT_KEY = "stp_system_write"


def system_env(records):
    """``records`` in an environment whose writes are the model's own."""
    return records.with_context(**{CONTEXT_KEY: SYSTEM_WRITE})


def is_system_write(env):
    return env.context.get(CONTEXT_KEY) is SYSTEM_WRITE
