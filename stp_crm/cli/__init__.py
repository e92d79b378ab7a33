from . import stp_populate
