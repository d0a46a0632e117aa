"""How an observation becomes counter fields, and how counter fields become a ``WeekAggregate``.

Each message contributes a short list of counter tokens (hash field names). The list itself is what
the store remembers per message, so an edit can subtract exactly what the first version added.

Token grammar (first character is the kind):
  m                 messages                 b<band>          messages by band
  l<label>          labelled (exempt too)    e<label>         exempt labelled
  x                 exempt messages          c<label><band>   counted label by band
  d<band>           counted demands by band  h<hour-of-week>  counted demands by hour of week
  r<weekday>        rest day with demands    s<label>.~       label senders (pseudonyms)
  S.~               demand senders           a<band>          acknowledgement replies by band
  R                 repeated report demands (added by the Lua script, which knows the history)
  A<app>            app demands              A<app>/<kind>    app demands by kind (kinds.py codes)
  A<app>!           app demands after hours  P<app>           platform used as a form/meeting means
``<app>`` is the app name with "%", "/", "!", "~", "|" and whitespace percent-escaped.

``~`` stands for the sender's pseudonym, which the store keeps once per message instead of once
per token: a group-week's memory is mostly these per-message records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import unquote

from bot.core.aggregates import Evidence, RepeatedReport, WeekAggregate
from bot.core.apps import AppWeek, DemandKind, Role
from bot.core.apps.kinds import KINDS_BY_CODE
from bot.core.labels import LABEL_TABLE, Label
from bot.core.observation import Observation
from bot.core.worktime import Band, week_start

LABEL_CODES: Mapping[Label, str] = {spec.label: spec.code for spec in LABEL_TABLE}
BAND_CODES: Mapping[Band, str] = {Band.WORK: "w", Band.AFTER_HOURS: "a", Band.QUIET: "q"}
_LABELS_BY_CODE = {code: label for label, code in LABEL_CODES.items()}
_BANDS_BY_CODE = {code: band for band, code in BAND_CODES.items()}
_BAND_TOKENS = {code: f"b{code}" for code in BAND_CODES.values()}
SENDER_MARK = "~"
EVIDENCE_FIELD_SEPARATOR = "\t"


def counter_tokens(observation: Observation) -> list[str]:
    """Return the counter fields ``observation`` increments by one each."""
    band = BAND_CODES[observation.band]
    if not (observation.labels or observation.acknowledgement or observation.apps):
        # Most messages of a chat: counted and banded, nothing else (what the rest below
        # would make of them, without its steps).
        return ["m", _BAND_TOKENS[band]]
    tokens = ["m", f"b{band}"]
    if observation.acknowledgement:
        tokens.append(f"a{band}")
    codes = [LABEL_CODES[label] for label in observation.labels]
    tokens.extend(f"l{code}" for code in codes)
    if observation.exempt and codes:
        tokens.append("x")
        tokens.extend(f"e{code}" for code in codes)
    elif codes:
        tokens.extend(f"c{code}{band}" for code in codes)
        tokens.extend((f"d{band}", f"h{observation.hour_of_week}"))
        if observation.rest_day is not None:
            tokens.append(f"r{observation.rest_day.weekday()}")
        if observation.sender_key:
            tokens.extend(f"s{code}.{SENDER_MARK}" for code in codes)
            tokens.append(f"S.{SENDER_MARK}")
    if not observation.exempt:
        tokens.extend(_app_tokens(observation))
    return tokens


_ESCAPED = str.maketrans({c: f"%{ord(c):02X}" for c in "%/!~| \t\n\r"})


def _app_field(name: str) -> str:
    return name.translate(_ESCAPED)


def _app_tokens(observation: Observation) -> list[str]:
    tokens: list[str] = []
    for demand in observation.apps:
        app = _app_field(demand.app)
        if demand.role is Role.PLATFORM:
            tokens.append(f"P{app}")
            continue
        tokens.append(f"A{app}")
        tokens.extend(f"A{app}/{kind.code}" for kind in DemandKind if kind in demand.kinds)
        if observation.band is not Band.WORK:
            tokens.append(f"A{app}!")
    return tokens


def minute_stamp(moment: datetime) -> str:
    """``moment`` as "YYYY-MM-DD HH:MM" in its own time zone (as ``strftime`` would write it,
    at a third of the cost: the start of its ISO form)."""
    return moment.isoformat(" ", "minutes")[:16]


def evidence_record(observation: Observation) -> str:
    """Return the stored evidence line of ``observation``, or "" when it has none."""
    if not observation.excerpt or not observation.labels:
        return ""
    codes = "".join(sorted(LABEL_CODES[label] for label in observation.labels))
    fields = (
        codes,
        minute_stamp(observation.sent_at),
        BAND_CODES[observation.band],
        "x" if observation.exempt else "-",
        observation.excerpt.replace(EVIDENCE_FIELD_SEPARATOR, " "),
    )
    return EVIDENCE_FIELD_SEPARATOR.join(fields)


@dataclass
class _Tally:
    monday: date
    messages: int = 0
    exempt: int = 0
    demand_senders: int = 0
    by_band: Counter[Band] = field(default_factory=Counter)
    labelled: Counter[Label] = field(default_factory=Counter)
    exempt_labelled: Counter[Label] = field(default_factory=Counter)
    counted: Counter[tuple[Label, Band]] = field(default_factory=Counter)
    demands: Counter[Band] = field(default_factory=Counter)
    acks: Counter[Band] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)
    senders: Counter[Label] = field(default_factory=Counter)
    rest_days: set[date] = field(default_factory=set)
    app_demands: Counter[str] = field(default_factory=Counter)
    app_after_hours: Counter[str] = field(default_factory=Counter)
    app_kinds: dict[str, Counter[DemandKind]] = field(default_factory=dict)
    platforms: Counter[str] = field(default_factory=Counter)

    def apps(self) -> dict[str, AppWeek]:
        return {
            name: AppWeek(
                demands=count,
                kinds=dict(self.app_kinds.get(name, {})),
                after_hours=self.app_after_hours[name],
            )
            for name, count in self.app_demands.items()
        }


def _add_messages(tally: _Tally, _: str, value: int) -> None:
    tally.messages += value


def _add_exempt(tally: _Tally, _: str, value: int) -> None:
    tally.exempt += value


def _add_demand_sender(tally: _Tally, _: str, __: int) -> None:
    tally.demand_senders += 1


def _add_rest_day(tally: _Tally, rest: str, _: int) -> None:
    tally.rest_days.add(tally.monday + timedelta(days=int(rest)))


def _add_counted(tally: _Tally, rest: str, value: int) -> None:
    tally.counted[_LABELS_BY_CODE[rest[0]], _BANDS_BY_CODE[rest[1]]] += value


def _add_sender(tally: _Tally, rest: str, _: int) -> None:
    tally.senders[_LABELS_BY_CODE[rest[0]]] += 1


def _app_name(field: str) -> str:
    return unquote(field) if "%" in field else field


def _add_app(tally: _Tally, rest: str, value: int) -> None:
    if rest[-1] == "!":
        tally.app_after_hours[_app_name(rest[:-1])] += value
    elif "/" in rest:
        name, code = rest.rsplit("/", 1)
        kind = KINDS_BY_CODE.get(code)
        if kind is not None:
            tally.app_kinds.setdefault(_app_name(name), Counter())[kind] += value
    else:
        tally.app_demands[_app_name(rest)] += value


def _add_platform(tally: _Tally, rest: str, value: int) -> None:
    tally.platforms[_app_name(rest)] += value


_DECODERS: Mapping[str, Callable[[_Tally, str, int], None]] = {
    "m": _add_messages,
    "x": _add_exempt,
    "S": _add_demand_sender,
    "r": _add_rest_day,
    "c": _add_counted,
    "s": _add_sender,
    "A": _add_app,
    "P": _add_platform,
    # Each field is one distinct key, so plain assignment (no Counter.update) is enough: it
    # keeps decoding cheap for roll-ups that decode thousands of weeks.
    "b": lambda t, rest, n: t.by_band.__setitem__(_BANDS_BY_CODE[rest], n),
    "l": lambda t, rest, n: t.labelled.__setitem__(_LABELS_BY_CODE[rest], n),
    "e": lambda t, rest, n: t.exempt_labelled.__setitem__(_LABELS_BY_CODE[rest], n),
    "d": lambda t, rest, n: t.demands.__setitem__(_BANDS_BY_CODE[rest], n),
    "a": lambda t, rest, n: t.acks.__setitem__(_BANDS_BY_CODE[rest], n),
    "h": lambda t, rest, n: t.hours.__setitem__(int(rest), n),
}


HEADLINE_FIELDS: tuple[str, ...] = (
    "m",
    *(f"d{band}" for band in BAND_CODES.values()),
    *(f"c{LABEL_CODES[Label.TASK_PUSH]}{band}" for band in BAND_CODES.values()),
)
"""The counters a trend week needs: messages, demands and task pushes by band."""


def decode_headline(week: str, values: Sequence[bytes | str | None]) -> WeekAggregate:
    """Rebuild the headline of a week (``HEADLINE_FIELDS``, read in that order) as an aggregate.

    Everything else of the aggregate is empty: enough for trends and for "routine".
    """
    counts = [0 if value is None else int(value) for value in values]
    bands = list(BAND_CODES)
    messages, demands, pushes = counts[0], counts[1:4], counts[4:7]
    # Built directly, not through decode_week: a roll-up reads thousands of these.
    return WeekAggregate(
        week=week,
        messages=messages,
        counted={(Label.TASK_PUSH, band): n for band, n in zip(bands, pushes, strict=True) if n},
        demands_by_band={band: n for band, n in zip(bands, demands, strict=True) if n},
    )


def decode_week(
    week: str, counters: Mapping[str, str], evidence: Mapping[str, str]
) -> WeekAggregate:
    """Rebuild a ``WeekAggregate`` from a week's counter hash and evidence hash."""
    tally = _Tally(monday=week_start(week))
    for name, raw in counters.items():
        value = int(raw)
        decoder = _DECODERS.get(name[0])
        # "R" (repeats) is read from the evidence hash, which names the subjects.
        if value > 0 and decoder is not None:
            decoder(tally, name[1:], value)
    repeats, excerpts = _decode_evidence(evidence)
    return WeekAggregate(
        week=week,
        messages=tally.messages,
        messages_by_band=dict(tally.by_band),
        labelled=dict(tally.labelled),
        exempt_labelled=dict(tally.exempt_labelled),
        exempt_messages=tally.exempt,
        counted=dict(tally.counted),
        demands_by_band=dict(tally.demands),
        acknowledgements_by_band=dict(tally.acks),
        demand_hours=dict(tally.hours),
        rest_days_with_demands=frozenset(tally.rest_days),
        senders_by_label=dict(tally.senders),
        demand_senders=tally.demand_senders,
        repeated_reports=repeats,
        evidence=excerpts,
        apps=tally.apps(),
        platforms=dict(tally.platforms),
    )


def _decode_evidence(
    evidence: Mapping[str, str],
) -> tuple[tuple[RepeatedReport, ...], tuple[Evidence, ...]]:
    repeats: list[RepeatedReport] = []
    excerpts: list[Evidence] = []
    for name, value in evidence.items():
        if name.startswith("#"):
            continue
        if name.startswith("R:"):
            repeats.append(RepeatedReport(message_id=int(name[2:]), subject=value))
            continue
        codes, local_time, band, exempt, text = value.split(EVIDENCE_FIELD_SEPARATOR, 4)
        excerpts.append(
            Evidence(
                message_id=int(name),
                labels=tuple(sorted((_LABELS_BY_CODE[c] for c in codes), key=_label_order)),
                local_time=local_time,
                band=_BANDS_BY_CODE[band],
                exempt=exempt == "x",
                excerpt=text,
            )
        )
    repeats.sort(key=lambda item: item.message_id)
    excerpts.sort(key=lambda item: (item.local_time, item.message_id))
    return tuple(repeats), tuple(excerpts)


def _label_order(label: Label) -> int:
    return list(LABEL_CODES).index(label)
