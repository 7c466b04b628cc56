"""gunicorn settings for the portal: `gunicorn -c gunicorn.conf.py wsgi:app`.

Sync workers behind a TLS-terminating proxy that buffers requests and responses
(see docs/deployment.md). Every setting here can be overridden on the command
line, e.g. `--bind 127.0.0.1:8000`.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")

# Each sync worker serves one request at a time; about 2 per core is the usual start.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"

# A worker silent this long is killed and replaced: longer than any database wait
# (PostgreSQL's statement_timeout and SQLite's busy timeout are 5 seconds).
timeout = 30
# On a restart or shutdown, requests in flight get this long to finish.
graceful_timeout = 30
# Seconds to keep an idle connection from the proxy open (sync workers close anyway).
keepalive = 5
# Replace each worker after a while, so that slow leaks never build up (each
# new worker loads the app again, about a second of one core: not too often).
max_requests = 20000
max_requests_jitter = 2000
# The workers' heartbeat files live in memory, not on a possibly slow disk
# (gunicorn opens them itself, with random names).
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# gunicorn 25.1+ opens a control socket at a fixed path under $HOME by default,
# which two servers on one host would share. The portal does not use it.
control_socket_disable = True


def post_worker_init(worker):
    """The app is loaded: its own objects (modules, routes, templates, the
    journey definitions, some 160,000) live as long as the worker, so they are
    moved out of the garbage collector's reach. Otherwise every full
    collection walks them all again: about 90 ms on a 2-core machine, every
    few hundred requests, which was most of the queue's slowest 1 in 100."""
    gc.freeze()


# Access log: method, path without the query string, status and duration. No IP
# address, user agent or referrer: the applicants' privacy comes first.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(M)sms"


class PortalLogger(Logger):
    """The access log without secrets in paths: a staff set-up link
    (/admin/setup/<token>) is logged as /admin/setup/[token]. Control
    characters in the method or path (a %0A in a path is a new line once
    decoded) are written escaped, so no request can add a line of its own."""

    SECRET_PATH = re.compile(r"^(/admin/setup/)[^/]+")
    CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = self.SECRET_PATH.sub(r"\1[token]", atoms.get("U") or "-")
        for key in ("U", "m"):
            atoms[key] = escape_controls(str(atoms.get(key) or "-"))
        return atoms

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(ScrubbedErrors())


def escape_controls(text: str) -> str:
    return PortalLogger.CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


# Anything that looks like an address ("203.0.113.7", "2001:db8::1", with or
# without a port) is checked as one and, if it is, replaced.
ADDRESS_LIKE = re.compile(r"[0-9A-Fa-f]*[.:][0-9A-Fa-f.:]*[0-9A-Fa-f]")


def without_addresses(text: str) -> str:
    def replace(found: re.Match) -> str:
        value = found.group()
        for candidate in (value, value.rsplit(":", 1)[0]):
            try:
                ipaddress.ip_address(candidate)
            except ValueError:
                continue
            return "[address]" + value[len(candidate) :]
        return value

    return ADDRESS_LIKE.sub(replace, text)


class ScrubbedErrors(logging.Filter):
    """gunicorn's own log lines ("Invalid request from ip=..."): no client
    address, and what a request sent written with its control characters
    escaped, so that it cannot start a line of its own. A traceback keeps its
    lines but loses any address too."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = escape_controls(without_addresses(record.getMessage()))
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            text += "\n" + without_addresses(trace)
            record.exc_info = record.exc_text = None
        record.msg, record.args = text, ()
        return True


logger_class = PortalLogger
