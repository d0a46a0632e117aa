"""Classifications cross to and from worker processes by pickle, whole and equal."""

from __future__ import annotations

import dataclasses
import pickle

from bot.core.classifier import Classification, Hit, load_classifier
from bot.core.labels import Label


def test_a_classification_with_every_field_set_comes_back_equal() -> None:
    hit = Hit(Label.TASK_PUSH, "rule.name", "填报", 3, 5)
    own = Classification(
        labels=frozenset({Label.TASK_PUSH, Label.APP_DEMAND}),
        exempt=True,
        hits=(hit, Hit(Label.APP_DEMAND, "apps.named", "App", 9, 12)),
        exempt_rule="exempt.rule",
        acknowledgement=True,
        report_subject="台账",
        truncated=True,
    )
    back = pickle.loads(pickle.dumps(own))
    assert back == own
    assert [dataclasses.astuple(h) for h in back.hits] == [
        dataclasses.astuple(h) for h in own.hits
    ]


def test_pickling_carries_every_field() -> None:
    # a field added later must be added to __reduce__ too
    own = load_classifier(()).classify("请各村于今晚前填报台账并截图回复")
    assert own.hits
    for value in (own, own.hits[0]):
        _, arguments = value.__reduce__()
        fields = tuple(getattr(value, field.name) for field in dataclasses.fields(value))
        assert arguments == fields
