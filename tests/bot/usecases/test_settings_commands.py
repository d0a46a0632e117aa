"""``/set`` argument parsing: changes applied, wrong arguments explained with an example."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.config.group_settings import GroupApp, GroupSettings
from bot.config.settings import Settings, default_settings
from bot.core.apps import load_catalogue
from bot.core.labels import Label
from bot.core.metrics import MetricId
from bot.usecases.settings_commands import CommandArgumentError, apply_setting

DEFAULTS = Settings()


def test_time_zone_and_hours_are_applied_and_validated() -> None:
    now = datetime(2025, 11, 12, 9, 0, tzinfo=UTC)
    updated = apply_setting(GroupSettings(), ["tz", "Europe/Berlin"], DEFAULTS, now=now)
    updated = apply_setting(updated, ["hours", "mon-fri", "08:00-16:00"], DEFAULTS)
    working_time = updated.working_time(DEFAULTS)
    assert working_time.timezone.key == "Europe/Berlin"
    assert str(working_time.schedule) == str(
        type(working_time.schedule).parse("mon-fri 08:00-16:00")
    )


def test_a_change_of_time_zone_closes_the_current_week_to_flags() -> None:
    # Monday 01:00 UTC: 2025-W47 in Shanghai (its W46 is over, a leader may have read its
    # flags), still Sunday of W46 in Pago Pago. Flags must not reach W46 again, nor an earlier
    # week when the zone moves back once more.
    now = datetime(2025, 11, 17, 1, 0, tzinfo=UTC)
    shanghai = apply_setting(GroupSettings(), ["tz", "Asia/Shanghai"], DEFAULTS, now=now)
    assert shanghai.flags_from_week is None  # the default zone (Asia/Shanghai): no change
    pago = apply_setting(shanghai, ["tz", "Pacific/Pago_Pago"], DEFAULTS, now=now)
    assert pago.flags_from_week == "2025-W47"
    back = apply_setting(pago, ["tz", "Asia/Shanghai"], DEFAULTS, now=now)
    assert back.flags_from_week == "2025-W47"
    assert apply_setting(back, ["lang", "en"], DEFAULTS).flags_from_week == "2025-W47"


def test_thresholds_merge_with_earlier_overrides() -> None:
    first = apply_setting(GroupSettings(), ["threshold", "proof_demand", "warn=2"], DEFAULTS)
    second = apply_setting(first, ["threshold", "proof_demand", "alert=5"], DEFAULTS)
    rule = second.thresholds_from(DEFAULTS).rule(MetricId.PROOF_DEMAND)
    assert (rule.warn, rule.alert) == (2, 5)


def test_percentages_are_accepted_for_shares() -> None:
    updated = apply_setting(
        GroupSettings(), ["threshold", "after_hours_demand_share", "warn=20%"], DEFAULTS
    )
    rule = updated.thresholds_from(DEFAULTS).rule(MetricId.AFTER_HOURS_DEMAND_SHARE)
    assert rule.warn == pytest.approx(0.2)


def test_digest_time_holidays_and_language() -> None:
    updated = apply_setting(GroupSettings(), ["digest", "fri", "17:30"], DEFAULTS)
    updated = apply_setting(updated, ["holiday", "2025-12-31"], DEFAULTS)
    updated = apply_setting(updated, ["lang", "EN"], DEFAULTS)
    assert updated.digest_moment(DEFAULTS) == (4, time(17, 30))
    assert updated.extra_holidays == [date(2025, 12, 31)]
    assert updated.language == "en"


def test_recipients_can_be_reset_to_the_group() -> None:
    subscribed = GroupSettings(digest_recipients=[11, 12])
    assert apply_setting(subscribed, ["recipients", "none"], DEFAULTS).digest_recipients == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([], "say what to set"),
        (["colour", "red"], "unknown setting 'colour'"),
        (["tz"], "tz needs a value"),
        (["tz", "Mars/Olympus"], "/set tz Asia/Shanghai"),
        (["hours", "9-18"], "/set hours"),
        (["threshold", "proof", "warn=2"], "unknown metric"),
        (["threshold", "proof_demand", "warn=two"], "is not a number"),
        (["threshold", "proof_demand", "warn=nan"], "is not a number"),
        (["threshold", "proof_demand", "alert=1e999"], "is not a number"),
        (["threshold", "proof_demand", "warn=-inf%"], "is not a number"),
        (["threshold", "proof_demand", "warn=5", "alert=2"], "must not be below warn"),
        (["threshold", "proof_demand", "limit=2"], "expected warn=N"),
        (["digest", "someday", "09:00"], "unknown weekday"),
        (["digest", "mon", "25:00"], "give a weekday and a time"),
        (["holiday", "31/12/2025"], "is not a date"),
        (["lang", "fr"], "zh or en"),
        (["recipients", "12345"], "/subscribe"),
        (["tz", "Europe/Berlin", "Asia/Shanghai"], "takes one value"),
        (["quiet", "22:00-07:00", "weekdays"], "takes one value"),
        (["calendar", "cn", "none"], "takes one value"),
        (["lang", "en", "zh"], "takes one value"),
        (["recipients", "none", "12345"], "takes one value"),
    ],
)
def test_wrong_arguments_get_one_line_with_an_example(args: list[str], fragment: str) -> None:
    with pytest.raises(CommandArgumentError) as caught:
        apply_setting(GroupSettings(), args, DEFAULTS)
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_groups_add_and_require_apps_and_set_their_unit() -> None:
    defaults = default_settings()
    group = apply_setting(GroupSettings(), ["app", "add", "青禾网格通", "网格通"], defaults)
    group = apply_setting(group, ["app", "required", "浙政钉"], defaults)
    assert [(a.name, a.aliases) for a in group.apps] == [("青禾网格通", ["网格通"])]
    assert group.required_apps == ["浙政钉"]
    group = apply_setting(group, ["app", "optional", "浙政钉"], defaults)
    assert group.required_apps == []
    group = apply_setting(group, ["unit", "城南区／城南街道/", "青禾社区"], defaults)
    assert group.unit == "城南区/城南街道/青禾社区"
    auditor = group.app_auditor(load_catalogue())
    (demand,) = auditor("请大家每天在网格通里打卡", {Label.APP_DEMAND})
    assert demand.app == "青禾网格通"


@pytest.mark.parametrize(
    "args",
    [["app"], ["app", "add"], ["app", "launch", "x"], ["app", "add", "a|b"], ["unit", "a//b"]],
)
def test_bad_app_and_unit_settings_get_one_line(args: list[str]) -> None:
    with pytest.raises(CommandArgumentError) as raised:
        apply_setting(GroupSettings(), args, default_settings())
    assert "\n" not in str(raised.value)


def test_a_day_set_as_holiday_by_mistake_can_be_made_a_workday_again() -> None:
    holiday = apply_setting(GroupSettings(), ["holiday", "2025-10-11"], DEFAULTS)
    workday = apply_setting(holiday, ["workday", "2025-10-11"], DEFAULTS)
    assert (workday.extra_holidays, workday.extra_workdays) == ([], [date(2025, 10, 11)])
    back = apply_setting(workday, ["holiday", "2025-10-11"], DEFAULTS)
    assert (back.extra_holidays, back.extra_workdays) == ([date(2025, 10, 11)], [])


def test_a_published_holiday_run_is_entered_as_one_range_with_its_make_up_day() -> None:
    # the National Day run of 2025 and one of its make-up working days
    run = apply_setting(GroupSettings(), ["holiday", "2025-10-01..2025-10-08"], DEFAULTS)
    both = apply_setting(run, ["workday", "2025-10-11", "2025-10-08..2025-10-08"], DEFAULTS)
    assert both.extra_holidays == [date(2025, 10, day) for day in range(1, 8)]
    assert both.extra_workdays == [date(2025, 10, 8), date(2025, 10, 11)]


@pytest.mark.parametrize(
    "raw", ["2025-10-08..2025-10-01", "2025-10-01..2025-12-31", "2025-10-01..", "..2025-10-01"]
)
def test_a_backwards_overlong_or_open_range_is_refused_in_one_line(raw: str) -> None:
    with pytest.raises(CommandArgumentError) as raised:
        apply_setting(GroupSettings(), ["holiday", raw], DEFAULTS)
    assert repr(raw) in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (
            ["hours", "mon－fri", "０８：３０-１２：００，１４：００-１８：００"],
            ["hours", "mon-fri", "08:30-12:00,14:00-18:00"],
        ),
        (["quiet", "２２：００-０７：００"], ["quiet", "22:00-07:00"]),
        (["digest", "ｆｒｉ", "１７：３０"], ["digest", "fri", "17:30"]),
        (["holiday", "２０２５-１２-３１"], ["holiday", "2025-12-31"]),
        (
            ["threshold", "proof_demand", "ｗａｒｎ＝２", "alert＝５"],
            ["threshold", "proof_demand", "warn=2", "alert=5"],
        ),
        (
            ["threshold", "after_hours_demand_share", "warn＝２０％"],
            ["threshold", "after_hours_demand_share", "warn=20%"],
        ),
        (["ＬＡＮＧ", "ｅｎ"], ["lang", "en"]),
        # '.' typed in Chinese punctuation mode is '。' (not a compatibility form of '.'), and
        # the dots of a Chinese keyboard come as an ellipsis '……'
        (["holiday", "2025-10-01。。2025-10-08"], ["holiday", "2025-10-01..2025-10-08"]),
        (["workday", "2025-10-01……2025-10-08"], ["workday", "2025-10-01..2025-10-08"]),
        (["holiday", "2025-10-01...2025-10-08"], ["holiday", "2025-10-01..2025-10-08"]),
    ],
)
def test_full_width_forms_from_a_chinese_keyboard_mean_the_same(
    typed: list[str], meant: list[str]
) -> None:
    assert apply_setting(GroupSettings(), typed, DEFAULTS) == apply_setting(
        GroupSettings(), meant, DEFAULTS
    )


def test_app_names_keep_their_own_forms() -> None:
    added = apply_setting(GroupSettings(), ["app", "add", "ＡＢ通"], DEFAULTS)
    assert [app.name for app in added.apps] == ["ＡＢ通"]


LISTED = GroupSettings(apps=[GroupApp(name="青禾网格通")], required_apps=["浙政钉"])


@pytest.mark.parametrize(
    ("args", "list_name"),
    [
        (["app", "optional", "不存在的应用"], "required apps"),
        (["app", "optional", "青禾网格通"], "required apps"),  # added, but never required
        (["app", "remove", "不存在的应用"], "apps"),
    ],
)
def test_undoing_an_app_the_group_never_listed_is_refused(args: list[str], list_name: str) -> None:
    with pytest.raises(CommandArgumentError) as raised:
        apply_setting(LISTED, args, DEFAULTS)
    assert (
        str(raised.value)
        == f"'{args[2]}' is not in this group's {list_name}; /settings lists them"
    )


def test_apps_the_group_listed_are_undone() -> None:
    assert apply_setting(LISTED, ["app", "optional", "浙政钉"], DEFAULTS).required_apps == []
    removed = apply_setting(LISTED, ["app", "remove", "青禾网格通"], DEFAULTS)
    assert (removed.apps, removed.required_apps) == ([], ["浙政钉"])
    assert apply_setting(LISTED, ["app", "remove", "浙政钉"], DEFAULTS).required_apps == []
