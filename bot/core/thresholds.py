"""Digest metrics: their default thresholds and the provisions each excess may conflict with.

The numbers and citations come from the national rules on fingertip formalism; every one of
them can be overridden globally (settings) and per group (admin commands), and the citations
are plain text so a deployment can localise them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError


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


_WORK_GROUP_RULES_ZH = (
    "各地工作群管理规定：非工作时间原则上不发布工作信息；杜绝“5+2”“白+黑”；"
    "离线权立法（澳大利亚《公平工作法》第333M条、葡萄牙《劳动法》第199-A条）"
)
_WORK_GROUP_RULES_EN = (
    "local work-group rules: no work messages outside working hours in principle; end the "
    '"5+2" and "day+night" culture; right-to-disconnect laws (Australia Fair Work Act s333M, '
    "Portugal Labour Code art. 199-A)"
)
_WEEKEND_ZH = "杜绝“5+2”（周末、节假日不得常态化安排工作）"
_WEEKEND_EN = 'end the "5+2" culture (no routine work on weekends and holidays)'
_PROOF_ZH = (
    "中央网信委《关于防治“指尖上的形式主义”的若干意见》：不得随意要求上传不必要的截图或视频；"
    "国办《政务移动互联网应用程序规范化管理办法》；避免“人为留痕”"
)
_PROOF_EN = (
    "Central Cyberspace Affairs Commission, Opinions on preventing fingertip formalism: no "
    "arbitrary demands to upload unnecessary screenshots or videos; State Council Office, "
    "Measures on government mobile apps; avoid manufactured paper trails"
)
_REPORT_ZH = "“最多报一次”；防止多头填报、重复索要数据"
_REPORT_EN = (
    '"report at most once"; no duplicate form-filling or repeated demands for the same data'
)
_ACK_ZH = "不得脱离工作实际强制要求打卡接龙、即时响应"
_ACK_EN = "no compulsory check-in chains or demands for instant responses detached from real work"
_APP_ZH = (
    "《政务移动互联网应用程序规范化管理办法》“五个不得”：打卡签到、积分排名、强制下载、"
    "以点赞转发量考评"
)
_APP_EN = (
    'Measures on government mobile apps, the "five prohibitions": compulsory check-ins, points '
    "rankings, forced downloads, appraisal by likes and shares"
)
_URGENT_ZH = "不得…即时响应；不刻意搞“传达不过夜”"
_URGENT_EN = 'no demands for instant responses; no "pass it on before nightfall" rush'


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
    """A partial override of a ``MetricRule``: only the fields given replace the defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    warn: float | None = Field(default=None, ge=0)
    alert: float | None = Field(default=None, ge=0)
    quiet_warn: float | None = Field(default=None, ge=0)
    routine_alert: bool | None = None
    repeat_warn: float | None = Field(default=None, ge=0)
    repeat_alert: float | None = Field(default=None, ge=0)
    provision_zh: str | None = None
    provision_en: str | None = None


@dataclass(frozen=True)
class MetricDefinition:
    """A metric's fixed comparison and default rule."""

    id: MetricId
    comparison: Comparison
    default: MetricRule


DEFINITIONS: Mapping[MetricId, MetricDefinition] = {
    definition.id: definition
    for definition in (
        MetricDefinition(
            MetricId.AFTER_HOURS_TASK_PUSH,
            Comparison.AT_LEAST,
            MetricRule(
                warn=3,
                alert=6,
                quiet_warn=1,
                routine_alert=True,
                provision_zh=_WORK_GROUP_RULES_ZH,
                provision_en=_WORK_GROUP_RULES_EN,
            ),
        ),
        MetricDefinition(
            MetricId.AFTER_HOURS_DEMAND_SHARE,
            Comparison.MORE_THAN,
            MetricRule(
                warn=0.15,
                alert=0.30,
                provision_zh=_WORK_GROUP_RULES_ZH,
                provision_en=_WORK_GROUP_RULES_EN,
            ),
        ),
        MetricDefinition(
            MetricId.REST_DAY_DEMAND_DAYS,
            Comparison.AT_LEAST,
            MetricRule(warn=1, alert=2, provision_zh=_WEEKEND_ZH, provision_en=_WEEKEND_EN),
        ),
        MetricDefinition(
            MetricId.PROOF_DEMAND,
            Comparison.AT_LEAST,
            MetricRule(warn=1, alert=3, provision_zh=_PROOF_ZH, provision_en=_PROOF_EN),
        ),
        MetricDefinition(
            MetricId.REPORT_DEMAND,
            Comparison.MORE_THAN,
            MetricRule(
                warn=3,
                alert=6,
                repeat_warn=1,
                repeat_alert=2,
                provision_zh=_REPORT_ZH,
                provision_en=_REPORT_EN,
            ),
        ),
        MetricDefinition(
            MetricId.ACK_DEMAND,
            Comparison.AT_LEAST,
            MetricRule(warn=2, alert=5, provision_zh=_ACK_ZH, provision_en=_ACK_EN),
        ),
        MetricDefinition(
            MetricId.APP_DEMAND,
            Comparison.AT_LEAST,
            MetricRule(warn=1, alert=3, provision_zh=_APP_ZH, provision_en=_APP_EN),
        ),
        MetricDefinition(
            MetricId.URGENT_DEADLINE,
            Comparison.AT_LEAST,
            MetricRule(warn=2, alert=5, provision_zh=_URGENT_ZH, provision_en=_URGENT_EN),
        ),
    )
}


class ThresholdError(ValueError):
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
        raise ThresholdError(f"unknown metric {name!r}; valid metrics are: {valid}") from None


def _check_order(metric: MetricId, rule: MetricRule) -> None:
    if rule.warn is not None and rule.alert is not None and rule.alert < rule.warn:
        raise ThresholdError(
            f"{metric}: alert ({rule.alert:g}) must not be below warn ({rule.warn:g}); "
            f"for example warn=3 alert=6"
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
        raise ThresholdError(f"thresholds file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ThresholdError(f"thresholds file {path} is not valid TOML: {error}") from None
    tables = data.get("thresholds", data)
    if not isinstance(tables, dict):
        raise ThresholdError(f"{path}: 'thresholds' must be a table of metrics")
    overrides: dict[str, MetricRuleOverride] = {}
    for name, table in tables.items():
        parse_metric(name)
        if not isinstance(table, dict):
            raise ThresholdError(f"{path}: [{name}] must be a table, e.g. warn = 3, alert = 6")
        try:
            overrides[name] = MetricRuleOverride.model_validate(table)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
            )
            raise ThresholdError(f"{path}: [{name}] {problems}") from None
    Thresholds.defaults().with_overrides(overrides)
    return overrides
