"""Digest metrics: their ids, how a value meets a threshold, and the rule a deployment tunes.

The metrics of a label are declared with the label (``bot.core.labels``); the group-wide ones and
the effective thresholds live in ``bot.core.thresholds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from bot.core.provisions import Provision


class MetricId(StrEnum):
    """The metrics a weekly digest measures against thresholds."""

    AFTER_HOURS_TASK_PUSH = "after_hours_task_push"
    AFTER_HOURS_DEMAND_SHARE = "after_hours_demand_share"
    REST_DAY_DEMAND_DAYS = "rest_day_demand_days"
    PROOF_DEMAND = "proof_demand"
    REPORT_DEMAND = "report_demand"
    ACK_DEMAND = "ack_demand"
    APP_DEMAND = "app_demand"
    URGENT_DEADLINE = "urgent_deadline"


class Comparison(StrEnum):
    """How a value is compared with a threshold: at least, or strictly more than."""

    AT_LEAST = ">="
    MORE_THAN = ">"

    def reached(self, value: float, threshold: float | None) -> bool:
        """Return True when ``value`` reaches ``threshold`` (never when the threshold is off)."""
        if threshold is None:
            return False
        return value >= threshold if self is Comparison.AT_LEAST else value > threshold


class MetricRule(BaseModel):
    """Thresholds and citation for one metric; ``None`` switches a threshold off."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    warn: float | None = Field(default=None, ge=0)
    alert: float | None = Field(default=None, ge=0)
    quiet_warn: float | None = Field(
        default=None, ge=0, description="after-hours pushes in quiet hours that alone warn"
    )
    routine_alert: bool = Field(
        default=False,
        description="alert when after-hours pushes happened in 3 of the last 4 weeks",
    )
    repeat_warn: float | None = Field(default=None, ge=0, description="repeated report demands")
    repeat_alert: float | None = Field(default=None, ge=0)
    provision_zh: str = ""
    provision_en: str = ""

    def provision(self, language: str) -> str:
        """Return the citation in ``language`` ("zh" or "en"), falling back to the other one."""
        text = self.provision_en if language == "en" else self.provision_zh
        return text or self.provision_zh or self.provision_en


class MetricRuleOverride(BaseModel):
    """A partial override of a ``MetricRule``: only the fields given replace the defaults.

    A field given as ``None`` switches that threshold off; a field not given keeps the default.
    Serialised, it holds only the fields given, so a stored override reads back the same.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    warn: float | None = Field(default=None, ge=0)
    alert: float | None = Field(default=None, ge=0)
    quiet_warn: float | None = Field(default=None, ge=0)
    routine_alert: bool | None = None
    repeat_warn: float | None = Field(default=None, ge=0)
    repeat_alert: float | None = Field(default=None, ge=0)
    provision_zh: str | None = None
    provision_en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_unset_nulls(cls, data: Any) -> Any:
        """Read a null that cannot mean "off" as not given.

        ``routine_alert`` and the citations have no "off" (``False`` and "" are theirs). A
        dump of every field is how overrides were stored before they kept only the fields
        given: there, the thresholds no command can switch off were null for "not given" too.
        Its ``warn`` and ``alert`` stay as they are: "off" and "not given" read alike there.
        """
        if not isinstance(data, dict):
            return data
        legacy = set(data) == set(cls.model_fields)
        unset = _LEGACY_UNSET if legacy else _NEVER_OFF
        return {
            name: value for name, value in data.items() if value is not None or name not in unset
        }

    @model_serializer(mode="wrap")
    def _only_what_was_given(self, handler: SerializerFunctionWrapHandler) -> Any:
        dumped = handler(self)
        if not isinstance(dumped, dict):
            return dumped
        return {name: value for name, value in dumped.items() if name in self.model_fields_set}


_NEVER_OFF = frozenset({"routine_alert", "provision_zh", "provision_en"})
_LEGACY_UNSET = _NEVER_OFF | {"quiet_warn", "repeat_warn", "repeat_alert"}


class Measure(StrEnum):
    """What a label's metric counts: the label's counted messages, or those outside work only."""

    WHOLE_WEEK = "whole_week"
    OUTSIDE_WORK = "outside_work"


@dataclass(frozen=True)
class MetricDefinition:
    """A metric's fixed comparison, its default rule and its English name (a translation id)."""

    id: MetricId
    comparison: Comparison
    default: MetricRule
    name: str


def define_metric(
    metric: MetricId,
    comparison: Comparison,
    name: str,
    provision: Provision,
    **thresholds: float | bool,
) -> MetricDefinition:
    """Declare ``metric``: its comparison, English name, citation and default ``thresholds``."""
    rule = MetricRule.model_validate(
        {**thresholds, "provision_zh": provision.zh, "provision_en": provision.en}
    )
    return MetricDefinition(metric, comparison, rule, name)
