"""`cpd-demo`: the engine's tasks as a command of their own (Invoke's Program over the same
collections `invoke` finds in this repository's tasks.py). Installed with `pip install` into a
project's virtualenv, it runs from the project's directory and finds its cpd-demo.toml there."""

from importlib import metadata

from invoke import Collection, Program

from builder.cli import console, db, demo, snapshot


def namespace() -> Collection:
    """The engine's collections, as `cpd-demo` and `invoke` in this repository show them."""
    return Collection(snapshot.collection, db.collection, demo.collection, console.collection)


def version() -> str:
    try:
        return metadata.version("cpd-demo-db")
    except metadata.PackageNotFoundError:
        return "unknown"


program = Program(namespace=namespace(), name="cpd-demo", binary="cpd-demo", version=version())


def main() -> None:
    program.run()
