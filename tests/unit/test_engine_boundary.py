"""The engine names no product: no table of the CPD platform, no persona, no title of its plan,
nothing of its packages, nothing of the pretix example (examples/pretix), anywhere in the engine's
code, SQL, image files or deploy forms. The CPD
demo reaches the engine only through cpd-demo.toml (import-linter keeps the imports apart)."""

import re
from pathlib import Path

from cpd_events_demo import plan, world

ROOT = Path(__file__).resolve().parents[2]
ENGINE = [*ROOT.glob("builder/**/*.py"), *ROOT.glob("builder/**/*.sql"), *ROOT.glob("builder/console/templates/**/*"),
          *ROOT.glob("builder/console/static/**/*"), *ROOT.glob("container/*"), ROOT / "Dockerfile"]
APPS = sorted(p.name for p in (ROOT / "cpd_platform").iterdir() if (p / "models.py").exists())


def product_words() -> list[str]:
    words = [p.email for p in plan.PERSONAS] + [f"{p.first_name} {p.last_name}" for p in plan.PERSONAS]
    words += [plan.FLAGSHIP.title, plan.WEBINAR.title, plan.MEETUP.title, "HealthTech", "cpd_platform",
              "cpd_events_demo", "create_demo_data", "cpdevents", "pretix", "Liberty Summit", "Open Day"]
    words += [e.title for e in world.BACKGROUND_EVENTS]
    return words


def test_the_engine_names_no_table_persona_or_title_of_the_product():
    tables = re.compile(rf"\b({'|'.join(APPS)})_[a-z]+\b")
    words = product_words()
    found = []
    for path in ENGINE:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in tables.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: {w}" for w in words if w.lower() in text.lower()]
    assert APPS and len(words) > 20
    assert found == []
