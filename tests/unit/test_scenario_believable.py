"""What a careful buyer notices in a minute, on the rows the steps draw in memory: people who look
like people, feedback in many voices, demand that varies, American spelling, a past as long as the
billing, a flagship that fits its venue and day. (demo.check's cpd_events_demo/checks/believable.py
checks the same in a database, at any instant.)"""

import re
from collections import Counter
from datetime import timedelta

import pytest

from cpd_events_demo import plan, world
from cpd_events_demo.checks.believable import BRITISH
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.people import spelled
from tests.unit.test_scenario_steps import ANCHORS, drawn

# The checks' pattern (Postgres: \m starts a word, \M ends one), for Python's re.
BRITISH_RE = re.compile(BRITISH.replace(r"\m", r"\b").replace(r"\M", r"\b"), re.IGNORECASE)


def people(ctx) -> dict[str, tuple[str, str]]:
    """Every generated person by address: accounts, guests, contacts."""
    found = {u.email: (u.first_name, u.last_name) for u in ctx.drawn.of(r.User)}
    found |= {x.email: (x.first_name, x.last_name) for x in ctx.drawn.of(r.Registration) if x.user is None}
    found |= {c.email: (c.first_name, c.last_name) for c in ctx.drawn.of(r.Contact)}
    return found


def test_surnames_are_spelled_as_their_bearers_spell_them():
    assert [spelled(n, surname=True) for n in ("Mclean", "Oconnell", "Mckenzie", "Mackenzie", "Obrien")] == \
        ["McLean", "O'Connell", "McKenzie", "MacKenzie", "O'Brien"]
    assert [spelled(n, surname=True) for n in ("Mack", "Macias", "Odom", "Osborne", "Mc")] == \
        ["Mack", "Macias", "Odom", "Osborne", "Mc"]
    assert spelled("Mackenzie") == "Mackenzie" and spelled("Mckenzie") == "McKenzie"  # given names
    names = [name for pair in people(drawn()).values() for name in pair]
    assert not [n for n in names if re.match(r"Mc[a-z]", n) or n in world.SURNAME_SPELLINGS]
    assert [n for n in names if re.match(r"(Mc|O')[A-Z]", n)]  # they are there, spelled right


@pytest.mark.parametrize("anchor", ANCHORS)
def test_no_two_generated_people_look_like_one(anchor):
    ctx = drawn(anchor)
    names = Counter(people(ctx).values())
    assert [name for name, n in names.items() if n > 1] == []
    organizers = [ctx.users[o.key] for o in world.ORGANIZERS] + [ctx.users[k] for k in ("pro", "basic", "churned")]
    assert len({u.last_name for u in organizers}) == len(organizers)
    speakers = [s.name for s in ctx.drawn.of(r.Speaker)]
    assert len(set(speakers)) == len(speakers)


def test_feedback_fragments_read_like_their_rating():
    glowing = re.compile("|".join(map(re.escape, world.GLOWING)), re.IGNORECASE)
    damning = re.compile("|".join(map(re.escape, world.DAMNING)), re.IGNORECASE)
    for rating in range(1, 6):
        rest = (world.FEEDBACK_DETAILS[rating] + world.FEEDBACK_DETAILS_ONLINE[rating]
                + world.FEEDBACK_DETAILS_IN_PERSON[rating] + world.FEEDBACK_CODAS[rating])
        for text in world.FEEDBACK_VERDICTS[rating] + rest:
            if rating <= 2:
                assert not glowing.search(text), (rating, text)
            if rating >= 4:
                assert not damning.search(text), (rating, text)
        if rating <= 2:  # a low rating's verdict says what went wrong
            assert all(damning.search(v) for v in world.FEEDBACK_VERDICTS[rating]), rating


@pytest.mark.parametrize("anchor", ANCHORS)
def test_feedback_in_many_voices(anchor):
    feedback = drawn(anchor).drawn.of(r.Feedback)
    said = [f.comment for f in feedback if f.comment]
    assert len(set(said)) >= 0.9 * len(said) and Counter(said).most_common(1)[0][1] <= 2
    assert {f.rating for f in feedback} == {1, 2, 3, 4, 5} or len({f.rating for f in feedback}) >= 4
    assert 0 < sum(1 for f in feedback if not f.comment) < 0.3 * len(feedback)  # some rate without a word


@pytest.mark.parametrize("anchor", ANCHORS)
def test_registration_counts_vary_like_demand(anchor):
    ctx = drawn(anchor)
    series = [len(ctx.registrations[k]) for k, s in ctx.specs.items() if s in world.SERIES and s.status == "completed"]
    assert len(set(series)) >= len(series) - 1 and max(series) - min(series) >= 4, series


def test_the_platform_speaks_american():
    texts = [t for p in plan.PERSONAS for t in (p.headline, p.bio, p.organization)]
    for spec in (*plan.EVENTS, *world.SERIES, *world.BACKGROUND_EVENTS):
        texts += [spec.title, spec.description, spec.venue, *(s.title for s in spec.sessions)]
    texts += [t for c in plan.COURSES for t in (c.title, c.description, *(m.title for m in c.modules))]
    for tone in (world.FEEDBACK_VERDICTS, world.FEEDBACK_DETAILS, world.FEEDBACK_DETAILS_ONLINE,
                 world.FEEDBACK_DETAILS_IN_PERSON, world.FEEDBACK_CODAS):
        texts += [t for fragments in tone.values() for t in fragments]
    assert [t for t in texts if BRITISH_RE.search(t)] == []
    assert BRITISH_RE.search("continuing education programmes") and BRITISH_RE.search("Recognising a crisis")
    assert not BRITISH_RE.search("a program for specialists, analysis of the center")


@pytest.mark.parametrize("anchor", ANCHORS)
def test_months_of_events_behind_now_as_long_as_the_billing(anchor):
    ctx = drawn(anchor)
    past = [e for e in ctx.events.values() if e.ends_at < ctx.anchor]
    ago = sorted((ctx.anchor - e.ends_at).days for e in past)
    assert ago[-1] >= 120 and all(any(30 * k <= d < 30 * (k + 1) for d in ago) for k in range(4))
    pros = [e for e in past if e.owner is ctx.users["pro"]]
    first_invoice = min(i.period_start for i in ctx.drawn.of(r.Invoice) if i.subscription.user is ctx.users["pro"])
    assert first_invoice < min(e.starts_at for e in pros) < ctx.anchor - timedelta(days=30 * (plan.PRO_INVOICES - 2))
    assert all(e.starts_at > e.owner.date_joined for e in ctx.events.values())
    assert all(x.registered_at > x.user.date_joined for x in ctx.drawn.of(r.Registration) if x.user)


def test_the_flagship_fits_its_venue_and_its_program_runs_its_day():
    ctx = drawn()
    event, sessions = ctx.events["flagship"], ctx.sessions["flagship"]
    assert "Convention Center" in event.venue and event.capacity >= 200
    assert [s.title for s in sessions[:3]] == list(plan.FLAGSHIP_PLAN_SESSIONS)
    assert sessions[0].starts_at - event.starts_at <= timedelta(minutes=30)
    assert max(s.ends_at for s in sessions) == event.ends_at
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    assert all(b.starts_at - a.ends_at <= timedelta(minutes=90) for a, b in zip(ordered, ordered[1:], strict=False))
    for key in ctx.specs:  # every event's program runs the hours it advertises
        event, sessions = ctx.events[key], ctx.sessions[key]
        assert sessions[0].starts_at - event.starts_at <= timedelta(minutes=30), key
        assert event.ends_at - max(s.ends_at for s in sessions) <= timedelta(minutes=30), key
