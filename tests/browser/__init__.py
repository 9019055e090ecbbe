"""Helpers for tests that run the real `reattune` command in a subprocess.

Used by the browser tests (tests/browser/conftest.py) and the CLI tests (tests/test_cli_*.py):

- `app_env(data_dir, database_url)`: a production-like environment for a subprocess (the test
  run's own REATTUNE_* removed; settings tests.served_settings: reattune.settings with the
  tests' cheap password hasher first). It leaves the data files' start-up stamp in data_dir
  (see `stamp_data_check`).
- `fresh_database(prefix)`: in the PostgreSQL run, a new empty database on the server named
  by DATABASE_URL, dropped afterwards; yields None in the SQLite run.
- `run_cli(args, env)`: `python -m reattune ...`, captured.
- `serve(env, data_dir)`: `reattune serve` on a free port, waited for, stopped afterwards.
"""

import contextlib
import functools
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SERVE_TIMEOUT = 180.0  # a hang guard, not a speed check: a busy CI machine migrates slowly


@functools.cache
def _data_files_fingerprint() -> str:
    from reattune.domain.data_check import fingerprint

    return fingerprint()


def stamp_data_check(data_dir: Path) -> None:
    """Write the stamp a `reattune` command leaves once it found the shipped data files good.

    Every command starts by checking every data file (about a second of CPU) unless the data
    folder's `.data-check` stamp says these very files passed before. The test run checks them
    in-process at its own start (and tests/test_data_startup.py checks refusals in real
    processes), so a subprocess on a fresh folder need not check them all again. The stamp is
    only what a passing check would write for the default settings: a subprocess given other
    data (REATTUNE_RESOURCE_DIRS, say) gets another fingerprint and checks as usual.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = data_dir / ".data-check"
    if not stamp.exists():
        stamp.touch(mode=0o600)
        stamp.write_text(_data_files_fingerprint() + "\n", encoding="ascii")


def app_env(
    data_dir: Path,
    database_url: str | None = None,
    *,
    data_checked: bool = True,
    settings: str = "tests.served_settings",
) -> dict[str, str]:
    """The environment for a `reattune` subprocess: SQLite in data_dir, or database_url.

    With data_checked (the default), data_dir is created with the start-up stamp of the
    shipped data files in it (`stamp_data_check`); False leaves data_dir untouched. settings:
    the tests' servers get the app's settings with a cheap password hash
    (tests/served_settings.py); benchmarks and scripts that need production's pass
    "reattune.settings"."""
    if data_checked:
        stamp_data_check(data_dir)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("REATTUNE_")
        and name
        not in (
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "DATABASE_URL_FILE",
            # the browser fixture's allowance for its own test process, never the app's
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env["REATTUNE_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = settings  # the process runs in REPO: `tests` imports
    if "REATTUNE_CACHE_DIR" in os.environ:  # the run's shared cache (tests/settings.py)
        env["REATTUNE_CACHE_DIR"] = os.environ["REATTUNE_CACHE_DIR"]
    env["PYTHONUNBUFFERED"] = "1"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextlib.contextmanager
def fresh_database(prefix: str):
    """A new PostgreSQL database next to the one in DATABASE_URL; None when there is none."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        yield None
        return
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunparse(urlparse(base)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# A hang guard, not a speed check: under a load of seven processes per core a `manage migrate`
# took more than a minute.
CLI_TIMEOUT = 300.0


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = CLI_TIMEOUT, check: bool = True
) -> subprocess.CompletedProcess:
    """`python -m reattune *args`; with check, a non-zero exit fails with the output shown."""
    result = subprocess.run(
        [sys.executable, "-m", "reattune", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        _assert_exit_0(result, args)
    return result


def _assert_exit_0(result: subprocess.CompletedProcess, args) -> None:
    assert result.returncode == 0, (
        f"`reattune {' '.join(args)}` exited {result.returncode}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )


# The code of `reattune manage shell -c CODE`, run by one `reattune manage shell` that lives as
# long as its app (ServedApp.keep_shell): each CODE read from stdin as a JSON line runs as `-c`
# runs it (the shell's globals and its automatic model imports, fresh for each), with its own
# stdout and stderr and Django's caches emptied before it; the database connections are closed
# after each, as a process's are when it ends. The answer is one line after the marker. Starting Django for each `manage shell`
# cost about 0.6 CPU-s; the browser tests ran about 55 of them.
_SHELL_MARK = "@@reattune-test-shell@@ "
_SHELL_LOOP = f"""
import contextlib as _c, io as _io, json as _j, sys as _s, traceback as _t
from django.core.cache import caches as _caches
from django.db import connections as _connections
_base, _reply = dict(globals()), _s.stdout
for _line in _s.stdin:
    for _cache in _caches.all(initialized_only=True):
        _cache.clear()  # as a new process's empty in-memory caches
    _o, _e, _rc = _io.StringIO(), _io.StringIO(), 0
    with _c.redirect_stdout(_o), _c.redirect_stderr(_e):
        try:
            exec(_j.loads(_line), dict(_base))
        except SystemExit as _exit:
            _rc = _exit.code if isinstance(_exit.code, int) else int(_exit.code is not None)
        except BaseException:
            _t.print_exc()
            _rc = 1
        finally:
            _connections.close_all()
    _answer = {{"rc": _rc, "stdout": _o.getvalue(), "stderr": _e.getvalue()}}
    _reply.write({_SHELL_MARK!r} + _j.dumps(_answer) + "\\n")
    _reply.flush()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, headers: dict | None = None, timeout: float = 10):
    """(status, headers, body text) without raising on 4xx/5xx or following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


@dataclass
class ServedApp:
    """A running `reattune serve`. `.url` ends without a slash: f"{app.url}/login/"."""

    url: str
    port: int
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen
    log_path: Path
    extra: dict = field(default_factory=dict)
    # With keep_shell, `cli("manage", "shell", "-c", code)` runs code in one long-lived shell
    # (_SHELL_LOOP) instead of a new process each time.
    keep_shell: bool = False
    _shell: subprocess.Popen | None = field(default=None, repr=False)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def cli(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """Run another `reattune` command against the same data directory and database."""
        if self.keep_shell and len(args) == 4 and args[:3] == ("manage", "shell", "-c"):
            return self._shell_run(args, **kwargs)
        return run_cli(list(args), self.env, **kwargs)

    def _shell_run(self, args, timeout: float = CLI_TIMEOUT, check: bool = True):
        shell_log = self.log_path.with_name(f"shell-{self.port}.log")
        if self._shell is None or self._shell.poll() is not None:
            with open(shell_log, "ab") as log:  # its logging, which no one reads meanwhile
                self._shell = subprocess.Popen(
                    [sys.executable, "-m", "reattune", "manage", "shell", "-c", _SHELL_LOOP],
                    env=self.env,
                    cwd=REPO,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                )
        shell = self._shell
        deadline, out, mark = time.monotonic() + timeout, b"", _SHELL_MARK.encode()
        try:
            shell.stdin.write(json.dumps(args[3]).encode() + b"\n")
            shell.stdin.flush()
            # Read from the pipe itself, not a buffered file, so select sees all there is.
            while mark not in out or not out.endswith(b"\n"):
                left = max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([shell.stdout], [], [], left)
                chunk = os.read(shell.stdout.fileno(), 1 << 16) if ready else None
                if chunk is None:
                    raise subprocess.TimeoutExpired(args, timeout)
                if not chunk:
                    log = shell_log.read_text(errors="replace")
                    raise AssertionError(f"the kept `reattune manage shell` ended:\n{log}")
                out += chunk
        except BaseException:
            # Whatever went wrong, this shell's next answer must never be read as another
            # snippet's: it goes, and the next snippet starts a new one.
            self._stop_shell()
            raise
        answer = json.loads(out[out.index(mark) + len(mark) :])
        result = subprocess.CompletedProcess(
            [sys.executable, "-m", "reattune", *args],
            answer["rc"],
            answer["stdout"],
            answer["stderr"],
        )
        if check:
            _assert_exit_0(result, args)
        return result

    def _stop_shell(self) -> None:
        shell, self._shell = self._shell, None
        if shell is None:
            return
        with contextlib.suppress(OSError):
            shell.stdin.close()
        try:
            shell.wait(20)
        except subprocess.TimeoutExpired:
            shell.kill()
            shell.wait(5)

    def demo(self) -> list[dict]:
        """`reattune demo --json` on this app's data: [{email, password, token}, ...]."""
        result = self.cli("demo", "--json", timeout=180)  # a hang guard, even on a busy machine
        return json.loads(result.stdout.strip().splitlines()[-1])["accounts"]

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM (gunicorn's graceful stop); SIGKILL to the process group if it hangs."""
        self._stop_shell()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        return self.process.returncode


def _start(env, data_dir, log_path, port, workers, threads):
    log = open(log_path, "wb")  # noqa: SIM115 (closed by the caller through the process)
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reattune",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers share a process group we can end together
        )
    finally:
        log.close()
    return process


def start_server(
    env: dict[str, str],
    data_dir: Path,
    workers: int = 1,
    threads: int = 4,
    timeout: float = SERVE_TIMEOUT,
) -> ServedApp:
    """Start `reattune serve` on a free port and wait until /login/ answers 200.

    Another process may take the port between our probe and gunicorn's bind (other people's
    servers run on this machine): then we try again on a new port, and we only trust an answer
    once gunicorn has said it listens on our port, so a stranger's server is never mistaken
    for ours.
    """
    logs = data_dir.parent
    logs.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    failures = []
    while time.monotonic() < deadline:
        port = free_port()
        log_path = logs / f"serve-{port}.log"
        process = _start(env, data_dir, log_path, port, workers, threads)
        app = ServedApp(f"http://127.0.0.1:{port}", port, data_dir, env, process, log_path)
        listening = f"Listening at: http://127.0.0.1:{port}"
        last_answer = "gunicorn never said it listens"
        while time.monotonic() < deadline:
            output = app.output()
            if process.poll() is not None or "Connection in use" in output:
                app.stop()
                failures.append(f"--- port {port}:\n{app.output()}")
                break
            if listening in output:
                try:
                    status, _, body = http_get(f"{app.url}/login/", timeout=5)
                except OSError as error:
                    status, body = None, repr(error)
                if status == 200:
                    return app
                last_answer = f"last answer from /login/: {status}\n{body[:2000]}"
            time.sleep(0.1)
        else:
            app.stop()
            failures.append(f"--- port {port} (timed out; {last_answer}):\n{app.output()}")
    raise AssertionError(
        f"`reattune serve` did not answer 200 on /login/ within {timeout:.0f} s\n"
        + "\n".join(failures)
    )


@contextlib.contextmanager
def serve(env: dict[str, str], data_dir: Path, **kwargs):
    app = start_server(env, data_dir, **kwargs)
    try:
        yield app
    finally:
        app.stop()


def unique_email(name: str) -> str:
    return f"{name}-{secrets.token_hex(4)}@example.org"
