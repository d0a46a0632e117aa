"""Rule files: parsing, merging and validation.

A rule file is TOML with these tables (every one optional, see ``data/shared.toml``):

* ``[category.NAME]`` with ``phrases`` (literal phrases; ``{a|b|}`` expands to alternatives)
  and/or ``patterns`` (regular expressions). A later file adds phrases to an existing category.
* ``[group]``: ``NAME = [categories or groups]``, a shorthand usable wherever a category is.
* ``[engine]``: categories with a built-in meaning (negators, clause breaks, speakers ...).
* ``[[rule]]``: a trigger category fires a label when its conditions hold.
* ``[[implication]]``: a label that goes with other labels (task_push with every demand).
* ``[[exemption]]``: categories that make a labelled message exempt (emergencies, duty).
* ``[[acknowledgement]]``: how a member's own acknowledgement reply looks.

Every problem is reported as :class:`RuleFileError` naming the file, the rule and the fault.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.labels import Label

SCOPES = ("clause", "sentence", "message")

_RULE_KEYS = {
    "id",
    "label",
    "trigger",
    "need",
    "need_scope",
    "need_message",
    "initial",
    "negatable",
    "speaker_check",
    "unless_clause",
    "unless_sentence",
    "unless_message",
    "except",
    "unless_next",
    "unless_prev",
    "unless_earlier",
    "need_context",
    "requires_labels",
}
_ENGINE_KEYS = {
    "negators",
    "purpose",
    "clause_breaks",
    "skippable",
    "first_person",
    "reply_lead",
    "speaker_reset",
    "quote_intro",
    "shadow",
}
_CATEGORY_KEYS = {"phrases", "patterns", "guard"}
_IMPLICATION_KEYS = {"id", "if_any", "add"}
_EXEMPTION_KEYS = {"id", "trigger", "unless_sentence"}
_ACK_KEYS = {"id", "starts_with", "max_chars", "unless"}


class RuleFileError(ValueError):
    """A rule file cannot be used; the message names the file, the rule and the problem."""


Condition = tuple[frozenset[str], ...]
"""All of these category sets must be present (each set: any of its categories)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One label rule after groups have been expanded to category sets."""

    id: str
    label: Label
    trigger: frozenset[str]
    need: frozenset[str]
    need_scope: str
    need_message: frozenset[str]
    initial: bool
    negatable: bool
    speaker_check: bool
    unless_clause: tuple[Condition, ...]
    unless_sentence: tuple[Condition, ...]
    unless_message: tuple[Condition, ...]
    except_: frozenset[str]
    unless_next: frozenset[str]
    unless_prev: frozenset[str]
    unless_earlier: frozenset[str]
    need_context: frozenset[str]
    requires_labels: frozenset[Label]


@dataclass(frozen=True, slots=True)
class Implication:
    """``add`` is given whenever any label of ``if_any`` is."""

    id: str
    if_any: frozenset[Label]
    add: Label


@dataclass(frozen=True, slots=True)
class Exemption:
    """A labelled message containing a ``trigger`` category is exempt."""

    id: str
    trigger: frozenset[str]
    unless_sentence: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AcknowledgementRule:
    """A short message opening with a ``starts_with`` token is a member's own reply."""

    id: str
    starts_with: frozenset[str]
    max_chars: int
    unless: frozenset[str]


@dataclass(slots=True)
class _Draft:
    """Everything read so far, before cross-file validation."""

    phrases: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, list[tuple[str, str, tuple[str, ...]]]] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    engine: dict[str, list[str]] = field(default_factory=dict)
    rules: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    implications: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    exemptions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    acknowledgements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Validated, merged rules ready for the engine."""

    phrases: Mapping[str, frozenset[str]]
    patterns: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]
    """(category, regex, guard): the regex only runs when a guard literal is in the text."""
    engine: Mapping[str, frozenset[str]]
    rules: tuple[Rule, ...]
    implications: tuple[Implication, ...]
    exemptions: tuple[Exemption, ...]
    acknowledgements: tuple[AcknowledgementRule, ...]


_BRACES = re.compile(r"\{([^{}]*)\}")


def expand_phrase(phrase: str) -> list[str]:
    """Expand ``{a|b|}`` alternatives: ``截{个|}图`` gives ``截个图`` and ``截图``."""
    parts = _BRACES.split(phrase)
    literals = parts[0::2]
    if any("{" in piece or "}" in piece for piece in literals):
        raise ValueError(f"unbalanced or nested braces in phrase {phrase!r}")
    choices = [alternatives.split("|") for alternatives in parts[1::2]]
    expanded: list[str] = []
    for combo in itertools.product(*choices):
        pieces = [literals[0]]
        for choice, literal in zip(combo, literals[1:], strict=True):
            pieces += [choice, literal]
        expanded.append("".join(pieces))
    return expanded


def _fail(path: Path, where: str, problem: str) -> RuleFileError:
    return RuleFileError(f"{path}: {where}: {problem}")


def _string_list(value: object, path: Path, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(path, where, f"'{key}' must be a list of strings")
    return list(value)


def _read_file(path: Path, draft: _Draft) -> None:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise RuleFileError(f"{path}: rule file not found; check the path") from None
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(f"{path}: not valid TOML ({error})") from None
    known = {"category", "group", "engine", "rule", "implication", "exemption", "acknowledgement"}
    unknown = set(data) - known
    if unknown:
        raise _fail(
            path, "top level", f"unknown table(s) {sorted(unknown)}; allowed: {sorted(known)}"
        )
    _read_categories(path, data.get("category", {}), draft)
    _read_name_lists(path, data.get("group", {}), draft.groups, "group")
    engine = data.get("engine", {})
    if isinstance(engine, dict) and set(engine) - _ENGINE_KEYS:
        raise _fail(path, "[engine]", f"unknown key(s) {sorted(set(engine) - _ENGINE_KEYS)}")
    _read_name_lists(path, engine, draft.engine, "engine")
    for table, target in (
        ("rule", draft.rules),
        ("implication", draft.implications),
        ("exemption", draft.exemptions),
        ("acknowledgement", draft.acknowledgements),
    ):
        entries = data.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _fail(path, f"[[{table}]]", "must be an array of tables ([[" + table + "]])")
        target.extend((str(path), entry) for entry in entries)


def normalise_guard(literal: str) -> str:
    """Guards are compared with folded text; fold the obvious parts (case, digits)."""
    return "".join("0" if char.isdigit() else char for char in literal.lower())


def _read_categories(path: Path, categories: object, draft: _Draft) -> None:
    if not isinstance(categories, dict):
        raise _fail(path, "[category]", "must be a table of categories")
    for name, body in categories.items():
        where = f"category '{name}'"
        if not isinstance(body, dict):
            raise _fail(path, where, "must be a table with 'phrases' and/or 'patterns'")
        extra = set(body) - _CATEGORY_KEYS
        if extra:
            raise _fail(
                path, where, f"unknown key(s) {sorted(extra)}; use 'phrases' or 'patterns'"
            )
        phrases = _string_list(body.get("phrases", []), path, where, "phrases")
        patterns = _string_list(body.get("patterns", []), path, where, "patterns")
        guard = _string_list(body.get("guard", []), path, where, "guard")
        if guard and not patterns:
            raise _fail(path, where, "'guard' is only meaningful together with 'patterns'")
        if any(not literal for literal in guard):
            raise _fail(path, where, "'guard' literals must not be empty")
        if not phrases and not patterns:
            raise _fail(path, where, "has no phrases and no patterns; give at least one")
        expanded = _expand_all(path, where, phrases)
        _check_patterns(path, where, patterns)
        draft.phrases.setdefault(name, []).extend(expanded)
        draft.patterns.setdefault(name, []).extend(
            (str(path), p, tuple(normalise_guard(g) for g in guard)) for p in patterns
        )
        draft.origin.setdefault(name, str(path))


def _expand_all(path: Path, where: str, phrases: list[str]) -> list[str]:
    expanded: list[str] = []
    for phrase in phrases:
        try:
            variants = expand_phrase(phrase)
        except ValueError as error:
            raise _fail(path, where, str(error)) from None
        if any(not variant.strip() for variant in variants):
            raise _fail(path, where, f"phrase {phrase!r} expands to an empty phrase")
        expanded.extend(variants)
    return expanded


def _check_patterns(path: Path, where: str, patterns: list[str]) -> None:
    for pattern in patterns:
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise _fail(path, where, f"bad regex {pattern!r} ({error})") from None
        if compiled.match(""):
            raise _fail(path, where, f"regex {pattern!r} matches the empty string")


def _read_name_lists(path: Path, table: object, target: dict[str, list[str]], what: str) -> None:
    if not isinstance(table, dict):
        raise _fail(path, f"[{what}]", "must be a table of name lists")
    for name, members in table.items():
        target.setdefault(name, []).extend(_string_list(members, path, f"{what} '{name}'", name))


class _Resolver:
    """Turns category/group names into category sets, reporting unknown names."""

    def __init__(self, draft: _Draft) -> None:
        self._categories = set(draft.phrases)
        self._groups = draft.groups

    def names(self, names: Iterable[str], where: str, key: str) -> frozenset[str]:
        """Any-of set of categories; conjunctions ("a+b") are not allowed here."""
        resolved: set[str] = set()
        for condition in self.conditions(names, where, key):
            if len(condition) != 1:
                raise RuleFileError(f"{where}: '{key}' cannot use a conjunction ('a+b')")
            resolved |= condition[0]
        return frozenset(resolved)

    def conditions(
        self, names: Iterable[str], where: str, key: str, seen: tuple[str, ...] = ()
    ) -> tuple[Condition, ...]:
        """Each name becomes one condition; a group expands to its members' conditions."""
        result: list[Condition] = []
        for name in names:
            if "+" in name:
                result.append(
                    tuple(self.names([part.strip()], where, key) for part in name.split("+"))
                )
            elif name in self._categories:
                result.append((frozenset({name}),))
            elif name in self._groups:
                if name in seen:
                    raise RuleFileError(f"{where}: group '{name}' refers to itself")
                result.extend(self.conditions(self._groups[name], where, key, (*seen, name)))
            else:
                raise RuleFileError(f"{where}: '{key}' names unknown category or group '{name}'")
        return tuple(result)


def _label(value: object, where: str, key: str) -> Label:
    if not isinstance(value, str):
        raise RuleFileError(f"{where}: '{key}' must be a label name")
    try:
        return Label(value)
    except ValueError:
        valid = ", ".join(Label)
        raise RuleFileError(
            f"{where}: unknown label '{value}' in '{key}'; valid: {valid}"
        ) from None


def _check_keys(entry: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = set(entry) - allowed
    if extra:
        raise RuleFileError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}")


def _get_list(entry: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RuleFileError(f"{where}: '{key}' must be a list of strings")
    return list(value)


def _get_bool(entry: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise RuleFileError(f"{where}: '{key}' must be true or false")
    return value


def _entry_id(path: str, entry: Mapping[str, Any], kind: str, seen: set[str]) -> str:
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleFileError(f"{path}: a [[{kind}]] entry has no 'id' string; give each one an id")
    if rule_id in seen:
        raise RuleFileError(f"{path}: {kind} '{rule_id}': duplicate id; ids must be unique")
    seen.add(rule_id)
    return rule_id


def _build_rule(path: str, entry: Mapping[str, Any], resolve: _Resolver, seen: set[str]) -> Rule:
    rule_id = _entry_id(path, entry, "rule", seen)
    where = f"{path}: rule '{rule_id}'"
    _check_keys(entry, _RULE_KEYS, where)
    trigger = resolve.names(_get_list(entry, "trigger", where), where, "trigger")
    if not trigger:
        raise RuleFileError(f"{where}: 'trigger' must name at least one category")
    scope = entry.get("need_scope", "sentence")
    if scope not in SCOPES:
        raise RuleFileError(f"{where}: 'need_scope' must be one of {', '.join(SCOPES)}")
    return Rule(
        id=rule_id,
        label=_label(entry.get("label"), where, "label"),
        trigger=trigger,
        need=resolve.names(_get_list(entry, "need", where), where, "need"),
        need_scope=scope,
        need_message=resolve.names(_get_list(entry, "need_message", where), where, "need_message"),
        initial=_get_bool(entry, "initial", where, default=False),
        negatable=_get_bool(entry, "negatable", where, default=True),
        speaker_check=_get_bool(entry, "speaker_check", where, default=True),
        unless_clause=resolve.conditions(_get_list(entry, "unless_clause", where), where, "u"),
        unless_sentence=resolve.conditions(_get_list(entry, "unless_sentence", where), where, "u"),
        unless_message=resolve.conditions(_get_list(entry, "unless_message", where), where, "u"),
        except_=resolve.names(_get_list(entry, "except", where), where, "except"),
        unless_next=resolve.names(_get_list(entry, "unless_next", where), where, "unless_next"),
        unless_prev=resolve.names(_get_list(entry, "unless_prev", where), where, "unless_prev"),
        unless_earlier=resolve.names(
            _get_list(entry, "unless_earlier", where), where, "unless_earlier"
        ),
        need_context=resolve.names(_get_list(entry, "need_context", where), where, "need_context"),
        requires_labels=frozenset(
            _label(name, where, "requires_labels")
            for name in _get_list(entry, "requires_labels", where)
        ),
    )


def _build_implication(path: str, entry: Mapping[str, Any], seen: set[str]) -> Implication:
    rule_id = _entry_id(path, entry, "implication", seen)
    where = f"{path}: implication '{rule_id}'"
    _check_keys(entry, _IMPLICATION_KEYS, where)
    if_any = frozenset(_label(n, where, "if_any") for n in _get_list(entry, "if_any", where))
    if not if_any:
        raise RuleFileError(f"{where}: 'if_any' must name at least one label")
    return Implication(rule_id, if_any, _label(entry.get("add"), where, "add"))


def _build_exemption(
    path: str, entry: Mapping[str, Any], resolve: _Resolver, seen: set[str]
) -> Exemption:
    rule_id = _entry_id(path, entry, "exemption", seen)
    where = f"{path}: exemption '{rule_id}'"
    _check_keys(entry, _EXEMPTION_KEYS, where)
    trigger = resolve.names(_get_list(entry, "trigger", where), where, "trigger")
    if not trigger:
        raise RuleFileError(f"{where}: 'trigger' must name at least one category")
    unless = resolve.conditions(_get_list(entry, "unless_sentence", where), where, "u")
    return Exemption(rule_id, trigger, unless)


def _build_ack(
    path: str, entry: Mapping[str, Any], resolve: _Resolver, seen: set[str]
) -> AcknowledgementRule:
    rule_id = _entry_id(path, entry, "acknowledgement", seen)
    where = f"{path}: acknowledgement '{rule_id}'"
    _check_keys(entry, _ACK_KEYS, where)
    max_chars = entry.get("max_chars", 40)
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars <= 0:
        raise RuleFileError(f"{where}: 'max_chars' must be a positive integer")
    return AcknowledgementRule(
        rule_id,
        resolve.names(_get_list(entry, "starts_with", where), where, "starts_with"),
        max_chars,
        resolve.names(_get_list(entry, "unless", where), where, "unless"),
    )


def load_rule_files(paths: Sequence[Path], normalise_phrase: Any) -> RuleSet:
    """Read, merge and validate ``paths`` in order; raise :class:`RuleFileError` on any fault.

    ``normalise_phrase`` folds each phrase the way message text is folded, so phrases written
    in traditional characters or full width still match.
    """
    draft = _Draft()
    for path in paths:
        _read_file(path, draft)
    resolve = _Resolver(draft)
    for group, members in draft.groups.items():
        resolve.conditions(members, f"group '{group}'", group)
    engine = {
        key: resolve.names(members, f"[engine] {key}", key)
        for key, members in draft.engine.items()
    }
    seen: set[str] = set()
    rules = tuple(_build_rule(path, entry, resolve, seen) for path, entry in draft.rules)
    implications = tuple(_build_implication(p, e, seen) for p, e in draft.implications)
    exemptions = tuple(_build_exemption(p, e, resolve, seen) for p, e in draft.exemptions)
    acks = tuple(_build_ack(p, e, resolve, seen) for p, e in draft.acknowledgements)
    phrases = {
        name: frozenset(normalise_phrase(phrase) for phrase in items)
        for name, items in draft.phrases.items()
    }
    patterns = tuple(
        (name, re.compile(pattern), guard)
        for name, items in draft.patterns.items()
        for _path, pattern, guard in items
    )
    return RuleSet(phrases, patterns, engine, rules, implications, exemptions, acks)
