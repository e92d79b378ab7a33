"""`pip install .` builds the wheel ``odoo-addon-stp_crm`` with whool, the OCA's build
backend for Odoo add-ons (``stp_crm/pyproject.toml``): the add-on lands in
``odoo/addons/stp_crm``, its name, version and dependencies come from the manifest
(through manifestoo-core) and its files are those git tracks. This file only lets the
repository root build the same wheel as ``pip wheel ./stp_crm``."""

import os
import pathlib

from manifestoo_core.metadata import metadata_from_addon_dir
from setuptools import setup
from whool.buildapi import build_wheel

try:
    from setuptools.command.bdist_wheel import bdist_wheel  # setuptools >= 70.1
except ImportError:
    from wheel.bdist_wheel import bdist_wheel

ADDON_DIR = pathlib.Path(__file__).resolve().parent / "stp_crm"
METADATA = metadata_from_addon_dir(ADDON_DIR, {})


class WhoolWheel(bdist_wheel):
    """``bdist_wheel``, done by whool on the add-on's directory."""

    def run(self):
        dist_dir = os.path.abspath(self.dist_dir)
        # whool builds the add-on of the current directory.
        cwd = os.getcwd()
        os.chdir(ADDON_DIR)
        try:
            build_wheel(dist_dir)
        finally:
            os.chdir(cwd)


setup(
    # The metadata pip reads before building; the wheel carries the same.
    name=METADATA["Name"],
    version=METADATA["Version"],
    description=METADATA["Summary"],
    url=METADATA["Home-page"],
    license=METADATA["License"],
    author=METADATA["Author"],
    python_requires=METADATA["Requires-Python"],
    install_requires=METADATA.get_all("Requires-Dist", []),
    classifiers=METADATA.get_all("Classifier", []),
    packages=[],
    py_modules=[],
    cmdclass={"bdist_wheel": WhoolWheel},
)
