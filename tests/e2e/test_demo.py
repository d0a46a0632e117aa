"""``fingertip demo`` plays its week against the sandbox and the leader gets one digest."""

from __future__ import annotations

from bot.demo.week import FLAGS, run_demo


async def test_the_demo_leader_receives_the_weekly_digest() -> None:
    result = await run_demo("zh")
    assert len(result.leader_messages) == 1
    digest = result.leader_messages[0]
    assert "2025-W46" in digest
    assert "云溪街道网格工作群" in digest
    assert "匿名反映（只列出至少3名成员反映过的类型）" in digest
    assert f"留痕要求（截图、拍照） {len(FLAGS)}" in digest
    for _, text in FLAGS:
        assert text in digest
    assert "重复索要" in digest
    assert "请回复" not in digest
    assert result.chart_png is not None
    assert result.chart_png.startswith(b"\x89PNG")
