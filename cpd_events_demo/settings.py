"""The CPD Events demo's Django settings: the platform's own, with the demo's scenario app (its
`create_demo_data` command) added. The platform names nothing of the demo; cpd-demo.toml points
the engine here, as examples/pretix/ points it at pretix's settings wrapped in its own module."""

from cpd_platform.settings import *  # noqa: F403
from cpd_platform.settings import INSTALLED_APPS as PLATFORM_APPS

INSTALLED_APPS = [*PLATFORM_APPS, "cpd_events_demo.scenario"]
