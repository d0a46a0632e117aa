"""Reading ahead in batches decides a conversation exactly as one message at a time does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.classifier import default_classifier
from bot.core.context import Attachment, ContextMessage, Conversation

_TEXTS = (
    "请各村今天下午5点前上报统计表",
    "收到",
    "还有3个村没报",
    "已发",
    "明天上午10点前拍照发群里",
    "照片呢？",
    "@王主任 我们村的表格",
    "Please send photos of the clean-up by 5pm today",
    "done",
    "Still missing the forms from crew 2",
)


def _messages(count: int) -> list[ContextMessage]:
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    return [
        ContextMessage(
            message_id=index,
            text=_TEXTS[index % len(_TEXTS)] + ("" if index < len(_TEXTS) else f" {index}"),
            sent_at=start + timedelta(minutes=3 * index),
            sender_key=f"s{index % 3}",
            reply_to=index - 1 if index % 4 == 1 else None,
            attachment=Attachment.PHOTO if index % 5 == 3 else None,
        )
        for index in range(1, count + 1)
    ]


def test_decide_many_equals_decide_one_by_one() -> None:
    messages = _messages(300)  # more than one read-ahead batch
    one_by_one = Conversation(default_classifier())
    expected = [one_by_one.decide(message) for message in messages]
    ahead = Conversation(default_classifier())
    assert list(ahead.decide_many(messages)) == expected
    assert ahead.state == one_by_one.state
    assert any(decided.labels for decided in expected)
