"""A member may name an app in an anonymous flag's text; the app is recognised by its name."""

from __future__ import annotations

from bot.core.apps import app_in_flag, load_catalogue
from bot.core.apps.recognise import AppRecogniser
from bot.core.flags import mask_flag_text


def test_an_app_named_in_a_flag_is_recognised_by_its_short_form() -> None:
    recogniser = AppRecogniser(load_catalogue())
    assert app_in_flag("政钉每天晚上都要打卡", recogniser) == "浙政钉"
    assert app_in_flag("没有提到应用", recogniser) is None


def test_masking_a_flag_text_keeps_the_app_a_leader_must_read() -> None:
    recogniser = AppRecogniser(load_catalogue())
    masked = mask_flag_text("王科长每天晚上要我们在浙政钉打卡，电话13812345678")
    assert "13812345678" not in masked
    assert app_in_flag(masked, recogniser) == "浙政钉"


def test_a_name_captured_only_by_phrasing_is_refused() -> None:
    # Free text such as a name in quotes after "download" could name a person or a place: only
    # apps the recogniser knows are counted from a flag.
    recogniser = AppRecogniser(load_catalogue())
    assert recogniser.mentions("每天都要下载“张三通”打卡")  # captured as an unlisted app ...
    assert app_in_flag("每天都要下载“张三通”打卡", recogniser) is None  # ... but not counted
    assert app_in_flag("下载“张三通”，还要在浙政钉打卡", recogniser) == "浙政钉"
