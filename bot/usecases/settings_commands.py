"""Parsing of the admin command ``/set KEY VALUE…``: pure, with one-line errors and examples."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from bot.config.group_settings import GroupApp, GroupSettings
from bot.config.settings import Settings
from bot.core.apps import CatalogueError
from bot.core.apps.catalogue import check_name
from bot.core.flags import flag_week
from bot.core.metrics import MetricRuleOverride
from bot.core.schedule import weekday_index
from bot.core.thresholds import ThresholdError, parse_metric
from bot.core.translatable import N_, TranslatableError, phrase_of
from bot.core.worktime import DAY_NAMES, WorkTimeError, iso_week

EXAMPLES: Mapping[str, str] = {
    "tz": "/set tz Asia/Shanghai",
    "hours": "/set hours mon-fri 08:30-12:00,14:00-18:00",
    "calendar": "/set calendar cn",
    "quiet": "/set quiet 22:00-07:00",
    "lang": "/set lang zh",
    "digest": "/set digest mon 09:00",
    "threshold": "/set threshold proof_demand warn=2 alert=4",
    "holiday": "/set holiday 2025-12-31",
    "workday": "/set workday 2025-10-11",
    "recipients": "/set recipients none",
    "app": "/set app add 青禾网格通 网格通",
    "unit": "/set unit 城南区/城南街道/青禾社区",
}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_ARGUMENTS_LENGTH = 1000
"""The longest ``/set`` arguments taken (a long holiday list needs a few hundred): a wrong
value is quoted in the answer, which must stay within Telegram's 4,096 characters."""


class CommandArgumentError(TranslatableError):
    """A command argument is wrong; the message explains it and gives an example."""


def usage() -> str:
    """Every ``/set`` form, one per line."""
    return "\n".join(EXAMPLES.values())


def apply_setting(
    current: GroupSettings,
    args: Sequence[str],
    defaults: Settings,
    *,
    now: datetime | None = None,
) -> GroupSettings:
    """Return ``current`` with the change that ``/set`` ``args`` ask for.

    Raises ``CommandArgumentError`` (one line with an example) for an unknown key or a bad value;
    the result is checked by building the group's working time and thresholds. A change of time
    zone needs ``now``: flags never count again in the week the group was in until then
    (``GroupSettings.flags_from_week``).
    """
    if not args:
        raise CommandArgumentError(
            N_("say what to set, for example: {example}"), example=EXAMPLES["tz"]
        )
    key, values = _ascii(args[0]).lower(), [a for a in args[1:] if a]
    # Full-width forms from a Chinese keyboard ("０８：３０", "ｗａｒｎ＝２") mean the ASCII ones;
    # names (an app's, a unit's) keep the forms the admin chose, only an app's action is read.
    if key == "app":
        values[:1] = [_ascii(v) for v in values[:1]]
    elif key != "unit":
        values = [_ascii(v) for v in values]
    length = len(" ".join(args))
    if length > MAX_ARGUMENTS_LENGTH:
        example = EXAMPLES.get(key, EXAMPLES["tz"])
        raise CommandArgumentError(
            N_(
                "the arguments are too long ({length} characters, at most {most}); "
                "write one setting, e.g. {example}"
            ),
            length=length,
            most=MAX_ARGUMENTS_LENGTH,
            example=example,
        )
    handler = _HANDLERS.get(key)
    if handler is None:
        raise CommandArgumentError(
            N_("unknown setting {key!r}; use one of {keys} (e.g. {example})"),
            key=key,
            keys=", ".join(EXAMPLES),
            example=EXAMPLES["tz"],
        )
    if not values:
        raise CommandArgumentError(
            N_("{key} needs a value, for example: {example}"), key=key, example=EXAMPLES[key]
        )
    if key in _ONE_VALUE and len(values) > 1:
        # Taking the first and dropping the rest would save what the admin may not have meant
        # ("/set tz Europe/Berlin Asia/Shanghai", "/set quiet 22:00-07:00 weekdays").
        raise CommandArgumentError(
            N_("{key} takes one value, not {values!r}; e.g. {example}"),
            key=key,
            values=" ".join(values),
            example=EXAMPLES[key],
        )
    try:
        updated = handler(current, values)
        updated.working_time(defaults)
        updated.thresholds_from(defaults)
    except (WorkTimeError, ThresholdError, ValueError) as error:
        if isinstance(error, CommandArgumentError):
            raise
        raise CommandArgumentError(
            N_("{reason} (example: {example})"), reason=phrase_of(error), example=EXAMPLES[key]
        ) from None
    return _close_flag_weeks(current, updated, defaults, now)


def _close_flag_weeks(
    current: GroupSettings, updated: GroupSettings, defaults: Settings, now: datetime | None
) -> GroupSettings:
    """``updated`` with the flag floor raised past the week the group is in before a change of
    time zone: in the new zone an earlier week, already shown to leaders, may still be running."""
    before = current.working_time(defaults)
    if updated.working_time(defaults).timezone.key == before.timezone.key:
        return updated
    if now is None:
        raise TypeError("a change of time zone needs the moment it is made (now)")
    # the floor only rises: the week a flag sent now counts in becomes the first one open
    floor = flag_week(iso_week(before.local(now).date()), current.flags_from_week)
    return updated.model_copy(update={"flags_from_week": floor})


def _ascii(word: str) -> str:
    """``word`` with full-width and other compatibility forms folded (NFKC)."""
    return unicodedata.normalize("NFKC", word)


def _set(current: GroupSettings, **changes: object) -> GroupSettings:
    return current.model_copy(update=changes)


def _timezone(current: GroupSettings, values: list[str]) -> GroupSettings:
    return _set(current, timezone=values[0])


def _hours(current: GroupSettings, values: list[str]) -> GroupSettings:
    return _set(current, working_hours=" ".join(values))


def _calendar(current: GroupSettings, values: list[str]) -> GroupSettings:
    return _set(current, calendar=values[0].lower())


def _quiet(current: GroupSettings, values: list[str]) -> GroupSettings:
    return _set(current, quiet_hours=values[0])


def _language(current: GroupSettings, values: list[str]) -> GroupSettings:
    language = values[0].lower()
    if language not in ("zh", "en"):
        raise CommandArgumentError(
            N_("language must be zh or en, e.g. {example}"), example=EXAMPLES["lang"]
        )
    return _set(current, language=language)


def _digest(current: GroupSettings, values: list[str]) -> GroupSettings:
    if len(values) != 2 or not _TIME.match(values[1]):
        raise CommandArgumentError(
            N_("give a weekday and a time, e.g. {example}"), example=EXAMPLES["digest"]
        )
    weekday = DAY_NAMES[weekday_index(values[0])]
    hour, minute = (int(part) for part in values[1].split(":"))
    return _set(current, digest_weekday=weekday, digest_time=time(hour, minute))


def _threshold(current: GroupSettings, values: list[str]) -> GroupSettings:
    metric = parse_metric(values[0])
    changes: dict[str, float | None] = {}
    for pair in values[1:]:
        name, _, raw = pair.partition("=")
        if name not in ("warn", "alert") or not raw:
            raise CommandArgumentError(
                N_("expected warn=N and/or alert=N, got {pair!r} (e.g. {example})"),
                pair=pair,
                example=EXAMPLES["threshold"],
            )
        changes[name] = None if raw.lower() == "off" else _number(raw)
    if not changes:
        raise CommandArgumentError(
            N_("give warn=N and/or alert=N, e.g. {example}"), example=EXAMPLES["threshold"]
        )
    merged = dict(current.thresholds)
    previous = merged.get(metric.value, MetricRuleOverride()).model_dump(exclude_unset=True)
    merged[metric.value] = MetricRuleOverride.model_validate({**previous, **changes})
    return _set(current, thresholds=merged)


def _number(raw: str) -> float:
    try:
        value = float(raw.rstrip("%")) / (100 if raw.endswith("%") else 1)
    except ValueError:
        value = math.nan
    # float() also reads "nan", "inf" and "1e999": none is a threshold ("off" turns one off).
    if not math.isfinite(value):
        raise CommandArgumentError(
            N_("{raw!r} is not a number (e.g. {example}; off turns it off)"),
            raw=raw,
            example=EXAMPLES["threshold"],
        )
    if value < 0:
        raise CommandArgumentError(
            N_("thresholds cannot be negative (e.g. {example})"), example=EXAMPLES["threshold"]
        )
    return value


MAX_DAY_RANGE = 31
"""The most days one ``FIRST..LAST`` range of ``/set holiday`` or ``/set workday`` may span
(the longest official holiday runs about nine days)."""


_RANGE_DOTS = re.compile(r"\.{2,}")


def _day(raw: str, key: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandArgumentError(
            N_("{raw!r} is not a date YYYY-MM-DD (e.g. {example})"), raw=raw, example=EXAMPLES[key]
        ) from None


def _days(raw: str, key: str) -> list[date]:
    """One date, or every date of an inclusive range ``FIRST..LAST`` (a published holiday
    arrangement is entered a run at a time). The dots may be more than two, or a Chinese
    keyboard's '。' (NFKC keeps it; it has already made '．' and '…' plain dots)."""
    parts = _RANGE_DOTS.split(raw.replace("。", "."), maxsplit=1)
    if len(parts) == 1:
        return [_day(raw, key)]
    first_raw, last_raw = parts
    # an open end ("2025-10-01..") is a wrong range, not an empty date
    first = _day(first_raw, key) if first_raw else date.max
    last = _day(last_raw, key) if last_raw else date.min
    span = (last - first).days + 1
    if not 1 <= span <= MAX_DAY_RANGE:
        raise CommandArgumentError(
            N_(
                "{raw!r} is not a range of 1 to {most} days: write FIRST..LAST with FIRST not "
                "after LAST (e.g. {example})"
            ),
            raw=raw,
            most=MAX_DAY_RANGE,
            example=f"/set {key} 2025-10-01..2025-10-08",
        )
    return [first + timedelta(days=offset) for offset in range(span)]


def _holiday(current: GroupSettings, values: list[str]) -> GroupSettings:
    # The latest choice for a day wins: a day cannot be both, and without this a holiday set
    # by mistake could never be undone (a day in both lists is refused).
    new = {day for v in values for day in _days(v, "holiday")}
    return _set(
        current,
        extra_holidays=sorted({*current.extra_holidays, *new}),
        extra_workdays=[d for d in current.extra_workdays if d not in new],
    )


def _workday(current: GroupSettings, values: list[str]) -> GroupSettings:
    new = {day for v in values for day in _days(v, "workday")}
    return _set(
        current,
        extra_workdays=sorted({*current.extra_workdays, *new}),
        extra_holidays=[d for d in current.extra_holidays if d not in new],
    )


def _recipients(current: GroupSettings, values: list[str]) -> GroupSettings:
    if values[0].lower() not in ("none", "group"):
        raise CommandArgumentError(
            N_(
                "recipients can only be reset (the digest then goes to the group); new leaders "
                "subscribe through /subscribe (e.g. {example})"
            ),
            example=EXAMPLES["recipients"],
        )
    return _set(current, digest_recipients=[])


MAX_GROUP_APPS = 50
MAX_UNIT_DEPTH = 6


def _app(current: GroupSettings, values: list[str]) -> GroupSettings:
    """``app add NAME [ALIAS...]``, ``app required NAME``, ``app optional NAME``, ``app remove
    NAME``; undoing names only one the group listed."""
    action, names = values[0].lower(), values[1:]
    if action not in ("add", "required", "optional", "remove") or not names:
        raise CommandArgumentError(
            N_(
                "use /set app add NAME [ALIAS...], /set app required NAME, /set app optional NAME "
                "or /set app remove NAME (e.g. {example})"
            ),
            example=EXAMPLES["app"],
        )
    try:
        name, aliases = check_name(names[0]), [check_name(alias) for alias in names[1:]]
    except CatalogueError as error:
        raise CommandArgumentError(
            N_("{reason} (e.g. {example})"), reason=error.phrase, example=EXAMPLES["app"]
        ) from None
    apps = [app for app in current.apps if app.name != name]
    required = [app for app in current.required_apps if app != name]
    if action == "add":
        if len(apps) >= MAX_GROUP_APPS:
            raise CommandArgumentError(
                N_("a group can add at most {most} apps"), most=MAX_GROUP_APPS
            )
        apps.append(GroupApp(name=name, aliases=aliases))
        return _set(current, apps=apps)
    if action == "required":
        if len(required) >= MAX_GROUP_APPS:
            raise CommandArgumentError(
                N_("a group can require at most {most} apps"), most=MAX_GROUP_APPS
            )
        return _set(current, required_apps=[*required, name])
    # Saying "Saved." for a name the group never listed would hide a typo behind a no-op.
    if action == "optional":
        if name not in current.required_apps:
            raise CommandArgumentError(
                N_("{name!r} is not in this group's required apps; /settings lists them"),
                name=name,
            )
        return _set(current, required_apps=required)
    if name not in {app.name for app in current.apps} | set(current.required_apps):
        raise CommandArgumentError(
            N_("{name!r} is not in this group's apps; /settings lists them"), name=name
        )
    return _set(current, apps=apps, required_apps=required)


def _unit(current: GroupSettings, values: list[str]) -> GroupSettings:
    if values[0].lower() == "none":
        return _set(current, unit=None)
    return _set(current, unit=parse_unit(" ".join(values)))


def parse_unit(raw: str) -> str:
    """Return a clean unit path ("城南区/城南街道/青禾社区"), or raise ``CommandArgumentError``."""
    parts = [part.strip() for part in raw.replace("／", "/").split("/")]
    if not all(parts) or len(parts) > MAX_UNIT_DEPTH or any(len(p) > 40 for p in parts):
        raise CommandArgumentError(
            N_("a unit is a path of 1-{deepest} names separated by / (e.g. {example})"),
            deepest=MAX_UNIT_DEPTH,
            example=EXAMPLES["unit"],
        )
    return "/".join(parts)


_ONE_VALUE = frozenset({"tz", "calendar", "quiet", "lang", "recipients"})
"""The settings that take exactly one value (the others read every word, or check the count)."""

_HANDLERS: Mapping[str, Callable[[GroupSettings, list[str]], GroupSettings]] = {
    "tz": _timezone,
    "hours": _hours,
    "calendar": _calendar,
    "quiet": _quiet,
    "lang": _language,
    "digest": _digest,
    "threshold": _threshold,
    "holiday": _holiday,
    "workday": _workday,
    "recipients": _recipients,
    "app": _app,
    "unit": _unit,
}
