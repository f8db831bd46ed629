"""The task surface outside scripts rely on (SPEC §9): names, flags, and help for every one."""

import inspect

import tasks

FIXED = {
    "snapshot.build": {"provider", "seed", "scale", "anchor", "password", "output", "force"},
    "snapshot.restore": {"from_", "version", "database_url", "now", "media_root"},
    "snapshot.rebase": {"database_url", "now"},
    "snapshot.verify": {"from_", "version"},
    "snapshot.list": {"from_"},
    "snapshot.prune": {"from_", "keep"},
    "snapshot.image": {"from_", "version", "repository", "base_image", "push"},
    "snapshot.publish": {"to", "version", "force", "provider", "seed", "scale", "anchor", "password"},
    "demo.up": set(), "demo.reset": {"from_", "version", "database_url", "now", "name", "server"},
    "demo.status": {"database_url"}, "demo.down": set(), "demo.admin": {"port", "database_url"},
    "demo.check": {"database_url", "now"},
    "demo.new": {"name", "server", "from_", "version", "now", "prospect", "ttl"},
    "demo.url": {"name", "server"}, "demo.list": {"server"}, "demo.drop": {"name", "server"},
    "demo.gc": {"server"}, "demo.keep-live": {"server", "every", "rounds"},
    "demo.repair": {"server", "name"},
}


def all_tasks():
    ns = tasks.ns
    for name in ns.task_names:
        yield name, ns[name]


def test_fixed_task_names_and_flags_exist():
    found = dict(all_tasks())
    for name, flags in FIXED.items():
        assert name in found, name
        params = set(inspect.signature(found[name].body).parameters) - {"c"}
        assert flags <= params, (name, flags - params)


def test_every_task_and_flag_has_help():
    for name, task in all_tasks():
        assert (task.__doc__ or task.body.__doc__ or "").strip(), f"{name} has no docstring"
        params = set(inspect.signature(task.body).parameters) - {"c"}
        missing = params - set(task.help)
        assert not missing, f"{name}: flags without help: {missing}"


def test_the_one_line_help_is_a_whole_sentence():
    """`invoke --list` shows a docstring's first line: it must end a sentence, never cut one."""
    for name, task in all_tasks():
        first = (task.__doc__ or task.body.__doc__ or "").strip().splitlines()[0]
        assert first.endswith("."), f"{name}: {first!r}"
