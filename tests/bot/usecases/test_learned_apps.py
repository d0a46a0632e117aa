"""The live app audit learns an unlisted app once captured, for a bounded number of apps."""

from __future__ import annotations

from pathlib import Path

from bot.config.settings import Settings
from bot.core.apps import AppDemand
from bot.core.labels import Label
from bot.runtime.app import build_services
from bot.usecases import services as services_module
from storage.redis_store import RedisStore

GROUP = -1001
LABELS = {Label.TASK_PUSH, Label.APP_DEMAND}


async def test_a_captured_app_is_recognised_by_its_bare_name_up_to_a_bound(
    store: RedisStore, tmp_path: Path
) -> None:
    found = build_services(Settings(data_dir=tmp_path / "data"), store)
    auditor = await found.app_auditor(GROUP)
    assert auditor("请在青禾网格通里上报", LABELS) == ()
    captured = auditor("请大家下载“青禾网格通”并注册", LABELS)
    assert [d.app for d in captured] == ["青禾网格通"]
    found.learn_apps(GROUP, captured)
    learned = await found.app_auditor(GROUP)
    assert [d.app for d in learned("请在青禾网格通里上报", LABELS)] == ["青禾网格通"]

    for number in range(services_module.LEARNED_APPS + 5):
        found.learn_apps(GROUP, (AppDemand(f"网格{number}号通", frozenset()),))
    final = await found.app_auditor(GROUP)
    assert final("请在网格0号通里上报", LABELS)
    beyond = services_module.LEARNED_APPS + 2
    assert final(f"请在网格{beyond}号通里上报", LABELS) == ()
