"""Package the credit_exposure addon as odoo.addons.credit_exposure.

The distribution name follows the convention of Odoo 11 addons on PyPI
(odoo11-addon-<addon name>), so `pip install .` puts the addon next to the
addons of the Odoo 11 installation.
"""

import ast
import os

from setuptools import find_packages, setup

ADDON = "credit_exposure"
HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, ADDON, "__manifest__.py")) as manifest_file:
    MANIFEST = ast.literal_eval(manifest_file.read())

setup(
    name="odoo11-addon-" + ADDON,
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    license="AGPL-3",
    python_requires=">=3.5",
    packages=["odoo.addons." + ADDON]
    + ["odoo.addons.%s.%s" % (ADDON, name) for name in find_packages(ADDON)],
    package_dir={"odoo.addons." + ADDON: ADDON},
    include_package_data=True,
    package_data={
        "odoo.addons." + ADDON: [
            "*.xml",
            "*/*.xml",
            "*/*.csv",
            "*/*.po",
            "*/*.pot",
            "migrations/*/*.py",
            "static/description/*",
            "readme/*",
            "README.md",
        ]
    },
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 11.0",
        "License :: OSI Approved :: GNU Affero General Public License v3",
        "Programming Language :: Python :: 3",
    ],
)
