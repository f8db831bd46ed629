import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Model

from builder.clock import parse_instant, utc_now
from builder.config import DEFAULT_SEED, MAX_SCALE, persona_password
from builder.errors import UserError
from builder.scenario.models import RebaseRule, SnapshotMeta
from builder.scenario.rules import platform_models
from builder.seed import SCENARIO_ANCHOR, Options, Scenario, rebase_to

MEDIA_DIRS = ("badges", "certificate_templates", "modules", "submissions")


class Command(BaseCommand):
    help = ("Fill an empty, migrated database with the CPD Events demo scenario (docs/scenario.md), "
            "generated around the scenario's own anchor and rebased to --anchor.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="Random seed (same seed, scale and anchor -> same rows).")
        parser.add_argument("--scale", type=int, default=1,
                            help=f"Multiplier for generated volumes, 1 to {MAX_SCALE} (1 = the plan as written).")
        parser.add_argument("--anchor", default=None, help="ISO instant the data should represent (default: now).")
        parser.add_argument("--canonical", action="store_true",
                            help="Stop at the scenario's own anchor, unrebased (snapshot.build digests it there).")
        parser.add_argument("--password", default=None,
                            help="Login password of every persona (default: CPD_DEMO_PASSWORD, else the demo password).")
        parser.add_argument("--media-root", default=None, help="Where to write media files (default: MEDIA_ROOT).")
        parser.add_argument("--reset", action="store_true", help="Empty the database first instead of refusing.")

    def handle(self, *args, **opts):
        try:
            anchor = SCENARIO_ANCHOR if opts["canonical"] else parse_instant(opts["anchor"], "--anchor") or utc_now()
        except UserError as exc:
            raise CommandError(str(exc)) from None
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
            non_empty = [m._meta.db_table for m in scenario_models() if m._default_manager.exists()]
        except DatabaseError:
            raise CommandError("The database is not migrated: run `python manage.py migrate` first.") from None
        if non_empty and not opts["reset"]:
            raise CommandError(
                f"The database already holds data ({', '.join(non_empty[:3])}…): pass --reset to replace it."
            )
        media_root = Path(opts["media_root"] or settings.MEDIA_ROOT)

        options = Options(seed=opts["seed"], scale=opts["scale"], password=persona_password(opts["password"]),
                          media_root=str(media_root))
        self.stdout.write(f"seed {options.seed}, scale {options.scale}, anchor {anchor.isoformat()}")
        scenario = Scenario(options)
        try:
            # One transaction: a failed reseed leaves the previous data in place.
            with transaction.atomic():
                if non_empty:
                    _empty_scenario_tables()
                    for sub in MEDIA_DIRS:
                        shutil.rmtree(media_root / sub, ignore_errors=True)
                for line in scenario.run():
                    self.stdout.write(f"  {line}")
                if anchor != SCENARIO_ANCHOR:
                    rebase_to(anchor)
                    self.stdout.write(f"  rebase: to {anchor.isoformat()}")
        except BaseException:
            for sub in MEDIA_DIRS:
                shutil.rmtree(media_root / sub, ignore_errors=True)
            raise
        for model in platform_models():
            self.stdout.write(f"  {model._meta.label:<34} {model._default_manager.count():>8}")


def scenario_models() -> list[type[Model]]:
    return [*platform_models(), SnapshotMeta, RebaseRule]


def _empty_scenario_tables() -> None:
    """TRUNCATE the scenario's tables (and their M2M tables) with their sequences; Django's own
    tables (content types, permissions, migrations) stay as migrate made them."""
    models = scenario_models()
    tables = {m._meta.db_table for m in models}
    tables |= {f.m2m_db_table() for m in models for f in m._meta.local_many_to_many}
    for statement in connection.ops.sql_flush(no_style(), sorted(tables), reset_sequences=True,
                                              allow_cascade=True):
        with connection.cursor() as cursor:
            cursor.execute(statement)
