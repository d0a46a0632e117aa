"""Every digest metric's default rule, and the effective thresholds after overrides.

The numbers and citations come from the national rules on fingertip formalism; every one of
them can be overridden globally (settings) and per group (admin commands), and the citations
are plain text so a deployment can localise them. A label's metric is declared in its row of
``bot.core.labels``; the two group-wide metrics are declared here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from bot.core import provisions
from bot.core.labels import LABEL_TABLE
from bot.core.metrics import (
    Comparison,
    MetricDefinition,
    MetricId,
    MetricRule,
    MetricRuleOverride,
    define_metric,
)
from bot.core.translatable import N_, TranslatableError

_GROUP_METRICS = (
    define_metric(
        MetricId.AFTER_HOURS_DEMAND_SHARE,
        Comparison.MORE_THAN,
        "share of demands sent after hours",
        provisions.WORK_GROUP_RULES,
        warn=0.15,
        alert=0.30,
    ),
    define_metric(
        MetricId.REST_DAY_DEMAND_DAYS,
        Comparison.AT_LEAST,
        "weekend/holiday days with demands",
        provisions.WEEKEND,
        warn=1,
        alert=2,
    ),
)
_DECLARED = {d.id: d for d in (*(spec.metric for spec in LABEL_TABLE), *_GROUP_METRICS)}
DEFINITIONS: Mapping[MetricId, MetricDefinition] = {
    metric: _DECLARED[metric] for metric in MetricId
}
"""Every metric's definition, in the order of ``MetricId`` (the digest's order)."""


class ThresholdError(TranslatableError):
    """A threshold override names an unknown metric or has an inconsistent value."""


@dataclass(frozen=True)
class Thresholds:
    """The effective rule of every metric: defaults, then global overrides, then a group's."""

    rules: Mapping[MetricId, MetricRule]

    @classmethod
    def defaults(cls) -> Thresholds:
        """Return the thresholds of the national rules, as documented in the README."""
        return cls({metric: definition.default for metric, definition in DEFINITIONS.items()})

    def rule(self, metric: MetricId) -> MetricRule:
        """Return the effective rule of ``metric``."""
        return self.rules[metric]

    def with_overrides(self, overrides: Mapping[str, MetricRuleOverride]) -> Thresholds:
        """Return a copy with ``overrides`` applied; raise ``ThresholdError`` on a bad one."""
        rules = dict(self.rules)
        for name, override in overrides.items():
            metric = parse_metric(name)
            changes = override.model_dump(exclude_unset=True)
            merged = rules[metric].model_copy(update=changes)
            _check_order(metric, merged)
            rules[metric] = merged
        return replace(self, rules=rules)


def parse_metric(name: str) -> MetricId:
    """Return the metric called ``name``; raise ``ThresholdError`` listing the valid names."""
    try:
        return MetricId(name.strip().lower())
    except ValueError:
        valid = ", ".join(MetricId)
        raise ThresholdError(
            N_("unknown metric {name!r}; valid metrics are: {valid}"), name=name, valid=valid
        ) from None


def _check_order(metric: MetricId, rule: MetricRule) -> None:
    if rule.warn is not None and rule.alert is not None and rule.alert < rule.warn:
        raise ThresholdError(
            N_(
                "{metric}: alert ({alert}) must not be below warn ({warn}); "
                "for example warn=3 alert=6"
            ),
            metric=metric,
            alert=f"{rule.alert:g}",
            warn=f"{rule.warn:g}",
        )


def load_threshold_file(path: Path) -> dict[str, MetricRuleOverride]:
    """Read threshold overrides from a TOML file.

    The file holds one table per metric, either at the top level (``[proof_demand]``) or under
    ``[thresholds.proof_demand]`` as in the main config file. Raises ``ThresholdError`` naming the
    file and the bad entry.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdError(N_("thresholds file {path} does not exist"), path=path) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ThresholdError(
            N_("thresholds file {path} is not valid TOML: {error}"), path=path, error=error
        ) from None
    tables = data.get("thresholds", data)
    if not isinstance(tables, dict):
        raise ThresholdError(N_("{path}: 'thresholds' must be a table of metrics"), path=path)
    overrides: dict[str, MetricRuleOverride] = {}
    for name, table in tables.items():
        parse_metric(name)
        if not isinstance(table, dict):
            raise ThresholdError(
                N_("{path}: [{name}] must be a table, e.g. warn = 3, alert = 6"),
                path=path,
                name=name,
            )
        try:
            overrides[name] = MetricRuleOverride.model_validate(table)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
            )
            raise ThresholdError(
                N_("{path}: [{name}] {problems}"), path=path, name=name, problems=problems
            ) from None
    Thresholds.defaults().with_overrides(overrides)
    return overrides
