"""Per-group settings: what a group's admins changed from the deployment defaults."""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field

from bot.config.settings import Language, Settings
from bot.core.apps import AppAuditor, AppEntry, AppRecogniser, Catalogue
from bot.core.apps.recognise import shared_recogniser
from bot.core.metrics import MetricRuleOverride
from bot.core.schedule import weekday_index
from bot.core.thresholds import Thresholds
from bot.core.worktime import WorkingTime


class GroupApp(BaseModel):
    """An app a group's admins added to the catalogue (``/set app add NAME [ALIAS...]``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    aliases: list[str] = Field(default_factory=list)


class GroupSettings(BaseModel):
    """A group's own overrides; ``None`` means "use the deployment default"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    title: str = ""
    active: bool = True
    timezone: str | None = None
    working_hours: str | None = None
    calendar: str | None = None
    quiet_hours: str | None = None
    extra_holidays: list[date] = Field(default_factory=list)
    extra_workdays: list[date] = Field(default_factory=list)
    language: Language | None = None
    thresholds: dict[str, MetricRuleOverride] = Field(default_factory=dict)
    digest_recipients: list[int] = Field(default_factory=list)
    digest_weekday: str | None = None
    digest_time: time | None = None
    apps: list[GroupApp] = Field(default_factory=list)
    required_apps: list[str] = Field(default_factory=list)
    unit: str | None = None
    """The organisational unit path, e.g. "城南区/城南街道/青禾社区" (leaders' roll-up)."""
    migrated_to: int | None = None
    """The supergroup this group became (``Store.move_group``): its data lives there now, and
    a late or redelivered update of this chat is not counted again."""
    flags_from_week: str | None = None
    """The earliest ISO week a flag may count in: the week the group was in when its time zone
    last changed (``bot.core.flags.flag_week``), so that moving the clock back never reopens a
    week whose flags a leader may already have read."""

    def working_time(self, defaults: Settings) -> WorkingTime:
        """Return this group's working time, falling back to ``defaults`` field by field."""
        return WorkingTime.from_strings(
            timezone=self.timezone or defaults.timezone,
            hours=self.working_hours or defaults.working_hours,
            calendar=self.calendar or defaults.calendar,
            quiet=self.quiet_hours or defaults.quiet_hours,
            # A group's own choice for a date wins over the deployment's list for that date.
            extra_holidays=[
                *(d for d in defaults.extra_holidays if d not in self.extra_workdays),
                *self.extra_holidays,
            ],
            extra_workdays=[
                *(d for d in defaults.extra_workdays if d not in self.extra_holidays),
                *self.extra_workdays,
            ],
        )

    def thresholds_from(self, defaults: Settings) -> Thresholds:
        """Return the deployment thresholds with this group's overrides applied on top."""
        return defaults.base_thresholds().with_overrides(self.thresholds)

    def language_or(self, defaults: Settings) -> Language:
        """Return the group's language, or the deployment's."""
        return self.language or defaults.language

    def unit_or(self, defaults: Settings, group_id: int) -> str | None:
        """Return the group's unit path: its own, else the deployment's for this group id."""
        return self.unit or defaults.units.get(group_id)

    def app_auditor(self, catalogue: Catalogue) -> AppAuditor:
        """Return the app audit of this group: ``catalogue`` plus its own apps and required set."""
        extra = (AppEntry(app.name, tuple(app.aliases)) for app in self.apps)
        recogniser = AppRecogniser(catalogue.with_entries(extra)) if self.apps else None
        return AppAuditor(
            recogniser or shared_recogniser(catalogue), frozenset(self.required_apps)
        )

    def digest_moment(self, defaults: Settings) -> tuple[int, time]:
        """Return (weekday, Monday=0; local time) at which the weekly digest goes out."""
        weekday = weekday_index(self.digest_weekday or defaults.digest_weekday)
        return weekday, self.digest_time or defaults.digest_time
