"""Model instances from the rows of a written-out query, converted exactly as the ORM converts them.

``Model.objects.raw()`` resolves its columns and converters again on every call (about half the cost of a
one-row credential lookup); the hot lookups select the model's concrete columns in order and build the
instance here, with each field's converters (the backend's and the field's own, as the SQL compiler applies
them: SQLite's booleans and timestamps, for one) resolved once per model and database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


def model_columns(model: type[Model], table_alias: str) -> str:
    """``alias.col1, alias.col2, …``: the model's concrete columns in the order ``model_from_row`` reads them."""
    return ", ".join(f"{table_alias}.{field.column}" for field in model._meta.concrete_fields)


@functools.cache
def _converters(model: type[Model], alias: str) -> list[tuple[Any, list[Converter]]]:
    connection = connections[alias]
    converters = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters.append((column, connection.ops.get_db_converters(column) + field.get_db_converters(connection)))
    return converters


def model_from_row(model: type[M], alias: str, row: Sequence[Any]) -> M:
    """An instance of ``model`` from the first ``len(concrete_fields)`` values of ``row`` (``model_columns`` order)."""
    connection = connections[alias]
    values = []
    for value, (column, converters) in zip(row, _converters(model, alias), strict=False):
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(alias, [field.attname for field in model._meta.concrete_fields], values)
