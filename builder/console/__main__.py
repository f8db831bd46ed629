"""`python -m builder.console serve|adduser`: what `invoke console.serve` and `console.adduser` run
(and a container's command). The demo server comes from CPD_DEMO_CONSOLE_SERVER (a superuser URL:
in the environment, never on a command line); the project from CPD_DEMO_CONFIG; snapshots from
CPD_DEMO_SNAPSHOTS."""

import argparse
import getpass
import sys

from builder.errors import UserError
from builder.settings import SETTINGS

MIN_PASSWORD = 8


def _context(host: str = ""):
    from builder.console.boot import Context

    if not SETTINGS.console_server:
        raise UserError("CPD_DEMO_CONSOLE_SERVER must name the demo server (a superuser URL): "
                        "`invoke console.serve --server URL` sets it.")
    extra = (host,) if host and host not in ("0.0.0.0", "::") else ()
    return Context(server_url=SETTINGS.console_server, dedicated=SETTINGS.console_dedicated,
                   snapshots=SETTINGS.snapshots, config=SETTINGS.config or None, allowed_hosts=extra)


def serve(host: str, port: int) -> None:
    from builder.console import boot

    boot.prepare(_context(host))
    from django.core.wsgi import get_wsgi_application
    from waitress import serve as waitress_serve
    from whitenoise import WhiteNoise

    from builder.console.engine import engine
    from builder.console.settings import STATIC_DIR

    eng = engine()  # the project and its hooks load now: a bad config stops here, not at the first request
    app = WhiteNoise(get_wsgi_application(), root=str(STATIC_DIR), prefix="static/", max_age=3600)
    shown = f"[{host}]" if ":" in host else host
    print(f"console for the demos on {eng.where} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    waitress_serve(app, host=host, port=port, threads=SETTINGS.console_threads, ident="cpd-demo console",
                   clear_untrusted_proxy_headers=True, _quiet=True)


def _password() -> str:
    password = SETTINGS.console_password
    if not password:
        if not sys.stdin.isatty():
            raise UserError("Set CPD_DEMO_CONSOLE_PASSWORD, or run this in a terminal to be asked for the password.")
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise UserError("The two passwords differ: nothing was changed.")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"A console password has at least {MIN_PASSWORD} characters.")
    return password


def adduser(username: str, token: bool) -> None:
    from django.core.exceptions import ValidationError

    from builder.console import boot

    password = _password()
    boot.prepare(_context())
    from django.contrib.auth.models import User

    from builder.console.models import ApiToken

    try:
        User.username_validator(username)
    except ValidationError:
        raise UserError(f"Console user names are letters, digits and @.+-_ (got {username!r}).") from None
    if not username or len(username) > 150:
        raise UserError("A console user name has 1 to 150 characters.")
    user, made = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_active = True
    user.save()
    print(f"{'added' if made else 'updated the password of'} the console user {username}", flush=True)
    if token:
        print("an API token for it (shown once; send it as Authorization: Bearer TOKEN):", flush=True)
        print(ApiToken.issue(user), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.console")
    sub = parser.add_subparsers(dest="command", required=True)
    serving = sub.add_parser("serve")
    serving.add_argument("--host", default="127.0.0.1")
    serving.add_argument("--port", type=int, default=8765)
    adding = sub.add_parser("adduser")
    adding.add_argument("--username", required=True)
    adding.add_argument("--token", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            serve(args.host, args.port)
        else:
            adduser(args.username, args.token)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
