"""The public holidays slot rows keep clear of (`[slots.holidays]` of a project's rules), made at
build time from the holidays package (PyPI) and written into the rule table, so the rebase (pure SQL,
no Python in the image) reads them: one row per country with its days, one per zone of that country
(tzdata's zone.tab says which zones are whose).

    [slots.holidays]
    countries = ["US"]                       # the holidays package's country codes
    categories = ["public", "unofficial"]    # its categories (default: public)
    only = ["Thanksgiving Day", "Christmas Eve"]   # these names only (default: every holiday of them)

The package's calendars run from FIRST to LAST; a rebase beyond them finds no holiday.
"""

from pathlib import Path
from typing import Any

from builder.errors import UserError
from builder.rules.model import Rule

FIRST, LAST = 1900, 2100
ZONE_TABLES = (Path("/usr/share/zoneinfo/zone.tab"),)


def zone_countries() -> dict[str, str]:
    """Every zone of tzdata's zone.tab with its country code."""
    for path in ZONE_TABLES:
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return {parts[2]: parts[0] for parts in (line.split("\t") for line in lines)
                    if len(parts) >= 3 and not parts[0].startswith("#")}
    raise UserError("Holidays need tzdata's zone.tab (apt install tzdata) to tell which zones are whose.")


def days(country: str, categories: tuple[str, ...], only: tuple[str, ...]) -> list[str]:
    """The ISO days of `country`'s holidays of those categories (named in `only`, if given), in order."""
    import holidays  # a build-time dependency only: the import is paid where holidays are declared

    try:
        calendar = holidays.country_holidays(country, years=range(FIRST, LAST + 1), categories=categories)
    except NotImplementedError:
        raise UserError(f"[slots.holidays]: the holidays package has no country {country!r} "
                        "(its codes: US, GB, DE, …).") from None
    except (ValueError, TypeError) as exc:
        raise UserError(f"[slots.holidays]: {country}: {exc}.") from None
    wanted = set(only)
    return sorted(day.isoformat() for day, names in calendar.items()
                  if not wanted or wanted & set(names.split("; ")))


def rules(spec: Any, schema: str, table: str) -> list[Rule]:
    """The rule rows of `[slots.holidays]` for the slot table `schema.table`."""
    if not isinstance(spec, dict) or set(spec) - {"countries", "categories", "only"}:
        raise UserError("[slots.holidays] takes countries, categories and only.")
    lists = {key: spec.get(key, default) for key, default in
             (("countries", []), ("categories", ["public"]), ("only", []))}
    if not all(isinstance(v, list) and all(isinstance(x, str) and x for x in v) for v in lists.values()):
        raise UserError("[slots.holidays]: countries, categories and only are lists of names.")
    if not lists["countries"]:
        raise UserError("[slots.holidays] needs countries (the holidays package's codes, e.g. [\"US\"]).")
    zones = zone_countries()
    out = []
    for country in lists["countries"]:
        found = days(country, tuple(lists["categories"]), tuple(lists["only"]))
        if not found:
            raise UserError(f"[slots.holidays]: {country} has no holiday named {', '.join(lists['only'])}.")
        out.append(Rule(table_name=table, schema_name=schema, kind="holiday", value=country, path=found,
                        pattern="; ".join(lists["only"]), origin="slots"))
        out += [Rule(table_name=table, schema_name=schema, kind="holiday_zone", value=zone, source=country,
                     origin="slots") for zone, code in sorted(zones.items()) if code == country]
    return out
