"""Cheaper constructors of frozen dataclasses for loops that make one per message.

A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__`` (a global
look-up, an attribute look-up and a call per field): for the 13-17 fields of the audit's
per-message records that was 1.5-1.8 µs each, several times a message over exports of a
million. ``maker(cls)`` returns a function that gives an object equal to
``cls(...)`` called with the same arguments (by keyword or in field order, as the dataclass's
own), setting the fields at C speed instead (the slot descriptors of a ``slots=True`` class,
one ``__dict__`` otherwise). A field renamed or added without a default fails loudly at the
call (an argument missing or unknown), as ``cls(...)`` would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


def maker(cls: Callable[P, T]) -> Callable[P, T]:
    """A constructor of the frozen dataclass ``cls`` (arguments and defaults as ``cls``'s, and
    typed as ``cls`` is called); ``cls`` itself when it cannot be done faster (a
    ``__post_init__``, a default factory)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(
        field.default_factory is not dataclasses.MISSING or not field.init for field in fields
    ):
        return cls
    names = [field.name for field in fields]
    defaults = {
        f"_default_{field.name}": field.default
        for field in fields
        if field.default is not dataclasses.MISSING
    }
    parameters = ", ".join(
        f"{name}=_default_{name}" if f"_default_{name}" in defaults else name for name in names
    )
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **defaults}
    if "__slots__" in cls.__dict__:
        scope.update({f"_set_{name}": getattr(cls, name).__set__ for name in names})
        body = "".join(f"    _set_{name}(made, {name})\n" for name in names)
    else:
        scope["_set_dict"] = object.__setattr__
        items = ", ".join(f"{name!r}: {name}" for name in names)
        body = f"    _set_dict(made, '__dict__', {{{items}}})\n"
    source = f"def make({parameters}):\n    made = _new(_cls)\n{body}    return made\n"
    exec(source, scope)  # generated from the dataclass's own field names
    made: Callable[P, T] = scope["make"]
    return made
