"""A group's threshold override reads back from its stored JSON as the admins set it."""

from __future__ import annotations

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.core.metrics import MetricId, MetricRuleOverride

DEFAULTS = Settings()


def test_an_override_of_one_side_keeps_the_other_sides_default_once_stored() -> None:
    group = GroupSettings(
        thresholds={
            "proof_demand": MetricRuleOverride(alert=4),
            "report_demand": MetricRuleOverride(warn=None),
        }
    )
    stored = GroupSettings.model_validate_json(group.model_dump_json())
    default = DEFAULTS.base_thresholds()
    rules = stored.thresholds_from(DEFAULTS)
    proof = rules.rule(MetricId.PROOF_DEMAND)
    assert proof == default.rule(MetricId.PROOF_DEMAND).model_copy(update={"alert": 4})
    report = rules.rule(MetricId.REPORT_DEMAND)
    assert report == default.rule(MetricId.REPORT_DEMAND).model_copy(update={"warn": None})


def test_an_override_stored_with_every_field_keeps_what_no_command_switches_off() -> None:
    # How overrides were stored before: every field, null for "not given".
    stored = GroupSettings.model_validate_json(
        '{"thresholds": {"after_hours_task_push": {"warn": null, "alert": 4.0, '
        '"quiet_warn": null, "routine_alert": null, "repeat_warn": null, '
        '"repeat_alert": null, "provision_zh": null, "provision_en": null}}}'
    )
    default = DEFAULTS.base_thresholds().rule(MetricId.AFTER_HOURS_TASK_PUSH)
    rule = stored.thresholds_from(DEFAULTS).rule(MetricId.AFTER_HOURS_TASK_PUSH)
    # warn: "off" and "not given" were stored alike; it stays off, and /settings shows it.
    assert rule == default.model_copy(update={"warn": None, "alert": 4})
