from . import vn_address
