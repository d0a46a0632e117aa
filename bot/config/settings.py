"""Fingertip's one settings class: environment (FINGERTIP_*), ``.env``, an optional TOML file."""

from __future__ import annotations

from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.core.metrics import MetricRuleOverride
from bot.core.retention import Retention
from bot.core.schedule import weekday_index
from bot.core.thresholds import Thresholds
from bot.core.worktime import DAY_NAMES, WorkingTime, WorkTimeError

Language = Literal["zh", "en"]


def default_data_dir() -> Path:
    """Return the default data directory (``~/.local/share/fingertip``)."""
    return Path.home() / ".local" / "share" / "fingertip"


class SettingsError(ValueError):
    """A configuration value is invalid; the message says which one and how to fix it."""


class Settings(BaseSettings):
    """Everything a deployment can configure. Group admins override the group-level defaults."""

    model_config = SettingsConfigDict(
        env_prefix="FINGERTIP_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    telegram_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather; only `fingertip run` needs it"
    )
    telegram_api_url: str | None = Field(
        default=None,
        description="Bot API base URL ending in /bot, for a self-hosted Bot API server",
    )
    redis_url: str | None = Field(
        default=None, description="Redis server URL; unset starts a private embedded Redis"
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    secret: SecretStr | None = Field(
        default=None,
        description="Deployment secret for pseudonyms; keep it outside the data directory",
    )
    secret_file: Path | None = Field(
        default=None, description="File holding the deployment secret (e.g. a mounted secret)"
    )
    rules_files: list[Path] = Field(default_factory=list, description="extra classifier rules")
    app_catalogue_files: list[Path] = Field(
        default_factory=list, description="extra app catalogue files ([[app]] tables)"
    )
    units: dict[int, str] = Field(
        default_factory=dict,
        description="organisational unit path per group id, e.g. 城南区/城南街道/青禾社区",
    )

    timezone: str = "Asia/Shanghai"
    working_hours: str = "mon-fri 09:00-18:00"
    calendar: str = "cn"
    quiet_hours: str = "22:00-07:00"
    extra_holidays: list[date] = Field(default_factory=list)
    extra_workdays: list[date] = Field(default_factory=list)
    language: Language = "zh"
    thresholds: dict[str, MetricRuleOverride] = Field(default_factory=dict)

    evidence_retention_weeks: int = Field(default=8, ge=1, le=52)
    aggregate_retention_weeks: int = Field(default=104, ge=6, le=520)
    evidence_per_label: int = Field(default=3, ge=0, le=20)
    repeat_window_days: int = Field(default=30, ge=1, le=365)
    flag_min_members: int = Field(default=3, ge=2)
    digest_chart: bool = Field(default=True, description="send an hour-by-weekday chart too")
    pages_url: str | None = Field(
        default=None,
        description="public http(s) base URL of the digest pages; digests then carry a link",
    )
    digest_weekday: str = "mon"
    digest_time: time = time(9, 0)
    digest_lease_seconds: float = Field(
        default=120,
        gt=0,
        description="how long a worker may go silent mid-digest before another takes over",
    )
    shared_webhook: bool = Field(
        default=False, description="several workers serve one webhook URL: none deletes it on exit"
    )
    digest_sweep_seconds: float = Field(
        default=300, gt=0, description="how often each worker looks for due or abandoned digests"
    )
    cover_rewrite_minutes: float = Field(
        default=15,
        ge=0,
        description=(
            "mean gap between rewrites of the append-only file at random times, so that the "
            "rewrite after a flag does not date it (0: none)"
        ),
    )

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                "must start with redis://, rediss:// or unix://, e.g. redis://127.0.0.1:6379/0"
            )
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")) or not value.rstrip("/").endswith("/bot"):
            raise ValueError(
                "must be an http(s) URL ending in /bot, e.g. http://127.0.0.1:8081/bot"
            )
        return value.rstrip("/")

    @field_validator("pages_url")
    @classmethod
    def _check_pages_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, e.g. https://bot.example.org")
        return value.rstrip("/")

    @field_validator("digest_weekday")
    @classmethod
    def _check_weekday(cls, value: str) -> str:
        return DAY_NAMES[weekday_index(value)]

    @model_validator(mode="after")
    def _check_working_time(self) -> Settings:
        self.working_time()
        self.base_thresholds()
        return self

    def working_time(self) -> WorkingTime:
        """Return the deployment-wide default working time (groups may override it)."""
        return WorkingTime.from_strings(
            timezone=self.timezone,
            hours=self.working_hours,
            calendar=self.calendar,
            quiet=self.quiet_hours,
            extra_holidays=self.extra_holidays,
            extra_workdays=self.extra_workdays,
        )

    def retention(self) -> Retention:
        """Return how long the store keeps aggregates, evidence and the repeat window."""
        return Retention(
            aggregate_weeks=self.aggregate_retention_weeks,
            evidence_weeks=self.evidence_retention_weeks,
            evidence_per_label=self.evidence_per_label,
            repeat_window_days=self.repeat_window_days,
        )

    def base_thresholds(self) -> Thresholds:
        """Return the defaults with this deployment's global overrides applied."""
        return Thresholds.defaults().with_overrides(self.thresholds)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Command-line values win over the environment, which wins over ``.env`` and TOML."""
        toml = TomlConfigSettingsSource(settings_cls)
        return (init_settings, env_settings, dotenv_settings, toml, file_secret_settings)


@cache
def default_settings() -> Settings:
    """The settings of a deployment that configures nothing: the one home of every default.

    Reads neither the environment nor any file.
    """
    return Settings.model_construct()


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Load settings from the environment, ``.env`` and ``config_file``; ``overrides`` win.

    Raises ``SettingsError`` with one line per bad value, naming the setting and its variable.
    """
    if config_file is not None and not config_file.is_file():
        raise SettingsError(
            f"config file {config_file} does not exist; pass an existing TOML file"
        )
    settings_cls: type[Settings] = Settings
    if config_file is not None:
        settings_cls = type(
            "FileSettings",
            (Settings,),
            {"model_config": {**Settings.model_config, "toml_file": config_file}},
        )
    clean = {key: value for key, value in overrides.items() if value is not None}
    try:
        return settings_cls(**clean)
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None
    except (WorkTimeError, ValueError) as error:
        raise SettingsError(str(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    """Turn a pydantic error into short lines like ``timezone (FINGERTIP_TIMEZONE): ...``."""
    lines = []
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]) or "settings"
        top = str(problem["loc"][0]) if problem["loc"] else ""
        variable = f" (FINGERTIP_{top.upper()})" if top else ""
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{location}{variable}: {message}")
    return "; ".join(lines)
