"""What the scenario's steps share, declared in one place: the options, the one seeded RNG and the
helpers drawing from it, every row drawn so far, and the named rows later steps build on.

A step reads what earlier steps put here and adds its own; nothing is set anywhere else. No
Django: a test can run every step and look at the rows without a database.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from cpd_events_demo.plan import EventSpec
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.calendar import Calendar
from cpd_events_demo.scenario.people import People

R = TypeVar("R", bound=r.Row)
TOKEN = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Options:
    anchor: datetime      # the instant the scenario is generated around
    seed: int
    scale: int            # multiplies generated volumes
    timezone: str         # the platform's
    password: str         # the personas' password, as the user table stores it (a hash)


@dataclass
class Batch:
    rows: Sequence[r.Row]
    bulk: bool            # volume rows (COPY), else the plan's singular items (factories)


class Drawn:
    """Every row drawn, in order, with its id: per model, from 1, in the order drawn (the command
    writes into empty tables)."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.ids: Counter[type[r.Row]] = Counter()
        self.written = 0

    def _add(self, rows: list[R], bulk: bool) -> list[R]:
        for row in rows:
            self.ids[type(row)] += 1
            row.id = self.ids[type(row)]
        if rows:
            self.batches.append(Batch(list(rows), bulk))
        return rows

    def one(self, row: R) -> R:
        """A singular item (written through its factory)."""
        return self._add([row], bulk=False)[0]

    def many(self, rows: list[R]) -> list[R]:
        """Volume rows (written by COPY), all of one kind."""
        return self._add(rows, bulk=True)

    def unwritten(self) -> list[Batch]:
        """The batches drawn since the last call, for the writer."""
        new, self.written = self.batches[self.written:], len(self.batches)
        return new

    def of(self, kind: type[R]) -> list[R]:
        """Every row of one kind, in id order."""
        return [row for batch in self.batches for row in batch.rows if isinstance(row, kind)]


@dataclass
class Context:
    options: Options
    rng: random.Random = field(init=False)
    cal: Calendar = field(init=False)
    people: People = field(init=False)
    drawn: Drawn = field(default_factory=Drawn)
    # 1. users and profiles
    users: dict[str, r.User] = field(default_factory=dict)           # personas and organizers, by key
    zones: dict[r.User, str] = field(default_factory=dict)           # every user's profile timezone
    learners: list[r.User] = field(default_factory=list)
    # 2. billing
    plans: dict[str, r.Plan] = field(default_factory=dict)           # by code
    zoom: dict[str, r.ZoomConnection] = field(default_factory=dict)  # by user key
    # 3. assets
    certificate_templates: dict[str, r.CertificateTemplate] = field(default_factory=dict)  # by name
    badge_templates: dict[str, r.BadgeTemplate] = field(default_factory=dict)              # by name
    promos: dict[str, r.PromoCode] = field(default_factory=dict)                            # by code
    # 4. events
    speakers: dict[str, r.Speaker] = field(default_factory=dict)     # by persona or organizer key
    specs: dict[str, EventSpec] = field(default_factory=dict)        # the rest by the spec's key
    events: dict[str, r.Event] = field(default_factory=dict)
    sessions: dict[str, list[r.Session]] = field(default_factory=dict)
    # 5. learning
    courses: dict[str, r.Course] = field(default_factory=dict)       # by the spec's key
    modules: dict[str, list[r.Module]] = field(default_factory=dict)
    quizzes: dict[str, r.Quiz] = field(default_factory=dict)
    assignments: dict[str, r.Assignment] = field(default_factory=dict)
    # 6. engagement
    registrations: dict[str, list[r.Registration]] = field(default_factory=dict)  # by event key
    attendance: dict[str, list[r.Attendance]] = field(default_factory=dict)        # by event key
    enrollments: list[r.Enrollment] = field(default_factory=list)
    comments: set[str] = field(default_factory=set)                                # feedback written so far

    def __post_init__(self) -> None:
        # The one seeded RNG: every value the scenario decides is drawn from it, in a fixed order.
        self.rng = random.Random(self.options.seed)
        self.cal = Calendar(self.options.anchor, self.options.timezone, self.rng)
        self.people = People(self.options.seed, self.rng)

    @property
    def anchor(self) -> datetime:
        return self.options.anchor

    def stream(self, name: str) -> random.Random:
        """A generator of its own for values that must not depend on the scale or on what was drawn
        before (an event's demand): seeded from the scenario's seed and the name."""
        return random.Random(f"{self.options.seed}:{name}")

    def volume(self, n: int) -> int:
        """A generated volume at the scenario's scale."""
        return n * self.options.scale

    def token(self, length: int, alphabet: str = TOKEN) -> str:
        return "".join(self.rng.choices(alphabet, k=length))
