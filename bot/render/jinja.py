"""The Jinja2 environment shared by the HTML renderers (Telegram messages and the web page)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.core.digest import Status
from bot.core.labels import ALL_LABELS
from bot.core.worktime import Band
from bot.render.names import (
    format_metric_number,
    headline,
    label_name,
    metric_name,
    reasons_text,
    status_name,
    threshold_text,
)


def template_environment(**extra_globals: object) -> Environment:
    """A new autoescaped, strict environment over ``bot/render/templates``.

    Its globals are the naming helpers every digest template uses, plus ``extra_globals``.
    """
    environment = Environment(
        loader=PackageLoader("bot", "render/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    environment.globals.update(
        headline=headline,
        label_name=label_name,
        metric_name=metric_name,
        reasons_text=reasons_text,
        status_name=status_name,
        threshold_text=threshold_text,
        number=format_metric_number,
        ok=Status.OK,
        work=Band.WORK,
        labels=ALL_LABELS,
    )
    environment.globals.update(extra_globals)
    return environment
