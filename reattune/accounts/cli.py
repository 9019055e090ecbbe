"""`reattune reset-password EMAIL`: print a one-time link to choose a new password."""


def run(args) -> int:
    from reattune.cli import _setup_django

    _setup_django()
    from reattune.accounts.models import User
    from reattune.accounts.reset import reset_link

    user = User.objects.filter(email=args.email.strip().lower(), is_active=True).first()
    if user is None:
        print(f"No account uses {args.email!r}.")
        return 1
    from django.conf import settings

    print(reset_link(user, args.base_url or None))
    if not (args.base_url or settings.SITE_URL):
        # The command cannot see where the server listens: say what the link assumes.
        print(
            "This link assumes reattune is reached at http://127.0.0.1:8000. If people reach "
            "it at another address, run this again with --base-url ADDRESS (for example "
            "--base-url https://reattune.home.example), or set REATTUNE_SITE_URL."
        )
    print(
        "Give this link to its owner in person or through a channel only they read. It works "
        "once, for one hour; using it logs out every device and turns off access tokens."
    )
    return 0


def register(sub) -> None:
    parser = sub.add_parser(
        "reset-password", help="print a one-time link to choose a new password (valid 1 hour)"
    )
    parser.add_argument("email", help="the account's e-mail address")
    parser.add_argument(
        "--base-url", default="", help="the address people use (default: REATTUNE_SITE_URL)"
    )
    parser.set_defaults(func=run)
