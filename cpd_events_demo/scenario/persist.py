"""The one place the scenario writes: the rows its steps drew (rows.py), in the order drawn, with
the ids they were drawn with. Volume rows go in by COPY; the plan's singular items through their
factory_boy factories; the files rows point at into MEDIA_ROOT.
"""

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import factory.random
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from factory.django import DjangoModelFactory

from cpd_events_demo.scenario import factories, media
from cpd_events_demo.scenario.bulk import copy_rows, reset_sequences
from cpd_events_demo.scenario.context import Batch
from cpd_events_demo.scenario.rows import Row

FACTORIES: dict[type[models.Model], type[DjangoModelFactory]] = {f._meta.model: f for f in factories.ALL}


def password_hash(password: str, seed: int) -> str:
    """The personas' password as the user table stores it: one hash for all, salted from the seed
    (deterministic, and PBKDF2 runs once)."""
    salt = hashlib.sha256(f"cpd-demo-salt:{seed}".encode()).hexdigest()[:22]
    return make_password(password, salt=salt)


class Writer:
    def __init__(self, media_root: Path, seed: int):
        # Factories draw nothing the scenario gives them; a default one draws is seeded all the same.
        factory.random.reseed_random(seed)
        for cls in factories.ALL:
            cls.reset_sequence(0, force=True)
        self.media_root = media_root
        self.saved: dict[tuple[type[models.Model], int], models.Model] = {}

    def write(self, batches: list[Batch]) -> None:
        written: set[type[models.Model]] = set()
        for batch in batches:
            kind = type(batch.rows[0])
            model = apps.get_model(kind.model)
            names = row_fields(kind, model)
            if batch.bulk:
                fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
                columns = [self.column(f, names) for f in fields]
                copy_rows(model, fields, ([column(row) for column in columns] for row in batch.rows))
            else:
                for row in batch.rows:
                    self.saved[model, row.id] = FACTORIES[model].create(**self.arguments(model, names, row))
            for m2m in model._meta.many_to_many:
                if m2m.name in names:
                    self.links(m2m, batch.rows)
            written.add(model)
        reset_sequences(written)

    def column(self, field: models.Field, names: tuple[str, ...]) -> Callable[[Row], Any]:
        """How a COPY column gets its value from a row (the model's default where the row has none)."""
        name = field.name
        if name not in names:
            default = field.get_default()
            return lambda row: default
        if field.is_relation:
            return lambda row: None if (value := getattr(row, name)) is None else value.id
        if isinstance(field, models.FileField):
            return lambda row: self.file(getattr(row, name))
        if isinstance(field, models.JSONField):
            return lambda row: field.get_db_prep_save(getattr(row, name), connection)
        return lambda row: getattr(row, name)

    def arguments(self, model: type[models.Model], names: tuple[str, ...], row: Row) -> dict[str, Any]:
        """A row's values as its factory takes them: the rows it points at as saved instances."""
        out = {}
        for name in names:
            field, value = model._meta.get_field(name), getattr(row, name)
            if field.many_to_many:
                continue
            if field.is_relation and value is not None:
                value = self.instance(field.related_model, value)
            elif isinstance(field, models.FileField):
                value = self.file(value)
            out[name] = value
        return out

    def instance(self, model: Any, row: Row) -> models.Model:
        if (model, row.id) not in self.saved:  # a row that went in by COPY
            self.saved[model, row.id] = model._base_manager.get(pk=row.id)
        return self.saved[model, row.id]

    def file(self, value: media.Media | None) -> str:
        return "" if value is None else media.write(self.media_root, value)

    def links(self, m2m: Any, rows: Sequence[Row]) -> None:
        """A many-to-many field's rows of its through table (their own ids from its sequence)."""
        through = m2m.remote_field.through
        ends = [through._meta.get_field(m2m.m2m_field_name()), through._meta.get_field(m2m.m2m_reverse_field_name())]
        copy_rows(through, ends, ((row.id, target.id) for row in rows for target in getattr(row, m2m.name)))


def row_fields(kind: type[Row], model: type[models.Model]) -> tuple[str, ...]:
    """The row's field names, in order; each must be one of the model's (a typo is an error, not a default)."""
    names = tuple(f.name for f in dataclasses.fields(kind))
    known = {f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many}
    if unknown := [name for name in names if name not in known]:
        raise TypeError(f"{kind.__name__}: {model._meta.label} has no field {', '.join(unknown)}")
    return names
