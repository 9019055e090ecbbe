"""Key drill: rotate and retire encryption keys under load, then start with broken key files.

Run from the repository root:  python bench/key_drill.py [--writes N] [--grace G] ...

1. Rotation under load. A fresh data directory (SQLite, or --database-url for an empty
   PostgreSQL database; or, with --data-from, a copy of a new installation's, migrated
   beforehand), one account with a personal access token, `reattune serve` with
   --workers processes. Client threads POST journal entries through the API and a reader
   lists the journal and asks /healthz, without pause (or --pause seconds between one
   client's requests). While they run:
   `reattune rotate-keys`, then `reattune rotate-keys --retire-old --grace G --wait`, then
   more writes. The server is never restarted. Afterwards every entry the client saw
   confirmed (201) must read back exactly through the running server, and again after a
   restart; any 5xx, at any moment, counts against the drill.
2. Broken key files. With the server stopped, the key file is removed, emptied, made
   invalid and replaced by a wrong key, one after the other: each time `reattune serve` must
   exit non-zero with its message, without starting and without touching the key file. With
   the right file back it starts, /healthz answers 200 and every confirmed entry reads back.

Prints a summary and writes bench/results/key_drill.json (--results to change). Exit status
0 when nothing confirmed was lost, no 5xx was seen and every broken key file was refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder is first on sys.path; a bench module named like a standard
# module (http.py, json.py...) must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import http.client  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "key_drill.json"
KEYS = "encryption.keys"


def _crash_drill():
    """bench/crash_drill.py's server and client helpers (one copy of that code)."""
    spec = importlib.util.spec_from_file_location(
        "crash_drill", Path(__file__).with_name("crash_drill.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


drill = _crash_drill()


def drill_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = drill.drill_env(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def reattune(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reattune", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def post_entry(port: int, token: str, key: str, body: str) -> tuple[int | None, str]:
    """(status, "") or (None, what went wrong) when no answer came."""
    payload = json.dumps({"body": body, "visibility": "private", "submit_key": key})
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "POST",
            "/api/v1/journal",
            body=payload.encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        status = connection.getresponse().status
        connection.close()
        return status, ""
    except (OSError, http.client.HTTPException) as error:
        return None, type(error).__name__


def get(port: int, path: str, token: str | None = None) -> int | None:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status
    except (OSError, http.client.HTTPException):
        return None


class Load:
    """Writer threads and one reader against a running server, until stop()."""

    def __init__(self, port: int, token: str, threads: int, pause: float = 0.0):
        self.port, self.token, self.threads = port, token, threads
        # Seconds each thread waits between its requests: 0 keeps the server as busy as the
        # clients can make it; the test suite's small run paces itself so that it does not
        # take both cores of a CI machine from the tests beside it.
        self.pause = pause
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.confirmed: dict[str, str] = {}
        self.statuses: dict[str, int] = {}
        self.attempted = 0
        self.reads = 0
        self.pool: list[threading.Thread] = []
        self.began = time.monotonic()
        self.no_answers: list[dict] = []  # when (since the load began) and what
        self.server_error_requests: list[dict] = []  # each 5xx: request, status, when
        self.slowest_write = 0.0

    def _count(self, kind: str, status: int | None, path: str) -> None:
        name = f"{kind} {status if status is not None else 'no answer'}"
        with self.lock:
            self.statuses[name] = self.statuses.get(name, 0) + 1
            if status is not None and status >= 500:
                self.server_error_requests.append({
                    "request": f"{kind.split()[0]} {path}",
                    "status": status,
                    "at_seconds": round(time.monotonic() - self.began, 2),
                })  # fmt: skip

    def _write(self) -> None:
        while not self.stopping.is_set():
            with self.lock:
                self.attempted += 1
                number = self.attempted
            key = str(uuid.uuid4())
            body = f"key drill {number} ✓ {key[:8]}"
            began = time.monotonic()
            status, error = post_entry(self.port, self.token, key, body)
            took = time.monotonic() - began
            self._count("POST journal", status, "/api/v1/journal")
            with self.lock:
                self.slowest_write = max(self.slowest_write, took)
            if error:
                with self.lock:
                    self.no_answers.append(
                        {"at_seconds": round(time.monotonic() - self.began, 2), "error": error}
                    )
            if status == 201:
                with self.lock:
                    self.confirmed[key] = body
            self.stopping.wait(self.pause)

    def _read(self) -> None:
        while not self.stopping.is_set():
            listing = "/api/v1/journal?scope=mine&limit=20"
            self._count("GET journal", get(self.port, listing, self.token), listing)
            self._count("GET healthz", get(self.port, "/healthz"), "/healthz")
            with self.lock:
                self.reads += 1
            self.stopping.wait(self.pause)

    def start(self) -> None:
        self.pool = [threading.Thread(target=self._write) for _ in range(self.threads)]
        self.pool.append(threading.Thread(target=self._read))
        for thread in self.pool:
            thread.start()

    def wait_for(self, confirmed: int, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.confirmed) >= confirmed:
                    return
            time.sleep(0.01)
        raise RuntimeError(f"fewer than {confirmed} writes were confirmed in {timeout:.0f} s")

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.pool:
            thread.join()

    def server_errors(self) -> int:
        return sum(n for name, n in self.statuses.items() if name.split()[-1].startswith("5"))


_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Failed|Configured|Exit))\b")
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\w+)')


def server_log_excerpt(log_dir: Path, limit: int = 40) -> list[str]:
    """What the server logged about its failures, with no value that could be personal.

    Only the lines naming a failed request's path ("Internal Server Error: /api/...") or a
    failed health check's reason (fixed words), and for each traceback its last two frames
    (file, line, function) and the exception's class name: never an exception's message,
    which may quote stored text or SQL parameters.
    """
    kept: list[str] = []
    for log in sorted(log_dir.glob("serve-*.log")):
        frames: list[str] = []
        for line in log.read_text(errors="replace").splitlines():
            for marker in ("Internal Server Error: ", "Health check failed: "):
                if marker in line:
                    kept.append(f"{log.name}: {marker}{line.split(marker, 1)[1][:120]}")
            frame = _FRAME.match(line)
            if frame:
                short = "/".join(Path(frame[1]).parts[-3:])
                frames = [*frames[-1:], f"{short}:{frame[2]} in {frame[3]}"]
                continue
            exception = _EXCEPTION.match(line)
            if exception and frames:
                kept.append(f"{log.name}:   {' <- '.join(reversed(frames))}: {exception[1]}")
                frames = []
    return kept[:limit]


def unreadable(port: int, token: str, confirmed: dict[str, str]) -> int:
    listed = drill.fetch_entries(port, token)
    return sum(body not in listed for body in confirmed.values())


def broken_key_files(env: dict, data_dir: Path, right: str) -> list[dict]:
    """Each broken key file: does `reattune serve` refuse, quickly, leaving the file alone?"""
    path = data_dir / KEYS
    from cryptography.fernet import Fernet

    cases = {
        "missing": None,
        "empty": "\n",
        "invalid": "not-a-key\n",
        "wrong key": Fernet.generate_key().decode() + "\n",
    }
    results = []
    for name, content in cases.items():
        if content is None:
            path.unlink()
        else:
            path.write_text(content)
        started = time.monotonic()
        try:
            run = reattune(
                env, "serve", "--port", str(drill.free_port()), "--workers", "1", timeout=90
            )
            code, message = run.returncode, (run.stderr.strip().splitlines() or [""])[-1]
        except subprocess.TimeoutExpired:
            code, message = None, "did not refuse: it started serving"
        after = path.read_text() if path.exists() else None
        results.append({
            "case": name,
            "exit_status": code,
            "seconds": round(time.monotonic() - started, 2),
            "message": message,
            "key_file_untouched": after == content,
            "refused": code not in (0, None) and after == content,
        })  # fmt: skip
        path.write_text(right)
        os.chmod(path, 0o600)
    return results


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="reattune-key-drill-"))
    data_dir = work / "data"
    if args.data_from:  # a new installation made beforehand: its copy, modes and all
        shutil.copytree(args.data_from, data_dir)
    env = drill_env(data_dir, args.database_url)
    server = drill.Server(env, work, args.workers)
    started = time.monotonic()
    result: dict = {
        "engine": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers,
        "client_threads": args.threads,
        "pause_seconds": args.pause,
        "grace_seconds": args.grace,
    }
    try:
        if not args.data_from:
            made = reattune(env, "manage", "migrate", "--verbosity", "0")
            assert made.returncode == 0, made.stderr
        made = reattune(env, "manage", "shell", "-c", drill.CREATE_ACCOUNT)
        assert made.returncode == 0, made.stderr
        token = next(
            line.split(" ", 1)[1] for line in made.stdout.splitlines() if line.startswith("TOKEN ")
        )
        first_key = (data_dir / KEYS).read_text()
        server.start()
        load = Load(server.port, token, args.threads, args.pause)
        load.start()
        try:
            quarter = max(args.writes // 4, 1)
            load.wait_for(quarter)
            result["rotate_began_at_seconds"] = round(time.monotonic() - load.began, 2)
            t0 = time.monotonic()
            rotated = reattune(env, "rotate-keys")
            result["rotate_seconds"] = round(time.monotonic() - t0, 2)
            result["rotate_exit_status"] = rotated.returncode
            result["rotate_output"] = (
                rotated.stdout.strip().splitlines()[-4:] + rotated.stderr.strip().splitlines()[-2:]
            )
            with load.lock:
                result["confirmed_before_retire"] = len(load.confirmed)
            result["retire_began_at_seconds"] = round(time.monotonic() - load.began, 2)
            t0 = time.monotonic()
            retired = reattune(
                env, "rotate-keys", "--retire-old", "--grace", str(args.grace), "--wait"
            )
            result["retire_seconds_including_grace"] = round(time.monotonic() - t0, 2)
            result["retire_exit_status"] = retired.returncode
            result["retire_output"] = (
                retired.stdout.strip().splitlines()[-3:] + retired.stderr.strip().splitlines()[-2:]
            )
            with load.lock:
                after_retire = len(load.confirmed)
            load.wait_for(max(args.writes, after_retire + quarter))
        finally:
            load.stop()
        keys_now = (data_dir / KEYS).read_text().split()
        result.update(
            writes_attempted=load.attempted,
            confirmed=len(load.confirmed),
            reads=load.reads,
            statuses=dict(sorted(load.statuses.items())),
            no_answers=load.no_answers,
            slowest_write_seconds=round(load.slowest_write, 2),
            server_errors_during_load=load.server_errors(),
            server_error_requests=load.server_error_requests[:20],
            server_log_errors=server_log_excerpt(work),
            keys_after=len(keys_now),
            key_changed=keys_now != first_key.split(),
            unreadable_without_restart=unreadable(server.port, token, load.confirmed),
            list_after=get(server.port, "/api/v1/journal?scope=mine&limit=200", token),
            healthz_after=get(server.port, "/healthz"),
        )
        server.stop()
        server.start()
        result["unreadable_after_restart"] = unreadable(server.port, token, load.confirmed)
        server.stop()

        result["broken_key_files"] = []
        if not args.skip_broken_key_files:
            right = (data_dir / KEYS).read_text()
            result["broken_key_files"] = broken_key_files(env, data_dir, right)
            server.start()
            result["healthz_with_the_right_key_back"] = get(server.port, "/healthz")
            result["unreadable_with_the_right_key_back"] = unreadable(
                server.port, token, load.confirmed
            )
            server.stop()
    finally:
        server.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    result["seconds"] = round(time.monotonic() - started, 2)
    result["ok"] = (
        result["rotate_exit_status"] == 0
        and result["retire_exit_status"] == 0
        and result["keys_after"] == 1
        and result["key_changed"]
        and result["confirmed"] > 0
        and result["server_errors_during_load"] == 0
        and result["unreadable_without_restart"] == 0
        and result["unreadable_after_restart"] == 0
        and result["list_after"] == 200
        and result["healthz_after"] == 200
        and (
            args.skip_broken_key_files
            or (
                all(case["refused"] for case in result["broken_key_files"])
                and result["healthz_with_the_right_key_back"] == 200
                and result["unreadable_with_the_right_key_back"] == 0
            )
        )
    )
    if args.keep:
        result["work_dir"] = str(work)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=600, help="writes to confirm at least (600)")
    parser.add_argument("--threads", type=int, default=4, help="client writer threads (4)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (2)")
    parser.add_argument(
        "--grace", type=float, default=10, help="rotate-keys --retire-old --grace (10 s)"
    )
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds between one client's requests (0)"
    )
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument(
        "--data-from",
        type=Path,
        default=None,
        help="start from a copy of this data directory of a new installation (migrated, key "
        "files made, no rows; with --database-url, that database migrated) instead of migrating",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to write")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and logs")
    parser.add_argument(
        "--skip-broken-key-files",
        action="store_true",
        help="only the rotation under load (tests/test_keys_startup.py covers the rest)",
    )
    args = parser.parse_args(argv)
    result = run(args)
    refusals = ", ".join(
        f"{c['case']}: exit {c['exit_status']} in {c['seconds']} s"
        for c in result["broken_key_files"]
    )
    errors = "".join(
        f"    {e['status']} at {e['at_seconds']} s: {e['request']}\n"
        for e in result["server_error_requests"]
    ) + "".join(f"    server log: {line}\n" for line in result["server_log_errors"])
    print(
        f"key drill ({result['engine']}, {result['workers']} workers, "
        f"{result['client_threads']} writers) in {result['seconds']} s\n"
        f"  rotate-keys: {result['rotate_seconds']} s; --retire-old (grace {args.grace:g} s): "
        f"{result['retire_seconds_including_grace']} s; keys left: {result['keys_after']}\n"
        f"  writes: {result['writes_attempted']} attempted, {result['confirmed']} confirmed; "
        f"5xx during the load: {result['server_errors_during_load']}; slowest write: "
        f"{result['slowest_write_seconds']} s\n"
        f"{errors}"
        f"  confirmed but unreadable: {result['unreadable_without_restart']} without a restart, "
        f"{result['unreadable_after_restart']} after one\n"
        f"  broken key files: {refusals or 'skipped'}\n"
        f"  {'OK' if result['ok'] else 'FAILED'}"
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
