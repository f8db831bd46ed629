"""The scenario's steps, in the plan's order of operations (DEMO_DATA_PLAN.md): each draws its rows
into the context (no database) and says what it drew; `create_demo_data` writes them after each."""

from collections.abc import Callable

from cpd_events_demo.scenario.assets import create_assets
from cpd_events_demo.scenario.billing import create_billing
from cpd_events_demo.scenario.context import Context
from cpd_events_demo.scenario.engagement import create_engagement
from cpd_events_demo.scenario.events import create_events
from cpd_events_demo.scenario.learning import create_learning
from cpd_events_demo.scenario.outcomes import create_outcomes
from cpd_events_demo.scenario.users import create_users

STEPS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("users and profiles", create_users),
    ("billing", create_billing),
    ("assets", create_assets),
    ("events", create_events),
    ("learning", create_learning),
    ("engagement", create_engagement),
    ("outcomes", create_outcomes),
)
