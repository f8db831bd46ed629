"""The CPD Events demo's scenario: `create_demo_data` walks its steps in the plan's order of
operations, each drawing plain rows (no database), and writes what each step drew.

    steps.py        the ordered steps: users.py, billing.py, assets.py, events.py, learning.py,
                    engagement.py (registrations.py, attendance.py, zoom.py, enrollments.py), outcomes.py
    context.py      what the steps share, declared in one place (the one seeded RNG among it)
    rows.py         the rows as plain objects, shaped like the platform's models
    calendar.py     the anchor's calendar: weekdays, local times, human hours, billing days
    people.py       generated people: names, organisations, emails at reserved domains
    art.py          badge images and certificate art, drawn with Pillow
    media.py        the files rows point at (and a small PDF encoder)
    persist.py      [Django] the one place rows are written: COPY for volume, factories for singular items
    bulk.py, factories.py, management/commands/create_demo_data.py   [Django]

The steps import no model and touch no database: a test runs them all in memory
(tests/unit/test_scenario_steps.py), the plan's promises checked on the rows they draw.
"""
