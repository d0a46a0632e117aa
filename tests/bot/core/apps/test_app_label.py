"""The app_demand label agrees with the app audit: a task that burdens a named app is one."""

from __future__ import annotations

from bot.core.apps import AppRecogniser, ChasedApps, app_label_hit, audit_apps, load_catalogue
from bot.core.labels import Label

RECOGNISER = AppRecogniser(load_catalogue())
TASK = frozenset({Label.TASK_PUSH})
PROOF = frozenset({Label.TASK_PUSH, Label.PROOF_DEMAND})


def _hit(text: str, labels: frozenset[Label], chased: ChasedApps | None = None) -> object:
    demands = audit_apps(text, labels, RECOGNISER, chased=chased or ChasedApps())
    return app_label_hit(text, labels, demands)


def test_a_task_that_makes_people_upload_into_a_named_app_is_an_app_demand() -> None:
    text = "每次入户走访都要在浙里办上传现场照片"
    hit = _hit(text, PROOF)
    assert hit is not None
    assert hit.label is Label.APP_DEMAND
    assert hit.rule == "apps.named"
    assert text[hit.start : hit.end] == hit.match


def test_a_label_already_given_or_no_task_adds_nothing() -> None:
    text = "每次入户走访都要在浙里办上传现场照片"
    assert _hit(text, PROOF | {Label.APP_DEMAND}) is None
    assert _hit(text, frozenset({Label.ACK_DEMAND})) is None


def test_a_chase_of_screenshots_is_not_about_the_app_but_a_chase_to_install_is() -> None:
    chased = ChasedApps(replied=("学习强国",))
    assert _hit("还差三班、五班的截图", PROOF, chased) is None
    assert _hit("还没装的今天装上", TASK, chased) is not None


def test_a_platform_that_only_carries_a_survey_is_not_an_app_demand() -> None:
    assert (
        _hit("请大家填写问卷星上的满意度问卷", frozenset({Label.TASK_PUSH, Label.REPORT_DEMAND}))
        is None
    )
