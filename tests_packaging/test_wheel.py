"""`pip install .` must install the whole addon as odoo.addons.credit_exposure."""

import os
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(ROOT, "credit_exposure")
SHIPPED = (".py", ".xml", ".csv", ".po", ".pot", ".png", ".html", ".md")


def _addon_files():
    for folder, _dirs, names in os.walk(ADDON):
        if "__pycache__" in folder:
            continue
        for name in names:
            if name.endswith(SHIPPED):
                path = os.path.relpath(os.path.join(folder, name), ADDON)
                yield "odoo/addons/credit_exposure/" + path.replace(os.sep, "/")


def test_wheel_contains_every_addon_file(tmp_path):
    subprocess.check_call(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            ROOT,
        ]
    )
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith("odoo11_addon_credit_exposure-11.0.")
    names = set(zipfile.ZipFile(str(wheel)).namelist())
    missing = sorted(set(_addon_files()) - names)
    assert missing == []
