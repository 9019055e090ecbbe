"""The `reattune` command: serve, manage, demo, rotate-keys and the feature commands.

Each subcommand is a function taking parsed arguments; Django is set up only when needed, so
`reattune --help` is instant.
"""

import argparse
import os
import sys


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reattune.settings")
    import django
    from django.apps import apps

    if apps.ready:  # main() called again in one process (tests): set up once, as a server is
        return
    django.setup()


def cmd_serve(args) -> int:
    from reattune import paths

    directory = paths.ensure_data_dir()
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from reattune import keys

    # Before migrating: keys that do not fit the data stop here, before anything is written.
    if keys.startup_check():
        return 1
    # Every data file loaded and every language's crisis patterns compiled once here, before
    # the workers are forked (start-up's own check may have been skipped by its stamp): a
    # broken file stops the server with its file and field named, and the workers start with
    # everything loaded instead of each loading it on its first request.
    from reattune.assessments.catalog import catalog
    from reattune.domain.data_check import validate_all
    from reattune.domain.datafile import DataFileError

    try:
        validate_all(resource_dirs=[d for d in settings.RESOURCE_DIRS if d], compile_crisis=True)
        catalog()  # the instruments, the host's included (checked at set-up), for the workers
    except DataFileError as error:
        print(f"reattune cannot start: a data file is broken: {error}", file=sys.stderr)
        return 1
    call_command("migrate", interactive=False, verbosity=0)
    if not settings.STATIC_FROM_SOURCE:  # the same reading as settings ("0" means off)
        from reattune.core import static_storage

        static_storage.collect()  # skipped when nothing changed since the last start
    scheme = "https" if settings.HTTPS else "http"
    print(
        f"reattune {_version()} serving on {scheme}://{args.host}:{args.port}/ "
        f"(data in {directory}, {args.workers} worker(s))",
        flush=True,
    )
    from reattune import server

    server.run(
        args.host,
        args.port,
        args.workers,
        args.threads,
        not args.no_access_log,
        settings.TRUSTED_PROXIES,
    )
    return 0


def cmd_manage(args) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["reattune manage", *args.rest])
    return 0


def cmd_demo(args) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from reattune import demo

    return demo.run(args)


def cmd_rotate_keys(args) -> int:
    _setup_django()
    from reattune import keys

    if keys.startup_check():
        return 1
    if args.retire_old:
        grace = keys.GRACE_SECONDS if args.grace is None else args.grace
        return keys.retire(grace=grace, wait=args.wait)
    return keys.rotate()


def _version() -> str:
    from reattune import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reattune",
        description="reattune: notice emotional distance early and reconnect, on your own server.",
    )
    parser.add_argument("--version", action="version", version=f"reattune {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web app (applies migrations first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    serve.add_argument("--threads", type=int, default=4, help="threads per process (default 4)")
    serve.add_argument("--no-access-log", action="store_true")
    serve.set_defaults(func=cmd_serve)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    demo = sub.add_parser("demo", help="create a demo couple to look around with")
    demo.add_argument("--json", action="store_true", help="print accounts and tokens as JSON")
    demo.add_argument(
        "--couples", type=int, default=0, help="also generate this many bulk couples (benchmarks)"
    )
    demo.add_argument("--days", type=int, default=84, help="days of rituals to generate")
    demo.set_defaults(func=cmd_demo)

    rotate = sub.add_parser(
        "rotate-keys",
        help="add a new encryption key and re-encrypt all data (then --retire-old)",
        description="Step 1 (no option): add a new key and re-encrypt everything under it; "
        "old keys stay for reading. Step 2 (--retire-old, at least --grace seconds later): "
        "remove the old keys once no stored value and no running process needs them.",
    )
    rotate.add_argument(
        "--retire-old",
        action="store_true",
        help="remove the old keys, after checking nothing still uses them",
    )
    rotate.add_argument(
        "--grace",
        type=float,
        default=None,
        help="seconds the newest key must have been in place before retiring (default 120)",
    )
    rotate.add_argument(
        "--wait", action="store_true", help="with --retire-old: wait out the grace period"
    )
    rotate.set_defaults(func=cmd_rotate_keys)

    from reattune import commands
    from reattune.vault import cli as vault_cli

    commands.add_feature_commands(sub)
    vault_cli.register(sub)  # `reattune vault decrypt | fingerprint`
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    raise SystemExit(main())
