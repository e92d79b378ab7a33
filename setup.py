"""Wheel ``odoo-addon-stp_crm``: installs the add-on as ``odoo/addons/stp_crm``
in site-packages, where Odoo finds it (the layout OCA wheels use)."""

import ast
import pathlib

from setuptools import setup

HERE = pathlib.Path(__file__).parent
MANIFEST = ast.literal_eval((HERE / "stp_crm" / "__manifest__.py").read_text(encoding="utf-8"))
SUBPACKAGES = sorted(
    str(path.parent.relative_to(HERE)).replace("/", ".") for path in (HERE / "stp_crm").rglob("__init__.py")
)

setup(
    name="odoo-addon-stp_crm",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license=MANIFEST["license"],
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    python_requires=">=3.10",
    install_requires=["odoo>=18.0a,<18.1dev", *MANIFEST["external_dependencies"]["python"]],
    packages=[f"odoo.addons.{name}" for name in SUBPACKAGES],
    package_dir={f"odoo.addons.{name}": name.replace(".", "/") for name in SUBPACKAGES},
    package_data={
        "odoo.addons.stp_crm": [
            "*.py",
            "**/*.xml",
            "**/*.csv",
            "**/*.po",
            "**/*.pot",
            "**/*.png",
            "**/*.js",
            "**/*.scss",
        ]
    },
    include_package_data=False,
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
)
