"""Queries whose SQL the ORM builds once per process, then run with each request's values.

Building a query (filter(), the joins, the compiler) costs far more Python than SQLite or
PostgreSQL take to run it: about 0.2 to 0.8 ms a query on a small machine, against tens of
microseconds to execute. The few queries every page runs (the couple, the open time-out, the
person's safety screen) and the home page's cards are built here once per database
connection and then only executed, with the same SQL the ORM wrote (so the same access
filters, the same portability) and new parameter values.

    COUPLE = Prepared(lambda user_id: Membership.objects.filter(user_id=user_id), user_id=0)
    rows = COUPLE.rows(user_id=user.pk)  # a list of model instances, as the queryset gives

Rules, checked when a query is first prepared:

- `build` is a plain function that takes everything through its named parameters (no
  closure, no default that is not a constant), or a `functools.partial` of one that fixes only
  model classes and strings (a model, a field name): everything that differs between two runs
  must be a parameter, so nothing of one request is kept for the next;
- a parameter is an int, a str, a date or a datetime; the query is built twice with different
  values for each, in two time zones a day apart, and both builds must give the same SQL and
  differ exactly where the parameters go (a `timezone.localdate()` inside `build`, a
  `timezone.now()` read at two moments, or a `__date` lookup that depends on the active time
  zone, fails here; the clock is not moved, as other threads read it, so a `now()` under a
  frozen test clock or a `date.today()` is not caught: no build reads the clock, and the
  equivalence test would show one that did); the second string value holds LIKE's wildcards,
  so a lookup that escapes them (`iexact`, `contains`) differs and is refused;
- the queryset gives model instances without annotations, or `values_list` of plain fields
  (flat or not).

Checked on every run: each value has exactly the type of the example (no None, no datetime
for a date), and a `select_for_update()` query runs only inside a transaction, as the ORM
demands. tests/test_prepared_equivalence.py runs every Prepared of the app against the ORM
query it was built from, for every persona.

Nothing but SQL text, the positions of the parameters and how rows become results is kept
between requests: one plan per process and database, shared by its threads.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from datetime import date, datetime, timedelta
from types import FunctionType
from typing import Any

from django.db import connections
from django.db.models import Model
from django.db.models.query import (  # type: ignore[attr-defined]  # get_related_populators
    FlatValuesListIterable,
    ModelIterable,
    QuerySet,
    ValuesListIterable,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError
from django.utils import timezone

_ZONES = ("Pacific/Kiritimati", "America/Adak")  # 24 hours apart: always two dates

# Every Prepared made (module-level constants of the apps), for the equivalence test.
REGISTRY: list[Prepared] = []


def _check_build(build: Callable[..., QuerySet]) -> None:
    """Refuse a build that could carry a value of one request into the next."""
    if isinstance(build, functools.partial):
        fixed = [*build.args, *build.keywords.values()]
        if not all(
            isinstance(v, str) or (isinstance(v, type) and issubclass(v, Model)) for v in fixed
        ):
            raise PreparedError("a partial may fix only model classes and strings")
        build = build.func
    if not isinstance(build, FunctionType):
        raise PreparedError("build must be a plain function")
    if build.__code__.co_freevars or build.__closure__:
        raise PreparedError("build must take everything through its parameters")
    defaults = [*(build.__defaults__ or ()), *(build.__kwdefaults__ or {}).values()]
    if not all(v is None or isinstance(v, str | int | bool) for v in defaults):
        raise PreparedError("build's defaults must be constants")


class PreparedError(RuntimeError):
    """A query that cannot be prepared safely (see the module's rules)."""


def _second_value(value: Any, step: int) -> Any:
    """A value of the same type as `value`, different from it and from the other markers."""
    if isinstance(value, bool):
        raise PreparedError("bool parameters are not supported")
    if isinstance(value, int):
        return 1_000_003 + step * 7919
    if isinstance(value, str):
        return f"{value}\x1fprepared%_\\{step}"  # LIKE's wildcards: escaping shows
    if isinstance(value, datetime):
        return value + timedelta(days=3001 + step, seconds=step)
    if isinstance(value, date):
        return value + timedelta(days=3001 + step)
    raise PreparedError(f"unsupported parameter type {type(value).__name__}")


def _adapter_name(value: Any) -> str | None:
    """The connection.ops method that adapts a value of this type, as the ORM does."""
    if isinstance(value, datetime):
        return "adapt_datetimefield_value"
    if isinstance(value, date):
        return "adapt_datefield_value"
    return None


def _adapt(connection, adapter: str | None, value: Any) -> Any:
    return value if adapter is None else getattr(connection.ops, adapter)(value)


class _Plan:
    """What is kept of a query between requests: its SQL, where each parameter goes, and how
    to turn rows into results. One per process and database (threads share it; what belongs
    to a connection, the converters, is looked up for the connection that runs it)."""

    __slots__ = (
        "sql",
        "params",
        "slots",
        "klass_info",
        "select",
        "fields",
        "converters",
        "kind",
        "model_info",
        "for_update",
    )

    def __init__(self, sql, params, slots, compiler, kind):
        self.sql = sql
        self.params = params  # the compiled parameters of the first build
        self.slots = slots  # [(position, name, adapter name)]
        self.klass_info, self.select = compiler.klass_info, compiler.select
        self.kind = kind
        self.fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.model_info = None
        self.for_update = False
        if kind is ModelIterable:
            select, klass_info = compiler.select, compiler.klass_info
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            init_list = [f[0].target.attname for f in select[start:end]]
            self.model_info = (klass_info["model"], start, end, init_list)


class Prepared:
    """One query shape: `build(**params)` gives the queryset; `rows(**params)` runs it."""

    def __init__(self, build: Callable[..., QuerySet], **example: Any):
        _check_build(build)
        self._build = build
        self._example = example
        self._plans: dict[str, _Plan] = {}  # database alias -> plan
        self._lock = threading.Lock()
        REGISTRY.append(self)

    def _prepare(self, connection, using: str) -> _Plan:
        with timezone.override(_ZONES[0]):
            first = self._build(**self._example)
        steps = {name: step for step, name in enumerate(sorted(self._example))}
        # In the example's order: a build that lists its parameters (an `__in` of **kwargs)
        # must put them in the same places both times.
        second_values = {
            name: _second_value(value, steps[name]) for name, value in self._example.items()
        }
        with timezone.override(_ZONES[1]):
            second = self._build(**second_values)
        kind = first._iterable_class
        if kind not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise PreparedError("only model instances or values_list are supported")
        if first.query.annotation_select or first.query.extra_select:
            raise PreparedError("no annotations: model instances or values_list of plain fields")
        if first._prefetch_related_lookups or first.query.combinator:  # type: ignore[attr-defined]
            raise PreparedError("no prefetch_related or combined queries")
        compiler = first.query.get_compiler(using=using)
        # Each build in a different time zone: a query that depends on the active zone (a
        # __date lookup) differs between them and is refused, so no couple's zone is kept.
        with timezone.override(_ZONES[0]):
            sql, params = compiler.as_sql()
        with timezone.override(_ZONES[1]):
            sql_b, params_b = second.query.get_compiler(using=using).as_sql()
        if sql != sql_b or len(params) != len(params_b):
            raise PreparedError("the SQL depends on the parameter values")
        adapted = {}
        for name, value in self._example.items():
            adapter = _adapter_name(value)
            adapted[name] = (
                _adapt(connection, adapter, value),
                _adapt(connection, adapter, second_values[name]),
                adapter,
            )
        slots = []
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue  # a constant of the query (a visibility, an instrument, a kind)
            found = [
                (name, adapt) for name, (va, vb, adapt) in adapted.items() if a == va and b == vb
            ]
            if len(found) != 1:
                raise PreparedError(f"parameter {position} is not one of {sorted(adapted)}")
            slots.append((position, found[0][0], found[0][1]))
        if {name for _, name, _ in slots} != set(self._example):
            raise PreparedError("a parameter does not reach the SQL")
        plan = _Plan(sql, list(params), slots, compiler, kind)
        plan.for_update = bool(first.query.select_for_update)
        return plan

    def _plan(self, using: str):
        connection = connections[using]  # this thread's
        plan = self._plans.get(using)
        if plan is None:
            with self._lock:
                plan = self._plans.get(using)
                if plan is None:
                    plan = self._plans[using] = self._prepare(connection, using)
        return connection, plan

    @staticmethod
    def _converters(plan: _Plan, connection) -> list:
        """[(column, (converters, expression))] for this connection, as the compiler's
        get_converters gives them (found once per connection)."""
        found = plan.converters.get(connection)
        if found is None:
            found = []
            for position, expression in enumerate(plan.fields):
                convs = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                )
                if convs:
                    found.append((position, (convs, expression)))
            plan.converters[connection] = found
        return found

    def rows(self, using: str = "default", **values: Any) -> list:
        """The queryset's results for these parameter values (a list)."""
        if values.keys() != self._example.keys():
            raise TypeError(f"expected parameters {sorted(self._example)}")
        for name, value in values.items():
            if type(value) is not type(self._example[name]):
                raise TypeError(
                    f"{name} must be {type(self._example[name]).__name__}, "
                    f"not {type(value).__name__}"
                )
        connection, plan = self._plan(using)
        if (
            plan.for_update
            and connection.features.has_select_for_update
            and connection.get_autocommit()
        ):
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(plan.params)
        for position, name, adapter in plan.slots:
            params[position] = _adapt(connection, adapter, values[name])
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        converters = self._converters(plan, connection)
        if converters and rows:
            converted = []
            for row in rows:
                row = list(row)
                for position, (convs, expression) in converters:
                    value = row[position]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[position] = value
                converted.append(row)
            rows = converted
        if plan.kind is FlatValuesListIterable:
            return [row[0] for row in rows]
        if plan.kind is ValuesListIterable:
            return [tuple(row) for row in rows]
        model, start, end, init_list = plan.model_info
        populators = get_related_populators(plan.klass_info, plan.select, using)
        objects = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects

    def first(self, using: str = "default", **values: Any):
        found = self.rows(using, **values)
        return found[0] if found else None
