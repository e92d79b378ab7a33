from . import test_partner_tier
from . import test_installed_product
from . import test_access
from . import test_xmlrpc
from . import test_ui
from . import test_translations
from . import test_performance
from . import test_api_docs
