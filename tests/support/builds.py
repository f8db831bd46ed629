"""Builds of the CPD demo with the tests' own clock."""

from datetime import datetime, timedelta, timezone

from builder.clock import parse_instant
from builder.snapshot.build import BuildOptions, build
from tests.support.project import ANCHOR, SEED


class Clock:
    """An injectable clock: each reading one second after the last, so versions never collide (a later
    build has a later version, whose name sorts after)."""

    def __init__(self, start: datetime = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


# One clock per test process, read by every build.
CLOCK = Clock()


def build_snapshot(output, seed: int = SEED, scale: int = 1, anchor: str = ANCHOR, force: bool = False,
                   provider: str = "embedded"):
    options = BuildOptions(provider=provider, seed=seed, scale=scale, anchor=parse_instant(anchor, zone="UTC"))
    return build(options, output=output, force=force, echo=lambda m: None, clock=CLOCK)
