import os
import re
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

# Shipped inside the add-on (docs/api.md links to it), so the suite runs from the wheel too.
DOC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "readme", "API.md")


@tagged("post_install", "-at_install")
class TestApiDocs(HttpCase):
    """The examples of docs/api.md run as written against a live server."""

    def test_examples_run(self):
        if not os.path.exists(DOC):
            self.fail("readme/API.md is missing (it ships with the add-on)")
        with open(DOC, encoding="utf-8") as doc:
            blocks = re.findall(r"```python\n(.*?)```", doc.read(), re.S)
        self.assertGreaterEqual(len(blocks), 3)
        environ = {
            "STP_URL": self.base_url(),
            "STP_DB": self.env.cr.dbname,
            "STP_USER": "admin",
            "STP_PASSWORD": "admin",
        }
        namespace = {}
        with patch.dict(os.environ, environ):
            for block in blocks:
                exec(compile(block, DOC, "exec"), namespace)  # noqa: S102 - the documentation is the test
        self.assertTrue(namespace["uid"])
        self.assertTrue(self.env["res.partner"].browse(namespace["partner_id"]).exists())
