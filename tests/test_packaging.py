"""The wheel `pip install .` builds at the repository root (whool, from the manifest).

A repository test, not one of the add-on's: it needs the source tree, which an installed
wheel does not have.
"""

import ast
import email.parser
import glob
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
ADDON_DIR = REPOSITORY / "stp_crm"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    wheel_dir = tmp_path_factory.mktemp("wheel")
    # Offline and with the tools already installed, as scripts/common.sh provides them.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["--wheel-dir", str(wheel_dir), str(REPOSITORY)],
        check=True,
        capture_output=True,
    )
    [path] = wheel_dir.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        files = set(archive.namelist())
        [metadata_path] = [name for name in files if name.endswith(".dist-info/METADATA")]
        metadata = email.parser.HeaderParser().parsestr(archive.read(metadata_path).decode())
    return files, metadata


def manifest_files():
    """Every file the manifest names: data, demo, and the assets' globs expanded."""
    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text(encoding="utf-8"))
    files = set(manifest["data"]) | set(manifest["demo"])
    for bundle in manifest["assets"].values():
        for pattern in bundle:
            relative = pattern.removeprefix(f"{ADDON_DIR.name}/")
            matches = glob.glob(relative, root_dir=ADDON_DIR, recursive=True)
            assert matches, f"the asset {pattern} matches no file"
            files.update(matches)
    return files


def test_wheel_is_the_addon_package(wheel):
    _files, metadata = wheel
    assert metadata["Name"] == "odoo-addon-stp_crm"
    assert metadata["Version"].startswith("18.0."), metadata["Version"]
    assert "odoo==18.0.*" in metadata.get_all("Requires-Dist")


def test_wheel_contains_every_file_the_manifest_names(wheel):
    files, _metadata = wheel
    expected = manifest_files() | {
        "__manifest__.py",
        "__init__.py",
        "i18n/vi.po",
        "i18n/stp_crm.pot",
        "static/description/icon.png",
        "static/description/index.html",
        "readme/API.md",  # read by the add-on's own test_api_docs, also when installed from the wheel
    }
    expected |= {str(path.relative_to(ADDON_DIR)) for path in ADDON_DIR.rglob("*.py")}
    missing = {name for name in expected if f"odoo/addons/stp_crm/{name}" not in files}
    assert missing == set(), "files missing from the wheel (are they committed to git?)"
