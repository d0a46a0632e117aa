"""A group's effective settings as Telegram HTML (``/settings`` and the reply to ``/set``)."""

from __future__ import annotations

from html import escape

from bot.config.group_settings import GroupSettings
from bot.config.settings import Settings
from bot.core.metrics import MetricId, MetricRuleOverride
from bot.render.i18n import Translator
from bot.render.names import weekday_name

SHOWN_APPS = 20
"""Apps named per list: 50 own and 50 required apps of 40 characters would take the page past
Telegram's 4,096 characters, and then /settings and every /set went unanswered."""


def settings_html(group: GroupSettings, defaults: Settings, _: Translator, usage: str) -> str:
    """The group's effective settings as Telegram HTML, ending with ``usage`` (how to change)."""
    weekday, at = group.digest_moment(defaults)
    overridden = ", ".join(
        _override(metric, group.thresholds[metric])
        for metric in MetricId  # the digest's order
        if metric in group.thresholds
    )
    lines = [
        "<b>" + escape(_("Fingertip settings")) + "</b>",
        escape(
            _(
                "Working time: {working_time}",
                working_time=group.working_time(defaults).describe(),
            )
        ),
        escape(_("Language: {language}", language=group.language_or(defaults))),
        escape(
            _(
                "Weekly digest: {weekday} {time}, to {recipients}",
                weekday=weekday_name(_, weekday),
                time=at.strftime("%H:%M"),
                recipients=(
                    _("{count} subscribed leaders", count=len(group.digest_recipients))
                    if group.digest_recipients
                    else _("this group")
                ),
            )
        ),
        escape(_("Threshold overrides: {overrides}", overrides=overridden or "–")),
        escape(_("Unit: {unit}", unit=group.unit or "–")),
        escape(
            _(
                "Own apps: {apps}; required apps: {required}",
                apps=_names([app.name for app in group.apps], _),
                required=_names(group.required_apps, _),
            )
        ),
        "",
        escape(_("Change with:")) + "\n<code>" + escape(usage) + "</code>",
    ]
    return "\n".join(lines)


def _override(metric: str, override: MetricRuleOverride) -> str:
    """What a group's admins set for ``metric``, as ``/set threshold`` takes it ("proof_demand
    alert=4"): a side they did not set keeps the deployment's value and is not named."""
    given = override.model_dump(exclude_unset=True, exclude={"provision_zh", "provision_en"})
    return " ".join([metric, *(f"{name}={_threshold(value)}" for name, value in given.items())])


def _threshold(value: float | bool | None) -> str:
    if value is None or value is False:
        return "off"
    return "on" if value is True else f"{value:g}"


def _names(names: list[str], _: Translator) -> str:
    """``names`` joined, at most ``SHOWN_APPS`` of them, then how many more; "–" for none."""
    if not names:
        return "–"
    shown = ", ".join(names[:SHOWN_APPS])
    if len(names) <= SHOWN_APPS:
        return shown
    return _("{names} and {count} more", names=shown, count=len(names) - SHOWN_APPS)
