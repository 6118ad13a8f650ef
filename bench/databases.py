"""PostgreSQL databases and Odoo command-line runs of the benchmark."""

import hashlib
import logging
import os
import shutil
import subprocess
import sys

import psycopg2

import odoo

_logger = logging.getLogger("credit_exposure.bench")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ODOO_BIN = os.path.join(ROOT, "runtime", "odoo-bin")


class Databases(object):
    """Create, copy and drop the benchmark's databases on the configured server.

    Only databases whose name starts with the benchmark's prefix are touched.
    """

    def __init__(self, prefix, odoo_options, log_dir):
        self.prefix = prefix
        self.odoo_options = list(odoo_options)
        self.log_dir = log_dir
        config = odoo.tools.config
        self.dsn = {
            "host": config["db_host"] or None,
            "port": config["db_port"] or None,
            "user": config["db_user"] or None,
            "password": config["db_password"] or None,
        }

    def name(self, suffix):
        return "%s_%s" % (self.prefix, suffix)

    def _check_own(self, name):
        if not name.startswith(self.prefix + "_"):
            raise ValueError(
                "%s is not a benchmark database (prefix %s)" % (name, self.prefix)
            )

    def _admin_connection(self):
        connection = psycopg2.connect(dbname="postgres", **self.dsn)
        connection.autocommit = True
        return connection

    def execute_admin(self, query, params=None, fetch=False):
        connection = self._admin_connection()
        try:
            with connection.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if fetch else None
        finally:
            connection.close()

    def exists(self, name):
        rows = self.execute_admin(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,), fetch=True
        )
        return bool(rows)

    def release(self, name):
        """Close this process's connections to a database and forget its registry."""
        odoo.sql_db.close_db(name)
        odoo.modules.registry.Registry.delete(name)

    def drop(self, name):
        self._check_own(name)
        self.release(name)
        if self.exists(name):
            # Connections left by a crashed earlier run of the benchmark would
            # make DROP DATABASE fail.
            self.execute_admin(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid != pg_backend_pid()",
                (name,),
                fetch=True,
            )
            self.execute_admin('DROP DATABASE "%s"' % name)
        shutil.rmtree(odoo.tools.config.filestore(name), ignore_errors=True)

    def create(self, name, template=None):
        """Create a database, empty or as a copy of template with its filestore."""
        self._check_own(name)
        if template:
            self.release(template)
            self.execute_admin('CREATE DATABASE "%s" TEMPLATE "%s"' % (name, template))
            source = odoo.tools.config.filestore(template)
            if os.path.isdir(source):
                shutil.copytree(source, odoo.tools.config.filestore(name))
        else:
            self.execute_admin('CREATE DATABASE "%s"' % name)

    def copy(self, name, template):
        self.drop(name)
        self.create(name, template)

    def odoo_command(self, *arguments):
        return [sys.executable, ODOO_BIN] + self.odoo_options + list(arguments)

    def server_command(self, *arguments):
        """Return the command line of a multi-process server.

        The compatibility layer lets Odoo 11's prefork workers set their float
        CPU limits on Python 3.10 and later.
        """
        return self.odoo_command(*arguments)

    def install(self, name, modules, update=False):
        """Install (or update) modules in a database with Odoo's command line.

        Raises RuntimeError with the log's path when the installation fails or
        logs an error.
        """
        log_path = os.path.join(self.log_dir, "install-%s.log" % name)
        _logger.info(
            "%s %s in %s (log: %s)", "updating" if update else "installing",
            modules, name, log_path,
        )  # fmt: skip
        command = self.odoo_command(
            "-d", name, "-u" if update else "-i", modules, "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0", "--log-level=warn", "--logfile=%s" % log_path,
        )  # fmt: skip
        if os.path.exists(log_path):
            os.remove(log_path)
        result = subprocess.run(command, stdin=subprocess.DEVNULL)
        with open(log_path) as handle:
            errors = [
                line for line in handle if " ERROR " in line or " CRITICAL " in line
            ]
        if result.returncode or errors:
            raise RuntimeError(
                "installing %s in %s failed (exit code %s); see %s"
                % (modules, name, result.returncode, log_path)
            )

    def installed(self, name, module):
        """Tell whether module is installed in the database name."""
        if not self.exists(name):
            return False
        connection = psycopg2.connect(dbname=name, **self.dsn)
        try:
            with connection.cursor() as cr:
                cr.execute(
                    "SELECT state FROM ir_module_module WHERE name = %s", (module,)
                )
                row = cr.fetchone()
        except psycopg2.Error:
            return False
        finally:
            connection.close()
        return bool(row) and row[0] == "installed"


def module_digest(module):
    """Return a digest of a module's source files, to tell when they changed."""
    path = odoo.modules.module.get_module_path(module)
    digest = hashlib.sha256()
    for directory, subdirectories, files in sorted(os.walk(path)):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for file_name in sorted(files):
            if file_name.endswith(".pyc"):
                continue
            file_path = os.path.join(directory, file_name)
            digest.update(os.path.relpath(file_path, path).encode())
            with open(file_path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()
