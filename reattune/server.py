"""`reattune serve`: gunicorn with threaded workers (docs/decisions/0001-gunicorn.md)."""

import sys

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from reattune.core.logs import redact_path


class RedactingAccessLogger(Logger):
    """Access log lines without query strings or token-bearing path segments."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD", "")
        atoms["r"] = f"{method} {path} {environ.get('SERVER_PROTOCOL', '')}"
        atoms["U"] = path
        atoms["q"] = ""
        atoms["f"] = "-"  # referer may carry an invite link
        # Other atoms ({raw_uri}, {path_info}e, {query_string}e ...) repeat the path or the query:
        # a custom log format must not bring back what the ones above leave out.
        raw = [environ.get(k, "") for k in ("RAW_URI", "PATH_INFO", "QUERY_STRING")]
        raw = [value for value in raw if value]
        for key, value in list(atoms.items()):
            if key not in ("r", "U") and isinstance(value, str) and any(x in value for x in raw):
                atoms[key] = "-"
        return atoms


class Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from reattune.wsgi import application

        warm()
        return application


# The page frame every framed page extends, and what it includes on every page.
FRAME_TEMPLATES = ("base.html", "includes/timeout_button.html", "includes/footer_links.html")


def warm() -> None:
    """Build once in the master, before gunicorn forks the workers (preload_app), what each
    worker would otherwise build on its first framed page: the URL resolver's table of names
    for reverse() and the frame's compiled templates. Every worker starts with them, the same
    for everyone; none of it reads the database, and no connection is taken into the fork."""
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (built on first use, for the default language)
    for name in FRAME_TEMPLATES:
        get_template(name)
    connections.close_all()


def run(
    host: str, port: int, workers: int, threads: int, access_log: bool, trusted_proxies: list[str]
) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": "-" if access_log else None,
        "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
        "errorlog": "-",
        "logger_class": RedactingAccessLogger,
        "preload_app": True,
        "forwarded_allow_ips": ",".join(trusted_proxies) or "",
        "proc_name": "reattune",
        "control_socket_disable": True,
    }
    sys.argv = [sys.argv[0]]  # gunicorn must not parse our own arguments
    Server(options).run()
