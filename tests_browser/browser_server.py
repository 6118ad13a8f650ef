"""An Odoo server in its own process, on a database of its own, for browser tests.

The web client needs committed data and a server that serves HTTP. pytest-odoo
runs each test in a transaction that is rolled back, and its `--odoo-http`
option does not help on Odoo 11.0: there it calls
`odoo.service.server.start(stop=True)`, which stops the HTTP server as soon as
it has started. So the browser tests start Odoo with `runtime/odoo-bin`, on
127.0.0.1 and a free port, and set up their data over XML-RPC.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "admin"
MODULES = "credit_exposure,l10n_generic_coa"
START_TIMEOUT = 180
INSTALL_TIMEOUT = 900
# Start of each entry of Odoo's log: "2024-01-31 12:00:00,123 4242 ERROR db ...".
LOG_LINE_START = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")
LOG_ERROR_LEVEL = re.compile(r" (ERROR|CRITICAL) ")


class ServerError(Exception):
    """The Odoo server could not be started."""


class OdooServer:
    """A running Odoo server: its address, database and log, and XML-RPC calls."""

    def __init__(self, url, database, log):
        self.url = url
        self.database = database
        self.log = log
        self._common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
        self._object = xmlrpc.client.ServerProxy(
            url + "/xmlrpc/2/object", allow_none=True
        )
        self._uids = {}

    def call(self, login, password, model, method, *args, **kwargs):
        """Call method of model over XML-RPC as the user login."""
        if login not in self._uids:
            uid = self._common.authenticate(self.database, login, password, {})
            if not uid:
                raise ServerError("XML-RPC login of %s failed" % login)
            self._uids[login] = uid
        return self._object.execute_kw(
            self.database,
            self._uids[login],
            password,
            model,
            method,
            list(args),
            kwargs,
        )

    def admin(self, model, method, *args, **kwargs):
        """Call method of model over XML-RPC as the administrator."""
        return self.call("admin", ADMIN_PASSWORD, model, method, *args, **kwargs)

    def ref(self, xml_id):
        """Return the database id of the record with this XML id."""
        return self.admin("ir.model.data", "xmlid_to_res_id", xml_id, True)

    def log_size(self):
        """Return the size of the server log in bytes."""
        return self.log.stat().st_size if self.log.exists() else 0

    def error_entries(self, start=0):
        """Return the ERROR and CRITICAL entries logged from byte start on.

        Each entry is the log line with the traceback lines that follow it.
        """
        if not self.log.exists():
            return []
        with self.log.open("rb") as log:
            log.seek(start)
            text = log.read().decode("utf-8", errors="replace")
        entries = []
        for line in text.splitlines():
            if LOG_LINE_START.match(line):
                entries.append(line)
            elif entries:
                entries[-1] += "\n" + line
        return [
            entry
            for entry in entries
            if LOG_ERROR_LEVEL.search(entry.split("\n", 1)[0])
        ]


def pg_env():
    """Return the environment with the PostgreSQL settings of scripts/lib.sh."""
    env = dict(os.environ)
    env.setdefault("PGHOST", "localhost")
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGUSER", "odoo")
    env.setdefault("PGPASSWORD", "odoo")
    return env


def _odoo_env():
    env = pg_env()
    # lessc compiles the web client's stylesheets.
    lessc_dir = ROOT / ".venv" / "node" / "node_modules" / ".bin"
    env["PATH"] = "%s%s%s" % (lessc_dir, os.pathsep, env.get("PATH", ""))
    return env


def _odoo_command(database, data_dir, *args):
    env = pg_env()
    return [
        sys.executable,
        str(ROOT / "runtime" / "odoo-bin"),
        "--db_host=%s" % env["PGHOST"],
        "--db_port=%s" % env["PGPORT"],
        "--db_user=%s" % env["PGUSER"],
        "--db_password=%s" % env["PGPASSWORD"],
        "--addons-path=%s" % ROOT,
        "--data-dir=%s" % data_dir,
        "-d",
        database,
        *args,
    ]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log, lines=40):
    if not log.exists():
        return "(no log at %s)" % log
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def copy_database(template, database, data_dir):
    """Copy the database template and its filestore, or return False on failure.

    template must be the database of this process's Odoo registry. Its pooled
    connections are closed first, because PostgreSQL copies a database only
    while no other session is connected to it.
    """
    odoo = sys.modules["odoo"]
    odoo.sql_db.close_db(template)
    result = subprocess.run(
        ["createdb", "-O", pg_env()["PGUSER"], "-T", template, database],
        env=pg_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(
            "Copying the database %s failed: %s" % (template, result.stderr)
        )
        return False
    filestore = Path(odoo.tools.config.filestore(template))
    if filestore.is_dir():
        shutil.copytree(filestore, data_dir / "filestore" / database)
    return True


def install_database(database, data_dir, log):
    """Create the database and install the addon in it, without demo data."""
    subprocess.run(
        ["createdb", "-O", pg_env()["PGUSER"], database], env=pg_env(), check=True
    )
    command = _odoo_command(
        database,
        data_dir,
        "-i",
        MODULES,
        "--without-demo=all",
        "--stop-after-init",
        "--log-level=warn",
        "--logfile=%s" % log,
    )
    result = subprocess.run(command, env=_odoo_env(), timeout=INSTALL_TIMEOUT)
    if result.returncode:
        raise ServerError(
            "Installing %s in %s failed:\n%s" % (MODULES, database, _tail(log))
        )


def start_server(database, data_dir, log):
    """Start Odoo on a free port of 127.0.0.1 and return (process, OdooServer).

    Cron threads are off, so that no scheduled job changes the data under a
    test.
    """
    port = _free_port()
    url = "http://127.0.0.1:%s" % port
    command = _odoo_command(
        database,
        data_dir,
        "--db-filter=^%s$" % database,
        "--http-interface=127.0.0.1",
        "--http-port=%s" % port,
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--logfile=%s" % log,
    )
    process = subprocess.Popen(command, env=_odoo_env())
    try:
        _wait_until_up(process, url, log)
    except BaseException:
        stop_server(process)
        raise
    return process, OdooServer(url, database, log)


def _wait_until_up(process, url, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                "The Odoo server stopped with exit code %s while starting:\n%s"
                % (process.returncode, _tail(log))
            )
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise ServerError(
        "The Odoo server timed out: no response on %s within %s s:\n%s"
        % (url, START_TIMEOUT, _tail(log))
    )


def stop_server(process):
    """Stop the server process, killing it if it does not stop within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def drop_database(database):
    subprocess.run(["dropdb", "--if-exists", database], env=pg_env(), check=False)
