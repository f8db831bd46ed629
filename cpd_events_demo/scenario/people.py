"""Generated people: realistic names from Faker in several locales, spelled as people spell them
(McLean, O'Connell), never two with one full name; an organisation and job, a timezone, and an
email at their organisation's reserved domain (or a personal one)."""

import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

from cpd_events_demo import plan, world


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    organization: str
    job: str
    timezone: str


def ascii_name(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text).lower() if ch.isalnum())


def spelled(name: str, surname: bool = False) -> str:
    """A name as its bearer writes it: McLean for Faker's "Mclean", O'Connell for "Oconnell"."""
    if surname and name in world.SURNAME_SPELLINGS:
        return world.SURNAME_SPELLINGS[name]
    if len(name) > 2 and name.startswith("Mc") and name[2].islower():
        return "Mc" + name[2].upper() + name[3:]
    return name


class People:
    def __init__(self, seed: int, rng: random.Random):
        self.rng = rng
        self.names: dict[str, tuple[list[str], list[str]]] = {}
        for i, (locale, _) in enumerate(world.NAME_LOCALES):
            faker = Faker(locale)
            faker.seed_instance(seed + i)
            firsts = sorted({spelled(faker.first_name()) for _ in range(300)})
            lasts = sorted({spelled(faker.last_name(), surname=True) for _ in range(300)})
            self.names[locale] = (firsts, lasts)
        self.locales = [loc for loc, _ in world.NAME_LOCALES]
        self.weights = [w for _, w in world.NAME_LOCALES]
        self.used: set[str] = {p.email for p in plan.PERSONAS}
        self.named: set[tuple[str, str]] = {(p.first_name, p.last_name) for p in plan.PERSONAS}

    def name(self, avoid_surnames: frozenset[str] = frozenset()) -> tuple[str, str]:
        """A full name nobody generated has yet (two people with one name look like one person),
        with a surname outside `avoid_surnames`."""
        for _ in range(world.NAME_DRAWS):
            firsts, lasts = self.names[self.rng.choices(self.locales, weights=self.weights)[0]]
            name = self.rng.choice(firsts), self.rng.choice(lasts)
            if name not in self.named and name[1] not in avoid_surnames:
                break
        self.named.add(name)
        return name

    def email(self, first: str, last: str, domain: str) -> str:
        """first.last@domain, never given out twice; on a clash a middle initial, then first-initial
        forms; digits last of all."""
        f_, l_ = ascii_name(first) or "x", ascii_name(last.split()[-1]) or "x"
        middle = "abcdefghjklmnprstw"
        candidates = [f"{f_}.{l_}", *(f"{f_}.{m}.{l_}" for m in self.rng.sample(middle, 4)), f"{f_[0]}{l_}",
                      f"{f_}{l_}", f"{l_}.{f_}"]
        for local in candidates:
            if f"{local}@{domain}" not in self.used:
                break
        else:
            n = 2
            while f"{f_}.{l_}{n}@{domain}" in self.used:
                n += 1
            local = f"{f_}.{l_}{n}"
        email = f"{local}@{domain}"
        self.used.add(email)
        return email

    def person(self, avoid_surnames: frozenset[str] = frozenset()) -> Person:
        first, last = self.name(avoid_surnames)
        organization, domain = self.rng.choice(world.ORGANISATIONS)
        if self.rng.random() < world.PERSONAL_SHARE:
            domain = self.rng.choice(world.PERSONAL_DOMAINS)
        zone = self.rng.choices([z for z, _ in world.LEARNER_TIMEZONES], weights=[w for _, w in world.LEARNER_TIMEZONES])[0]
        return Person(first, last, self.email(first, last, domain), organization, self.rng.choice(world.JOBS), zone)
