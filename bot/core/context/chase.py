"""Chases and completing replies: a terse follow-up is a demand of the kind it follows up."""

from __future__ import annotations

from bot.core.classifier.model import Classification
from bot.core.context.cues import CueText
from bot.core.context.emergency import no_response
from bot.core.context.model import Demand, InContext
from bot.core.context.verdict import NO_LABELS, SPECIFIC, WEAK, context_hit, revise
from bot.core.labels import Label

# Chases and completing replies are terse; a longer message stands on its own words.
_TERSE = 120
_REPLY_TERSE = 140
_COMPLETE_TERSE = 40
_OWN_DEMAND = 40
_SHORT_QUESTION = 25
# A chase this short that names nothing owes its own report label to its verb alone.
_BARE_VERB = 20


def _asks_after(reading: CueText, target: Demand, how: str) -> bool:
    """A short question after the demand: naming what it asked for ("下午的照片？", "photos?"),
    or any short question replying to the demand itself ("Crews 2, 4 and 5?")."""
    return (
        len(reading.text) <= _SHORT_QUESTION
        and reading.search("question") is not None
        and (how == "reply" or bool(reading.named_kinds() & target.labels))
    )


def inherited(target: Demand, reading: CueText, own: frozenset[Label]) -> frozenset[Label]:
    """What a chase of ``target`` asks for.

    The kinds it names by a noun ("回执照片还差…" is a photo chase), else the target's kinds its
    verbs name (a bare "没报" chases everything submitted, not the app use behind it, also when
    the message's own words read it as a report demand), else all the target's kinds. A chase
    of a bare acknowledgement stays one.
    """
    kinds = target.labels & SPECIFIC
    if kinds == {Label.ACK_DEMAND} and Label.TASK_PUSH not in target.labels:
        return frozenset({Label.ACK_DEMAND})
    named = reading.named_nouns()
    verbs = reading.named_verbs() & kinds
    if not named and own & SPECIFIC == {Label.REPORT_DEMAND} and len(reading.text) <= _BARE_VERB:
        # a short chase naming nothing ("还有3个中心没报") reads as a report demand on its own
        # words only through its verb: it chases all that was submitted, photos too
        verbs |= {Label.REPORT_DEMAND} & kinds
        nouns: frozenset[Label] = named
    else:
        nouns = named | (own & SPECIFIC)
    if Label.PROOF_DEMAND in nouns:
        # "积分截图", "加好友截圖": the app names what the screenshot shows
        nouns -= {Label.APP_DEMAND}
    if reading.has("measure") and not own & SPECIFIC:
        # a ranking or rate measures the whole demand ("注册数" under an app quota is the app
        # use, not a form)
        chosen = set(kinds)
    elif nouns:
        chosen = set(nouns)
    elif Label.REPORT_DEMAND in verbs:
        chosen = set(kinds - {Label.APP_DEMAND}) or set(verbs)
    elif verbs:
        chosen = set(verbs)
    else:
        chosen = set(kinds)
    data_chain = {Label.REPORT_DEMAND, Label.ACK_DEMAND}
    if chosen & data_chain and data_chain <= kinds:
        # a data 接龙 collects by replies: chasing its data chases the chain, and the reverse
        chosen |= data_chain
    return frozenset(chosen | {Label.TASK_PUSH})


def _terse_follow_up(own: Classification, how: str, reading: CueText) -> bool:
    """Short enough to chase, not a demand in its own right, not a cancellation. A reply to
    the demand that is a bare task on its own words ("Evening checks missing yesterday at
    Northside, Ryan?") may be longer: the demand it replies to says what it asks for."""
    text = reading.text
    if len(text) > (_TERSE if how == "follows" else _REPLY_TERSE):
        return False
    if (
        Label.TASK_PUSH in own.labels
        and len(text) > _OWN_DEMAND
        and (how == "follows" or own.labels & SPECIFIC)
    ):
        return False
    return reading.search("cancel") is None


def _thanks_for_results(own: Classification, reading: CueText) -> bool:
    """A thanks over results ("辛苦各位，最终填写率87%", "We scored 92%. Well done all",
    "全线恢复送电，大家辛苦"): it closes the demand, it chases nothing. A thanks that still
    names who is missing ("Thanks. Just Ravi and Jo outstanding"), orders, sets a deadline or
    asks for something of its own is a chase as any other."""
    return (
        reading.search("thanks") is not None
        and reading.search("directive") is None
        and reading.search("complete") is None
        and not own.labels & SPECIFIC
        and (reading.search("chase") is None or reading.search("measure") is not None)
    )


def _remains(
    base: InContext, own: Classification, target: Demand, reading: CueText
) -> InContext | None:
    """A partial cancellation: what it says still stands ("研修学时照常") is still demanded."""
    remaining = reading.named_kinds() & target.labels
    if own.labels or not remaining or not reading.search("remains"):
        return None
    labels = remaining | {Label.TASK_PUSH}
    match = f"still stands from message {target.message_id}"
    hits = tuple(
        context_hit(label, "context.remains", match, reading.text) for label in sorted(labels)
    )
    return revise(base, labels, hits, "remains", target.message_id)


def as_chase(
    base: InContext,
    own: Classification,
    target: Demand,
    how: str,
    reading: CueText,
    comes_back: str | None = None,
) -> InContext | None:
    """A chase of ``target`` or a reply completing it, or None when the message is neither.

    ``how`` says how the message reaches the demand: ``reply``, ``answer`` (it replies to an
    answer to the demand, so it completes only by a deadline or a destination; its other words
    explain how to do the task) or ``follows``. ``comes_back`` says how the asker comes back to
    their own demand whatever the words (see ``bot.core.context.decide.comes_back``): such a
    message chases it.
    """
    if own.labels & SPECIFIC and not own.labels <= target.labels | WEAK:
        return None
    remains = _remains(base, own, target, reading)
    if remains is not None:
        return remains
    if not _terse_follow_up(own, how, reading) or _thanks_for_results(own, reading):
        return None
    chases = how != "answer" and (
        comes_back is not None
        or reading.search("chase") is not None
        or _asks_after(reading, target, how)
    )
    completes = reading.search("complete") is not None
    if completes and not chases and how == "follows" and len(reading.text) > _COMPLETE_TERSE:
        # Without a reply, only a terse message completes the demand before it.
        completes = False
    if not (chases or completes):
        if how != "follows" and own.labels <= {Label.TASK_PUSH}:
            # An asker's answer about how to do the task adds no demand.
            return revise(base, NO_LABELS, (), "explains", answers=target.message_id)
        return None
    labels = inherited(target, reading, own.labels)
    # The chased deadline is never inherited; the chase's own words may set one.
    labels |= own.labels & {Label.URGENT_DEADLINE}
    if reading.search("urgent") and labels != {Label.ACK_DEMAND}:
        labels |= {Label.URGENT_DEADLINE}
    elif (
        how != "follows"
        and labels != {Label.ACK_DEMAND}
        and reading.search("deadline")
        and not reading.search("later_day")
    ):
        # a reply setting the hour of the demand it completes, today or tomorrow, presses
        labels |= {Label.URGENT_DEADLINE}
    rule = "context.chase" if chases else "context.completes"
    match = f"{'chase' if chases else 'reply completing'} of message {target.message_id}"
    if comes_back is not None and chases and reading.search("chase") is None:
        match = f"chase of message {target.message_id}: {comes_back}"
    # a label the chase inherits is explained by the chase, also when the learned step guessed it
    # from the terse words alone ("还差…" reads like a chase of something)
    guessed = {
        label
        for label in own.labels
        if all(hit.rule.startswith("model.") for hit in own.hits if hit.label == label)
    }
    added = tuple(
        context_hit(label, rule, match, reading.text)
        for label in sorted(labels - (own.labels - (guessed & target.labels)))
    )
    kept = tuple(hit for hit in own.hits if hit.label in labels)
    # a chase of an emergency order shares its exemption unless it chases routine
    # ("Checklists still missing from …") or stands the danger down
    exempt = own.exempt or (
        target.exempt and labels <= target.labels | WEAK and not no_response(reading)
    )
    return revise(
        base,
        labels,
        (*kept, *added),
        rule.removeprefix("context."),
        target.message_id,
        exempt=exempt,
    )


def app_campaign(base: InContext, target: Demand, reading: CueText) -> InContext:
    """A further push of an app campaign ("Leaderboard: … Green, tomorrow please" after an app
    quota) is app use demanded too, when it speaks of the campaign's counts, rates or app actions
    and asks for nothing else (a count to report stands on its own words)."""
    if (
        Label.TASK_PUSH not in base.labels
        or not base.labels <= WEAK
        or Label.APP_DEMAND not in target.labels
        or reading.search("cancel")
        or not (reading.search("campaign") or Label.APP_DEMAND in reading.named_kinds())
    ):
        return base
    match = f"app campaign of message {target.message_id}"
    hit = context_hit(Label.APP_DEMAND, "context.app_campaign", match, reading.text)
    return revise(
        base,
        base.labels | {Label.APP_DEMAND},
        (*base.hits, hit),
        "app_campaign",
        target.message_id,
    )
