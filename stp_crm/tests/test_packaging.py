import ast
import email.parser
import glob
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from odoo.tests import TransactionCase, tagged

ADDON_DIR = Path(__file__).resolve().parents[1]
REPOSITORY = ADDON_DIR.parent


@tagged("post_install", "-at_install")
class TestWheel(TransactionCase):
    """`pip install .` at the repository root: whool builds the wheel from the manifest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        wheel_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(wheel_dir.cleanup)
        cls.wheel_dir = Path(wheel_dir.name)
        # Offline and with the tools already installed, as scripts/common.sh provides them.
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
            + ["--wheel-dir", str(cls.wheel_dir), str(REPOSITORY)],
            check=True,
            capture_output=True,
        )
        [cls.wheel] = cls.wheel_dir.glob("*.whl")
        with zipfile.ZipFile(cls.wheel) as archive:
            cls.files = set(archive.namelist())
            [metadata_path] = [name for name in cls.files if name.endswith(".dist-info/METADATA")]
            cls.metadata = email.parser.HeaderParser().parsestr(archive.read(metadata_path).decode())

    def _manifest_files(self):
        """Every file the manifest names: data, demo, and the assets' globs expanded."""
        manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text(encoding="utf-8"))
        files = set(manifest["data"]) | set(manifest["demo"])
        for bundle in manifest["assets"].values():
            for pattern in bundle:
                relative = pattern.removeprefix(f"{ADDON_DIR.name}/")
                matches = glob.glob(relative, root_dir=ADDON_DIR, recursive=True)
                self.assertTrue(matches, f"the asset {pattern} matches no file")
                files.update(matches)
        return files

    def test_wheel_is_the_addon_package(self):
        self.assertEqual(self.metadata["Name"], "odoo-addon-stp_crm")
        self.assertTrue(self.metadata["Version"].startswith("18.0."), self.metadata["Version"])
        self.assertIn("odoo==18.0.*", self.metadata.get_all("Requires-Dist"))

    def test_wheel_contains_every_file_the_manifest_names(self):
        expected = self._manifest_files() | {
            "__manifest__.py",
            "__init__.py",
            "i18n/vi.po",
            "i18n/stp_crm.pot",
            "static/description/icon.png",
            "static/description/index.html",
        }
        expected |= {str(path.relative_to(ADDON_DIR)) for path in ADDON_DIR.rglob("*.py")}
        missing = {name for name in expected if f"odoo/addons/stp_crm/{name}" not in self.files}
        self.assertEqual(missing, set(), "files missing from the wheel (are they committed to git?)")
