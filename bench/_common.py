"""Shared helpers for bench/http.py, bench/history.py and bench/startup.py.

- `machine()`: what the figures were taken on (nproc, CPU model, RAM, load).
- `databases(which)`: SQLite in a temp data dir, and PostgreSQL from DATABASE_URL (a fresh
  database next to it) or a private throw-away cluster like scripts/with-postgres.sh.
- `running_app(...)`: `reattune serve` on a free port (tests/browser helpers), stopped after.
- `Session`: log in through the real form; `load(...)`: a bounded thread-pool load on
  loopback with http.client (keep-alive connections, one per client).
- `stats(...)`, `print_table(...)`, `write_results(...)`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser import app_env, free_port, fresh_database, run_cli, start_server  # noqa: E402

RESULTS = ROOT / "bench" / "results"


# --- the machine ---------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_mb = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_mb = int(line.split()[1]) // 1024
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_mb": ram_mb,
        "python": platform.python_version(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "taken_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


# --- databases -----------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    for candidate in reversed(found):
        if (candidate / "initdb").exists():
            return candidate
    return None


@contextlib.contextmanager
def private_postgres():
    """A throw-away PostgreSQL cluster on loopback (as scripts/with-postgres.sh makes one)."""
    pg_bin = _pg_bin()
    if pg_bin is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="reattune-bench-pg."))
    folder.chmod(0o755)
    user = "postgres" if root else os.environ.get("USER", "postgres")
    prefix = ["runuser", "-u", "postgres", "--"] if root else []
    if root:
        shutil.chown(folder, "postgres")
    port = free_port()
    data = folder / "data"
    subprocess.run(
        [*prefix, str(pg_bin / "initdb"), "-D", str(data), "-U", user, "--auth=trust"]
        + ["-E", "UTF8", "--no-locale"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
        "-c shared_buffers=128MB"
    )
    subprocess.run(
        [*prefix, str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w"]
        + ["-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, "reattune"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://{user}@127.0.0.1:{port}/reattune"
    finally:
        subprocess.run(
            [*prefix, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def database(kind: str):
    """None for SQLite; a PostgreSQL URL for "postgres" (DATABASE_URL's server, or private)."""
    if kind == "sqlite":
        yield None
    elif os.environ.get("DATABASE_URL"):
        with fresh_database("reattune_bench") as url:
            yield url
    else:
        with private_postgres() as url:
            yield url


# --- the app -------------------------------------------------------------------------------


@dataclass
class App:
    served: object
    env: dict
    data_dir: Path

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def port(self) -> int:
        return self.served.port

    def cli(self, *args, timeout=600):
        return run_cli(list(args), self.env, timeout=timeout)

    def demo(self, *extra) -> list[dict]:
        out = self.cli("demo", "--json", *extra).stdout.strip().splitlines()[-1]
        return json.loads(out)["accounts"]


def app_environment(data_dir: Path, database_url: str | None, floor: bool = False) -> dict:
    # The app's own settings, production's password hashing included.
    env = app_env(data_dir, database_url, settings="reattune.settings")
    if floor:
        env["REATTUNE_BENCH_FLOOR"] = "1"
    env["REATTUNE_LOG_LEVEL"] = "WARNING"
    return env


@contextlib.contextmanager
def running_app(database_url, workers=2, threads=4, floor=False, prepare=None):
    """`reattune serve` with a fresh data dir; `prepare(env)` runs before it starts."""
    folder = Path(tempfile.mkdtemp(prefix="reattune-bench-"))
    data_dir = folder / "data"
    env = app_environment(data_dir, database_url, floor)
    # Without --no-access-log gunicorn writes one line per request to the log file: keep it,
    # it is part of the cost in production too.
    if prepare is not None:
        prepare(env)
    served = start_server(env, data_dir, workers=workers, threads=threads, timeout=90)
    try:
        yield App(served, env, data_dir)
    finally:
        served.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- HTTP ----------------------------------------------------------------------------------


COOKIE = re.compile(r"^([^=;\s]+)=([^;]*)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """A logged-in browser: cookies and the CSRF token, over one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (0, 1):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            match = COOKIE.match(value)
            if match:
                self.cookies[match[1]] = match[2]
        return response.status, data

    def login(self, email, password):
        status, body = self.request("GET", "/login/")
        token = CSRF_INPUT.search(body.decode())[1]
        form = urlencode({"csrfmiddlewaretoken": token, "email": email, "password": password})
        status, _ = self.request(
            "POST",
            "/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.origin},
        )
        if status != 302:
            raise RuntimeError(f"log-in as {email} answered {status}")
        return self

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def csrf_headers(self) -> dict:
        return {"X-CSRFToken": self.cookies.get("csrftoken", ""), "Referer": self.origin}

    def close(self):
        self.connection.close()


@dataclass
class Target:
    """One thing to load: a name, and `call(session, client_index) -> status`."""

    name: str
    call: object
    ok: tuple = (200,)
    note: str = ""


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    elapsed: float = 0.0


def load(sessions, target: Target, clients: int, requests: int, seconds: float, warm=3) -> Run:
    """`clients` threads, each with its own session, until `requests` or `seconds` is reached."""
    for i in range(min(clients, len(sessions))):
        for _ in range(warm):
            target.call(sessions[i], i)
    run = Run()
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def worker(index):
        session = sessions[index]
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > deadline:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status = target.call(session, index)
            except Exception as error:  # noqa: BLE001 - counted, shown in the table
                status = type(error).__name__
            took = time.perf_counter() - started
            with lock:
                if status in target.ok:
                    run.latencies.append(took)
                else:
                    run.errors[str(status)] = run.errors.get(str(status), 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed = time.perf_counter() - started
    return run


def stats(run: Run) -> dict:
    values = sorted(run.latencies)
    if not values:
        return {"n": 0, "errors": run.errors}
    p99 = values[min(len(values) - 1, max(0, round(0.99 * len(values)) - 1))]
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "rps": round(len(values) / run.elapsed, 1) if run.elapsed else None,
        "errors": run.errors,
    }


# --- output --------------------------------------------------------------------------------


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print(
            "  ".join(
                c.rjust(w) if n and i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def write_results(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"\nwrote {path.relative_to(ROOT)}")
    return path


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            ppid = int(text.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append(int(stat.parent.name))
    return sorted(found)
