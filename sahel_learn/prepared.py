"""Reads written with QuerySet methods, compiled to SQL once per process and run again with new values.

Building and compiling a QuerySet costs far more Python than running its SQL: on the study path
(``bench/study_scale.py``) a next card's six queries took about 7 ms to build and compile and 0.4 ms
to run. A ``Prepared`` read keeps the rule where it is, in the QuerySet methods its ``build`` calls,
and compiles it once per process, database and ``shape``; each call then binds its values into the
compiled SQL's parameters and runs it, reading the rows as the QuerySet itself would (its model
instances, ``select_related`` objects, annotations, ``values_list``).

``build(**values)`` must return the same SQL whatever the values: it uses each one only as a value
to compare with (``filter(user=user, due__lte=now)``), never to choose what to build, never in
arithmetic (pass ``now + delta`` as a value of its own), and it runs no query. The first compile
checks this: ``build`` is called twice with two sets of stand-in values, under a guard that refuses
any query; the two SQL texts must be the same, and the parameters may differ only where the
stand-ins are. Anything else raises ``NotPreparable``. What the SQL's shape depends on goes in
``shape`` (a deck, say), which must come from a small, fixed set of values.
"""

import copy
import datetime
import functools
import threading

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

UTC = datetime.UTC


class NotPreparable(Exception):
    """A ``build`` whose SQL does not depend on its values only as parameters (see the module's doc)."""


def _stand_in(kind, number, round_):
    """A value of ``kind`` that no real value will be, different for each ``number`` and ``round_``."""
    serial = 1 + number + 100 * round_
    if kind is int:
        return -2_000_000_000 - serial  # negative, and within a 32-bit column (out of range is "no row" to Django)
    if kind is str:
        return f"\x1fprepared:{serial}\x1f"
    if kind is datetime.datetime:
        return datetime.datetime(1111, 1, 1, 1, 1, 1, serial, tzinfo=UTC)
    raise TypeError(f"a prepared value is an int, a str or a datetime, not {kind!r}")


def _adapter(kind, connection):
    """How ``kind``'s values are handed to the database, as a model field's ``get_db_prep_value`` does."""
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value
    return kind


class _Refuse:
    def __call__(self, execute, sql, params, many, context):
        raise NotPreparable(f"a prepared read's build ran a query: {sql[:200]}")


@functools.cache
def _bound_class(compiler_class):
    """``compiler_class`` whose ``as_sql`` answers the compiled SQL with this call's parameters."""

    def as_sql(self, *args, **kwargs):
        return self.bound_sql, self.bound_params

    def get_converters(self, expressions):
        # The same select on the same connection has the same converters: found once.
        cache = self.converters_cache
        found_key = (id(self.connection), *map(id, expressions))
        found = cache.get(found_key)
        if found is None:
            found = cache[found_key] = compiler_class.get_converters(self, expressions)
        return found

    return type(
        f"Bound{compiler_class.__name__}", (compiler_class,), {"as_sql": as_sql, "get_converters": get_converters}
    )


class _Compiled:
    def __init__(self, built, compiler, sql, params, slots):
        self.built, self.sql, self.params, self.slots = built, sql, params, slots
        self.compiler = compiler  # a QuerySet's, after its compile: its select, klass_info, annotation_col_map
        # {(connection, expressions): converters}; it holds each connection's converters, so their ids stay theirs
        self.converters_cache = {}


class Prepared:
    """A read ``build(**values)`` (a QuerySet, or ``(sql, params)``) compiled once per process, database and shape.

    ``kinds`` names each value and its type (``int`` for a pk, ``str``, ``datetime.datetime``). A
    ``(sql, params)`` build gives its parameters as a compiler gives them, adapted for the database
    (``quizzes.models.counting_sql`` compiles QuerySets into one), and is read with ``row``.
    """

    def __init__(self, build, **kinds):
        taken = kinds.keys() & {"shape", "prepare", "using"}
        if taken:
            raise TypeError(f"a prepared value may not be named {', '.join(sorted(taken))}")
        self.build, self.kinds = build, kinds
        self._compiled = {}
        self._lock = threading.Lock()

    def __repr__(self):
        return f"<Prepared {self.build.__qualname__}({', '.join(self.kinds)})>"

    def _compile_once(self, connection, shape, stand_ins):
        with connection.execute_wrapper(_Refuse()):
            built = self._built(shape, stand_ins)
        if isinstance(built, QuerySet):
            compiler = built.query.get_compiler(connection=connection)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                raise NotPreparable(
                    f"{self!r}: its stand-in values select nothing (out of a column's range?)"
                ) from None
            return built, compiler, sql, tuple(params)
        sql, params = built
        return built, None, sql, tuple(params)

    def _compile(self, using, shape):
        connection = connections[using]
        names = list(self.kinds)
        rounds = []
        for round_ in (0, 1):
            stand_ins = {name: _stand_in(self.kinds[name], n, round_) for n, name in enumerate(names)}
            adapted = {_adapter(self.kinds[name], connection)(value): name for name, value in stand_ins.items()}
            rounds.append((adapted, self._compile_once(connection, shape, stand_ins)))
        (first_adapted, (built, compiler, sql, params)), (second_adapted, (_b, _c, sql_again, params_again)) = rounds
        if sql != sql_again or len(params) != len(params_again):
            raise NotPreparable(f"{self!r}: its SQL changes with its values")
        slots, fixed = [], list(params)
        for index, (one, two) in enumerate(zip(params, params_again, strict=True)):
            name = first_adapted.get(one) if _hashable(one) else None
            if name is not None and _hashable(two) and second_adapted.get(two) == name:
                slots.append((index, name))
            elif one != two:
                raise NotPreparable(f"{self!r}: parameter {index} is made from a value, not the value itself")
        missing = set(names) - {name for _index, name in slots}
        if missing:
            raise NotPreparable(f"{self!r}: the SQL does not use {', '.join(sorted(missing))}")
        return _Compiled(built, compiler, sql, fixed, slots)

    def compiled(self, shape=None, using=DEFAULT_DB_ALIAS):
        found = self._compiled.get((using, shape))
        if found is None:
            with self._lock:
                found = self._compiled.get((using, shape))
                if found is None:
                    found = self._compiled[using, shape] = self._compile(using, shape)
        return found

    def _params(self, compiled, connection, values):
        if values.keys() != self.kinds.keys():
            raise TypeError(f"{self!r} takes {', '.join(self.kinds)}, was given {', '.join(values)}")
        params = list(compiled.params)
        adapters = {name: _adapter(kind, connection) for name, kind in self.kinds.items()}
        for index, name in compiled.slots:
            params[index] = adapters[name](values[name])
        return params

    def _built(self, shape, values):
        return self.build(shape, **values) if shape is not None else self.build(**values)

    def all(self, shape=None, *, prepare=True, using=DEFAULT_DB_ALIAS, **values):
        """The built QuerySet's rows with these values, as a list (what ``list(queryset)`` gives).

        The QuerySet is evaluated here and never handed out: chained further, it would carry the
        compiled SQL along and silently ignore what was chained. With ``prepare=False`` (a ``shape``
        whose build looks rows up, say) it is built with the values and run as any QuerySet.
        """
        if not prepare:
            return list(self._built(shape, values).using(using))
        compiled = self.compiled(shape, using)
        connection = connections[using]
        bound = copy.copy(compiled.compiler)
        bound.__class__ = _bound_class(type(compiled.compiler))
        bound.connection, bound.using = connection, using
        bound.bound_sql, bound.bound_params = compiled.sql, self._params(compiled, connection, values)
        bound.converters_cache = compiled.converters_cache
        # Shallow copies of the built QuerySet and its Query (cloning them cost more than the SQL did),
        # the copy's compiler the bound one; QuerySet's own iterable reads the rows.
        built = compiled.built
        query = object.__new__(type(built.query))
        query.__dict__ = {**built.query.__dict__, "get_compiler": lambda *args, **kwargs: bound}
        queryset = object.__new__(type(built))
        queryset.__dict__ = {**built.__dict__, "_query": query, "_result_cache": None, "_prefetch_done": False}
        return list(queryset)

    def first(self, shape=None, *, prepare=True, using=DEFAULT_DB_ALIAS, **values):
        """The first row of the built QuerySet (built sliced ``[:1]``, so no more is read), or None."""
        rows = self.all(shape, prepare=prepare, using=using, **values)
        return rows[0] if rows else None

    def tuples(self, shape=None, *, using=DEFAULT_DB_ALIAS, **values):
        """The compiled SQL's rows as the database driver gives them: tuples, no model, no converter."""
        compiled = self.compiled(shape, using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, self._params(compiled, connection, values))
            return cursor.fetchall()

    def row(self, shape=None, *, prepare=True, using=DEFAULT_DB_ALIAS, **values):
        """The one row of a built ``(sql, params)`` statement."""
        connection = connections[using]
        if prepare:
            compiled = self.compiled(shape, using)
            sql, params = compiled.sql, self._params(compiled, connection, values)
        else:
            sql, params = self._built(shape, values)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def prefetched(instance, name, rows):
    """Leave ``rows`` where ``prefetch_related(name)`` would: ``instance.<name>.all()`` answers them, no query."""
    cached = getattr(instance, name).all()
    cached._result_cache, cached._prefetch_done = list(rows), True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = cached
    return cached
