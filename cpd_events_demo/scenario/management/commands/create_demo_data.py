"""The CPD Events demo's own demo-data command, as any Django project has one: it fills an empty,
migrated database with the plan and the world around it, generated around --anchor. It walks the
scenario's steps in the plan's order, writing what each drew and printing a line for it."""

import os
import shutil
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Model

from cpd_events_demo.scenario.context import Context, Options
from cpd_events_demo.scenario.models import platform_models
from cpd_events_demo.scenario.persist import Writer, password_hash
from cpd_events_demo.scenario.steps import STEPS

MEDIA_DIRS = ("badges", "certificate_templates", "modules", "submissions")
MAX_SCALE = 5000


class Command(BaseCommand):
    help = ("Fill an empty, migrated database with the CPD Events demo scenario (docs/scenario.md), "
            "generated around --anchor.")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", required=True, help="ISO instant (with its offset) the data is generated around.")
        parser.add_argument("--seed", type=int, default=20240501,
                            help="Random seed (same seed, scale and anchor -> same rows).")
        parser.add_argument("--scale", type=int, default=1,
                            help=f"Multiplier for generated volumes, 1 to {MAX_SCALE} (1 = the plan as written).")
        parser.add_argument("--password", default=None,
                            help="Login password of every persona (default: CPD_DEMO_PASSWORD, else the demo password).")
        parser.add_argument("--media-root", default=None, help="Where to write media files (default: MEDIA_ROOT).")
        parser.add_argument("--reset", action="store_true", help="Empty the database first instead of refusing.")

    def handle(self, *args, **opts):
        try:
            anchor = datetime.fromisoformat(opts["anchor"])
        except ValueError:
            anchor = None
        if anchor is None or anchor.tzinfo is None:
            raise CommandError(f"--anchor {opts['anchor']!r} must be an ISO instant with its offset.")
        if not 1 <= opts["scale"] <= MAX_SCALE:
            raise CommandError(f"--scale must be a whole number from 1 to {MAX_SCALE} (got {opts['scale']}).")
        if opts["seed"] < 0:
            raise CommandError(f"--seed must be a whole number 0 or more (got {opts['seed']}).")
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "no answer"
            raise CommandError(f"Cannot connect to the database: {reason}.") from None
        try:
            non_empty = [m._meta.db_table for m in platform_models() if m._default_manager.exists()]
        except DatabaseError:
            raise CommandError("The database is not migrated: run `python manage.py migrate` first.") from None
        if non_empty and not opts["reset"]:
            raise CommandError(
                f"The database already holds data ({', '.join(non_empty[:3])}…): pass --reset to replace it."
            )
        media_root = Path(opts["media_root"] or settings.MEDIA_ROOT)
        password = opts["password"] or os.environ.get("CPD_DEMO_PASSWORD") or "cpd-demo-only"
        options = Options(anchor=anchor, seed=opts["seed"], scale=opts["scale"], timezone=settings.TIME_ZONE,
                          password=password_hash(password, opts["seed"]))
        self.stdout.write(f"seed {options.seed}, scale {options.scale}, anchor {anchor.isoformat()}")
        scenario, writer = Context(options), Writer(media_root, options.seed)
        try:
            # One transaction: a failed reseed leaves the previous data in place.
            with transaction.atomic():
                if non_empty:
                    _empty_scenario_tables()
                    for sub in MEDIA_DIRS:
                        shutil.rmtree(media_root / sub, ignore_errors=True)
                for label, step in STEPS:
                    summary = step(scenario)
                    writer.write(scenario.drawn.unwritten())
                    self.stdout.write(f"  {label}: {summary}")
        except BaseException:
            for sub in MEDIA_DIRS:
                shutil.rmtree(media_root / sub, ignore_errors=True)
            raise
        for model in platform_models():
            self.stdout.write(f"  {model._meta.label:<34} {model._default_manager.count():>8}")


def _empty_scenario_tables() -> None:
    """TRUNCATE the platform's tables (and their M2M tables) with their sequences; Django's own
    tables (content types, permissions, migrations) stay as migrate made them."""
    models: list[type[Model]] = platform_models()
    tables = {m._meta.db_table for m in models}
    tables |= {f.m2m_db_table() for m in models for f in m._meta.local_many_to_many}
    for statement in connection.ops.sql_flush(no_style(), sorted(tables), reset_sequences=True,
                                              allow_cascade=True):
        with connection.cursor() as cursor:
            cursor.execute(statement)
