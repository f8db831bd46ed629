"""The console: every named demo of one server on one page, for a sales team, and a JSON API.

A small Django project of the engine's own (the engine's interpreter, not a product's), served by
waitress. It keeps its users, sessions, API tokens and login throttle in the server's control
database (schema `console`, beside the registry, closed to demo logins), and acts on demos only
through `builder.named`, so the console and the command line share one usage log. Host code never
imports it: `invoke console.*` starts it as `python -m builder.console`.

boot      before Django: the control database made ready, the signing key, migrations
settings  Django's settings, from what boot found
engine    the console's one view of its server: the engine's DemoServer per user, versions, logins
jobs      long actions (new, reset, drop) in background threads, with progress the page polls
access    logins, the throttle on wrong passwords, API tokens, the API's errors as JSON
guard     bodies too large, unknown paths, the control database unreachable: answered, JSON under /api/
http      waitress: bodies bounded and never spooled, its refusals as JSON, the trusted proxy
sessions  Django's database sessions, keyed by a digest; users: console.adduser/revoke/disable/…
rows      a demo as the page shows it
views     the page and its forms; api: the JSON API
"""
