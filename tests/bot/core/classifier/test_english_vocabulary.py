"""English workplace wording the lexicon knows: invented messages, none from the corpus.

Each case failed before its phrases were added to ``data/en.toml``. Some are checked on the
rules' own verdict (the learned step may still second-guess a label it saw too little English for).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from bot.core.classifier import classify
from bot.core.classifier.engine import Engine
from bot.core.classifier.training import rules_engine


@lru_cache(maxsize=1)
def _rules() -> Engine:
    return rules_engine(None)


def _labels(text: str) -> set[str]:
    return {label.value for label in classify(text).labels}


def _rule_labels(text: str) -> set[str]:
    return {label.value for label in _rules().rule_signals(text)[0].labels}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare request to acknowledge, the way English chats shorten it
        ("Kindly acknowledge.", {"ack_demand"}),
        ("Pls acknowledge.", {"ack_demand"}),
        ("Everyone to acknowledge the updated lone-working policy.", {"ack_demand"}),
        # the working day's end, the next hours, a plain "it's urgent"
        (
            "Send me the rota by end of business.",
            {"task_push", "report_demand", "urgent_deadline"},
        ),
        (
            "Get the stock figures over to me within a couple of hours.",
            {"task_push", "report_demand", "urgent_deadline"},
        ),
        (
            "Please fill in the incident form, it's urgent.",
            {"task_push", "report_demand", "urgent_deadline"},
        ),
        (
            "Please submit your availability by midday.",
            {"task_push", "report_demand", "urgent_deadline"},
        ),
        # plain verbs of getting a job done
        ("Please sort out the storeroom before Friday.", {"task_push"}),
        ("Please get this sorted by Friday.", {"task_push"}),
        ("Please deal with the complaint from bay 4 today.", {"task_push", "urgent_deadline"}),
        (
            "Please complete the attached template and send it back.",
            {"task_push", "report_demand"},
        ),
        (
            "Every site manager is to check the first aid boxes and confirm it in writing to me"
            " by Friday.",
            {"task_push", "report_demand"},
        ),
        (
            "Today's the last day, please submit your claims.",
            {"task_push", "report_demand", "urgent_deadline"},
        ),
    ],
)
def test_english_demands_are_labelled(text: str, expected: set[str]) -> None:
    assert _labels(text) == expected


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Capture a photo of each delivery note.", "proof_demand"),
        (
            "Please email me your training certificate once you've passed the course.",
            "proof_demand",
        ),
        ("Send me the CCTV stills from the car park by Friday please.", "proof_demand"),
        ("Every home visit needs a GPS stamp on the app from Monday.", "proof_demand"),
        ("Please switch on notifications for the rota app.", "app_demand"),
        ("Everyone please leave a review for the shop.", "app_demand"),
        ("Create your account on the rostering portal by Friday.", "app_demand"),
        ("Log into the training portal and finish module 2.", "app_demand"),
        ("Scan the QR code at the entrance each morning.", "app_demand"),
        ("Timesheets to me as soon as possible please.", "urgent_deadline"),
        ("Please fill in the incident form before you log off.", "urgent_deadline"),
        ("Please sort out the storeroom.", "task_push"),
        # Singaporean, Malaysian, Indian and Australian office English
        ("Can help to check the stock levels in store 3?", "task_push"),
        ("Kindly do the needful by today.", "task_push"),
        ("Timesheets to me this arvo please.", "urgent_deadline"),
        ("Please reply by return with your availability.", "urgent_deadline"),
        ("Send the incident form without further delay.", "urgent_deadline"),
        # reading as the thing acknowledged, and reach through members' own contacts
        ("All staff to read and sign the new code of conduct.", "ack_demand"),
        ("Everyone please put it on your status and forward to your contacts.", "app_demand"),
        # writing something down for the asker
        ("Please note down how many visitors came through the side gate.", "report_demand"),
        ("Please keep a record of every call-out this week.", "report_demand"),
        # a sign-up list in the chat, with a field beside the name
        ("Put your name down on the sheet for Saturday cover.", "ack_demand"),
        ("Drop your name and which shift you can do below.", "ack_demand"),
        ("Drop your name and which shift you can do below.", "report_demand"),
        ("Please list your name and which stall you can help at.", "ack_demand"),
        ("Put yourself down for a late shift next week please.", "ack_demand"),
    ],
)
def test_the_rules_read_english_demand_wording(text: str, label: str) -> None:
    assert label in _rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I've sent the screenshot already.",
        "Thanks for acknowledging, all.",
        "The app sends push notifications now.",
        "Not urgent, whenever you get a chance.",
        "I'll sort it out tomorrow.",
        "Just a reminder the canteen is closed today.",
        "Read receipts are turned off on my phone.",
        "My streak is at 40 days lol",
        "I read and signed it yesterday.",
        "I've put myself down for Saturday.",
        "My certificate came through today!",
    ],
)
def test_members_english_chat_stays_clean(text: str) -> None:
    assert _labels(text) == set()
    assert not _rule_labels(text) - {"task_push"}


@pytest.mark.parametrize(
    "text",
    [
        "From tonight each lead posts a photo of the yard at close.",
        "As of today all visitors must sign in at reception.",
        # tomorrow's noon leaves the working day free
        "Please email the supplier invoices to me by noon tomorrow.",
    ],
)
def test_a_start_day_or_tomorrows_noon_is_no_deadline(text: str) -> None:
    assert "urgent_deadline" not in _rule_labels(text)
    assert "urgent_deadline" not in _labels(text)


def test_a_volunteer_asked_for_is_no_sign_up_order() -> None:
    # a guard for the sign-up phrases: "if you can" leaves it to the member
    text = "Reply with your name if you can cover the Sunday late."
    assert "ack_demand" not in _rule_labels(text)
    assert _labels(text) == set()
