"""`python -m builder.console serve|adduser|revoke|disable|enable|users`: what `invoke console.*`
runs (and a container's command). The demo server comes from CPD_DEMO_CONSOLE_SERVER (a superuser
URL: in the environment, never on a command line); the project from CPD_DEMO_CONFIG; snapshots from
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

    if not 1 <= port <= 65535:
        raise UserError(f"--port {port} is not a port: 1 to 65535.")
    proxy = SETTINGS.console_trusted_proxy, SETTINGS.console_proxy_header  # checked before anything starts
    boot.prepare(_context(host))
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    from builder.console import http
    from builder.console.engine import engine
    from builder.console.settings import STATIC_DIR

    eng = engine()  # the project and its hooks load now: a bad config stops here, not at the first request
    app = WhiteNoise(get_wsgi_application(), root=str(STATIC_DIR), prefix="static/", max_age=3600)
    server = http.server(app, host, port, SETTINGS.console_threads, *proxy)
    shown = f"[{host}]" if ":" in host else host
    print(f"console for the demos on {eng.where} at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    server.run()


def _password() -> str:
    password = SETTINGS.console_password
    if not password:
        if not sys.stdin.isatty():
            raise UserError("Set CPD_DEMO_CONSOLE_PASSWORD, or run this in a terminal to be asked for the password.")
        password = getpass.getpass(f"password (at least {MIN_PASSWORD} characters): ")
        _long_enough(password)  # said before it is typed a second time
        if getpass.getpass("again: ") != password:
            raise UserError("The two passwords differ: nothing was changed.")
    _long_enough(password)
    return password


def _long_enough(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"A console password has at least {MIN_PASSWORD} characters.")


def _say(line: str) -> None:
    print(line, flush=True)


def _users():
    from builder.console import boot

    boot.prepare(_context())
    from builder.console import users

    return users


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.console")
    sub = parser.add_subparsers(dest="command", required=True)
    serving = sub.add_parser("serve")
    serving.add_argument("--host", default="127.0.0.1")
    serving.add_argument("--port", type=int, default=8765)
    adding = sub.add_parser("adduser")
    adding.add_argument("--username", required=True)
    adding.add_argument("--token", action="store_true")
    adding.add_argument("--expires", default="")
    revoking = sub.add_parser("revoke")
    revoking.add_argument("--username", required=True)
    revoking.add_argument("--token", default="")
    for name in ("disable", "enable"):
        sub.add_parser(name).add_argument("--username", required=True)
    sub.add_parser("users")
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            serve(args.host, args.port)
        elif args.command == "adduser":
            from builder.clock import parse_duration

            expires = parse_duration(args.expires, "--expires") if args.expires else None
            if expires and not args.token:
                raise UserError("--expires is the API token's lifetime: give it with --token.")
            password = _password()
            _users().adduser(args.username, password, args.token, expires, _say)
        elif args.command == "revoke":
            _users().revoke(args.username, args.token.strip(), _say)
        elif args.command in ("disable", "enable"):
            _users().set_active(args.username, args.command == "enable", _say)
        else:
            _users().users(_say)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
