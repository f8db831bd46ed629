"""`invoke db.*`: the project's own Django on any database: migrate it, or fill it with the scenario."""

from invoke import Collection, task

from builder.cli import CONFIG_HELP, URL_HELP, project, say, tool
from builder.cli.snapshot import BUILD_HELP


@task(auto_shortflags=False, help={"database_url": URL_HELP, "config": CONFIG_HELP})
@tool
def migrate(c, database_url=None, config=None):
    """Apply the project's migrations to a database."""
    from builder.demo.local import target_url
    from builder.snapshot import django_side

    proj = project(config)
    django_side.run(proj, "migrate", target_url(database_url, proj.database), echo=say)


@task(auto_shortflags=False, help={"database_url": URL_HELP,
                                   **{k: v for k, v in BUILD_HELP.items() if k not in ("provider", "build_port")}})
@tool
def seed(c, database_url=None, seed=None, scale=None, anchor=None, password=None, config=None):
    """Run the project's scenario on a migrated, empty database and rebase it to --anchor (no dump)."""
    from builder.clock import utc_now
    from builder.demo.local import target_url
    from builder.postgres import rebase
    from builder.snapshot import build
    from builder.snapshot.build import BuildOptions

    options = BuildOptions.from_flags("auto", seed, scale, anchor, password, config)
    proj = options.project()
    url = target_url(database_url, proj.database)
    rules = build.compile_rules(proj, url)
    anchor_at = options.anchor or utc_now()
    build.seed(proj, url, options, anchor_at, None, rules, echo=say)  # media where the project keeps them
    say(rebase.run(url, anchor_at))


collection = Collection("db", migrate, seed)
