"""Labels in context: one message, its own classification and the group's recent history.

The rules follow LABELS.md "In a conversation": a terse chase inherits the kinds of the demand it
chases (never its deadline; a chase of a bare acknowledgement stays an acknowledgement); a reply
can complete a demand (a deadline, a destination, a way to install the app); members answering a
demand (files, photos, progress, questions, 接龙 lines) demand nothing. Who asks and who answers
is learned from the group's own traffic, never from names or titles.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.classifier.model import Classification, Hit
from bot.core.context.cues import Cues, shipped_cues
from bot.core.context.model import ContextMessage, ConversationState, Demand, InContext
from bot.core.labels import Label

# A chase without a reply follows its demand: the sender's own within days, anyone's sooner.
FOLLOW_WINDOW = timedelta(hours=72)
OWN_FOLLOW_WINDOW = timedelta(days=30)
# Chases and completing replies are terse; a longer message stands on its own words.
_TERSE = 120
_REPLY_TERSE = 140
_COMPLETE_TERSE = 40
_OWN_DEMAND = 40
_MEMBER_TERSE = 12
_SPECIFIC = frozenset(
    {Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND, Label.ACK_DEMAND}
)
_WEAK = frozenset({Label.TASK_PUSH, Label.URGENT_DEADLINE})
_NONE: frozenset[Label] = frozenset()
_PAPERWORK = frozenset({Label.PROOF_DEMAND, Label.REPORT_DEMAND, Label.APP_DEMAND})
# "立即报告" in an emergency order asks to raise the alarm, not for paperwork.
_NOTIFY = frozenset({"报告", "report", "report back"})
# Orders that follow an exempt order this closely direct the same response.
EMERGENCY_FOLLOW_UP = timedelta(hours=6)


def _target(
    message: ContextMessage, state: ConversationState, cues: Cues, text: str
) -> tuple[Demand | None, str]:
    """The demand ``message`` may chase or complete, and how it reaches it: ``reply`` (replies to
    the demand), ``answer`` (replies to an answer to it) or ``follows``."""
    if message.reply_to is not None:
        demand = state.demand(message.reply_to)
        if demand is not None:
            return demand, "reply"
        seen = state.seen_message(message.reply_to)
        if seen is not None and seen.answers is not None:
            answered = state.demand(seen.answers)
            if answered is not None:
                return answered, "answer"
    own: list[Demand] = []
    recent: list[Demand] = []
    for d in state.demands:
        age = message.sent_at - d.sent_at
        if d.message_id == message.message_id or age < timedelta(0):
            continue
        mine = d.sender_key is not None and d.sender_key == message.sender_key
        if mine and age <= OWN_FOLLOW_WINDOW:
            own.append(d)
        if age <= FOLLOW_WINDOW:
            recent.append(d)
    chosen = own or recent
    if not chosen:
        return None, "follows"
    named = cues.named_nouns(text)
    fitting = [d for d in chosen if d.labels & named]
    return (fitting or chosen)[-1], "follows"


def _open_demand_of_others(message: ContextMessage, state: ConversationState) -> Demand | None:
    if message.reply_to is not None:
        replied = state.demand(message.reply_to)
        if replied is not None and replied.sender_key != message.sender_key:
            return replied
    for demand in reversed(state.demands):
        if demand.sender_key == message.sender_key or demand.message_id == message.message_id:
            continue
        if timedelta(0) <= message.sent_at - demand.sent_at <= OWN_FOLLOW_WINDOW:
            return demand
    return None


def _role(message: ContextMessage, state: ConversationState) -> str:
    if message.sender_key is None:
        return "unknown"
    history = state.history(message.sender_key)
    # An asker also answers members' questions; only someone who mostly answers is a member.
    if history.asks > 0 and history.answers <= 2 * history.asks:
        return "asker"
    if history.answers > 0 or history.asks == 0:
        return "member"
    return "unknown"


def _asks_after(text: str, target: Demand, how: str, cues: Cues) -> bool:
    """A short question after the demand: naming what it asked for ("下午的照片？", "photos?"),
    or any short question replying to the demand itself ("Crews 2, 4 and 5?")."""
    return (
        len(text) <= 25
        and cues.question.search(text) is not None
        and (how == "reply" or bool(cues.named_kinds(text) & target.labels))
    )


def _continues_chain(text: str, cues: Cues) -> bool:
    """A 接龙 list with names added, not a request to start one."""
    return cues.entry.search(text) is not None and cues.chain_request.search(text) is None


def _context_hit(label: Label, rule: str, match: str, text: str) -> Hit:
    return Hit(label, rule, match, 0, len(text))


def _inherited(target: Demand, text: str, own: frozenset[Label], cues: Cues) -> frozenset[Label]:
    """What a chase of ``target`` asks for.

    The kinds it names by a noun ("回执照片还差…" is a photo chase), else the target's kinds its
    verbs name (a bare "没报" chases everything submitted, not the app use behind it), else all
    the target's kinds. A chase of a bare acknowledgement stays one.
    """
    kinds = target.labels & _SPECIFIC
    if kinds == {Label.ACK_DEMAND} and Label.TASK_PUSH not in target.labels:
        return frozenset({Label.ACK_DEMAND})
    nouns = cues.named_nouns(text) | (own & _SPECIFIC)
    verbs = cues.named_verbs(text) & kinds
    if Label.PROOF_DEMAND in nouns:
        # "积分截图", "加好友截圖": the app names what the screenshot shows
        nouns -= {Label.APP_DEMAND}
    if nouns:
        chosen = set(nouns)
    elif Label.REPORT_DEMAND in verbs:
        chosen = set(kinds - {Label.APP_DEMAND}) or set(verbs)
    elif verbs:
        chosen = set(verbs)
    else:
        chosen = set(kinds)
    if (
        chosen & {Label.REPORT_DEMAND, Label.ACK_DEMAND}
        and {
            Label.REPORT_DEMAND,
            Label.ACK_DEMAND,
        }
        <= kinds
    ):
        # a data 接龙 collects by replies: chasing its data chases the chain, and the reverse
        chosen |= {Label.REPORT_DEMAND, Label.ACK_DEMAND}
    return frozenset(chosen | {Label.TASK_PUSH})


def decide(
    message: ContextMessage,
    own: Classification,
    state: ConversationState,
    folded: str | None = None,
    cues: Cues | None = None,
) -> InContext:
    """Decide the labels of ``message`` in its conversation; pure and deterministic.

    ``own`` is the message's classification on its own words (``Classifier.classify``),
    ``state`` what the group's recent traffic left (see :func:`bot.core.context.advance`),
    ``folded`` the text as ``Classifier.normalise`` folds it (simplified Chinese, lower case),
    so the cues read traditional and simplified alike.
    """
    cues = cues or shipped_cues()
    text = (message.text if folded is None else folded).strip()
    role = _role(message, state)
    base = InContext(
        labels=own.labels,
        exempt=own.exempt,
        hits=own.hits,
        role=role,
        acknowledgement=own.acknowledgement,
        report_subject=own.report_subject,
    )
    if message.forwarded:
        # A forwarded directive counts as it stands; forwarded news asks nothing.
        return _exemption(_urgent_order(base, text), message, state)
    decided = _habit(_in_conversation(message, own, base, state, cues, text), cues, text)
    if decided.labels == {Label.ACK_DEMAND} and decided.reason == "own":
        decided = _data_chain(decided, cues, text)
    if decided.reason == "own" and decided.labels <= _WEAK and not cues.own_part.search(text):
        decided = _emergency_order(decided, cues, text)
    return _exemption(_urgent_order(decided, text), message, state)


def _habit(decided: InContext, cues: Cues, text: str) -> InContext:
    """A recurring time ("每天晚上8点前发群里") is a habit, not an urgent deadline, unless the
    deadline itself is today's."""
    if Label.URGENT_DEADLINE not in decided.labels or not cues.recurring.search(text):
        return decided
    urgent = [h for h in decided.hits if h.label is Label.URGENT_DEADLINE]
    if any(cues.sameday.search(h.match) for h in urgent):
        return decided
    labels = decided.labels - {Label.URGENT_DEADLINE}
    hits = tuple(h for h in decided.hits if h.label is not Label.URGENT_DEADLINE)
    return _replace(decided, labels, hits, decided.reason, decided.chases, decided.answers)


def _data_chain(decided: InContext, cues: Cues, text: str) -> InContext:
    """A 接龙 started with fields to fill in ("格式：单位+姓名") collects data: a report demand
    and a task, besides the chain."""
    if not (cues.chain_request.search(text) and cues.chain_data.search(text)):
        return decided
    added = (Label.TASK_PUSH, Label.REPORT_DEMAND)
    match = cues.chain_data.search(text)
    hits = decided.hits + tuple(
        _context_hit(label, "context.data_chain", match.group(0) if match else "", text)
        for label in added
    )
    return _replace(decided, decided.labels | frozenset(added), hits, decided.reason)


def _emergency_order(decided: InContext, cues: Cues, text: str) -> InContext:
    """An order to respond to a present danger ("路面塌陷…马上去拉警戒") that the words alone
    did not read as a demand: work, urgent and exempt."""
    if not (cues.immediacy.search(text) and cues.danger.search(text)) or cues.past.search(text):
        return decided
    labels = frozenset({Label.TASK_PUSH, Label.URGENT_DEADLINE})
    match = cues.immediacy.search(text)
    hits = decided.hits + tuple(
        _context_hit(label, "context.emergency_order", match.group(0) if match else "", text)
        for label in sorted(labels - decided.labels)
    )
    return _replace(decided, labels, hits, "emergency_order", exempt=True)


def _is_paperwork(hit: Hit) -> bool:
    """Evidence of a proof, report or app demand that is not a bare "report back" (立即报告)
    nor only the learned step's guess."""
    return (
        hit.label in _PAPERWORK
        and not hit.rule.startswith("model.")
        and hit.match.strip().casefold() not in _NOTIFY
    )


def _exemption(decided: InContext, message: ContextMessage, state: ConversationState) -> InContext:
    """Exempt only while directing the response to the danger.

    Paperwork, photos or app use asked for in the same breath are the burden itself, so they
    are never exempt; an asker's further orders (only work, maybe urgent) shortly after their
    own exempt order belong to the same response.
    """
    if not decided.labels:
        return decided
    if any(_is_paperwork(hit) for hit in decided.hits):
        return _replace(
            decided,
            decided.labels,
            decided.hits,
            decided.reason,
            decided.chases,
            decided.answers,
            exempt=False,
        )
    if decided.exempt or decided.role == "member":
        return decided
    for demand in reversed(state.demands):
        age = message.sent_at - demand.sent_at
        if age > EMERGENCY_FOLLOW_UP or age < timedelta(0):
            break
        if demand.exempt and demand.sender_key == message.sender_key:
            return _replace(
                decided,
                decided.labels,
                decided.hits,
                decided.reason,
                decided.chases,
                decided.answers,
                exempt=True,
            )
    return decided


def _urgent_order(decided: InContext, text: str) -> InContext:
    """Immediacy alone ("马上把单元门围起来") still sets someone to work."""
    if decided.labels != {Label.URGENT_DEADLINE}:
        return decided
    hit = _context_hit(Label.TASK_PUSH, "context.urgent_order", text[:40], text)
    return _replace(
        decided,
        decided.labels | {Label.TASK_PUSH},
        (*decided.hits, hit),
        decided.reason,
        decided.chases,
        decided.answers,
    )


def _in_conversation(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    state: ConversationState,
    cues: Cues,
    text: str,
) -> InContext:
    answered = _open_demand_of_others(message, state)
    target, how = _target(message, state, cues, text)
    if base.role == "member" and answered is not None:
        return _as_answer(message, own, base, answered, cues, text)
    if target is not None and base.role != "member":
        chased = _as_chase(message, own, base, target, how, cues, text)
        if chased is not None:
            return chased
        return _app_campaign(base, target, cues, text)
    return base


def _app_campaign(base: InContext, target: Demand, cues: Cues, text: str) -> InContext:
    """A further push of an app campaign ("Leaderboard: … Green, tomorrow please" after an app
    quota) is app use demanded too, when it speaks of the campaign's counts, rates or app actions
    and asks for nothing else (a count to report stands on its own words)."""
    if (
        Label.TASK_PUSH not in base.labels
        or not base.labels <= _WEAK
        or Label.APP_DEMAND not in target.labels
        or cues.cancel.search(text)
        or not (cues.campaign.search(text) or Label.APP_DEMAND in cues.named_kinds(text))
    ):
        return base
    match = f"app campaign of message {target.message_id}"
    hit = _context_hit(Label.APP_DEMAND, "context.app_campaign", match, text)
    return _replace(
        base,
        base.labels | {Label.APP_DEMAND},
        (*base.hits, hit),
        "app_campaign",
        target.message_id,
    )


def _replace(
    base: InContext,
    labels: frozenset[Label],
    hits: tuple[Hit, ...],
    reason: str,
    chases: int | None = None,
    answers: int | None = None,
    exempt: bool | None = None,
) -> InContext:
    return InContext(
        labels=labels,
        exempt=(base.exempt if exempt is None else exempt) and bool(labels),
        hits=hits,
        role=base.role,
        chases=chases,
        answers=answers,
        reason=reason,
        acknowledgement=base.acknowledgement,
        report_subject=base.report_subject,
    )


def _as_answer(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    answered: Demand,
    cues: Cues,
    text: str,
) -> InContext:
    """A member's message while someone else's demand is open: an answer when it carries a file
    or photo, asks a question, continues a 接龙 or is a terse request to the asker ("链接发一下");
    otherwise its own words stand (a second asker's first notice)."""
    same_kinds = own.labels & _SPECIFIC <= answered.labels
    addresses = cues.address.search(text) is not None
    relates = (
        message.reply_to is not None
        # a file or photo addressed to the whole group is a notice, not a submission
        or (message.attachment is not None and not addresses)
        or cues.own_part.search(text) is not None
        or (cues.question.search(text) is not None and (same_kinds or not addresses))
        or (Label.ACK_DEMAND in answered.labels and _continues_chain(text, cues))
        or (same_kinds and len(text) <= _MEMBER_TERSE and not addresses)
    )
    if not relates:
        # Not visibly about the open demand: its own words stand, and it answers nothing.
        return base
    return _replace(base, _NONE, (), "answer", answers=answered.message_id)


def _terse_follow_up(own: Classification, how: str, cues: Cues, text: str) -> bool:
    """Short enough to chase, not a demand in its own right, not a cancellation."""
    if len(text) > (_TERSE if how == "follows" else _REPLY_TERSE):
        return False
    if Label.TASK_PUSH in own.labels and len(text) > _OWN_DEMAND:
        return False
    return cues.cancel.search(text) is None


def _as_chase(
    message: ContextMessage,
    own: Classification,
    base: InContext,
    target: Demand,
    how: str,
    cues: Cues,
    text: str,
) -> InContext | None:
    """A chase of ``target`` or a reply completing it, or None when the message is neither.

    An answer to a member's question about the demand completes it only by setting a deadline
    or a destination; its other words explain how to do the task.
    """
    if own.labels & _SPECIFIC and not own.labels <= target.labels | _WEAK:
        return None
    remaining = cues.named_kinds(text) & target.labels
    if not own.labels and remaining and cues.remains.search(text):
        # a partial cancellation: what it says still stands is still demanded
        labels = remaining | {Label.TASK_PUSH}
        match = f"still stands from message {target.message_id}"
        hits = tuple(
            _context_hit(label, "context.remains", match, text) for label in sorted(labels)
        )
        return _replace(base, labels, hits, "remains", target.message_id)
    if not _terse_follow_up(own, how, cues, text):
        return None
    chases = how != "answer" and (
        cues.chase.search(text) is not None or _asks_after(text, target, how, cues)
    )
    completes = cues.complete.search(text) is not None
    if completes and not chases and how == "follows" and len(text) > _COMPLETE_TERSE:
        # Without a reply, only a terse message completes the demand before it.
        completes = False
    if not (chases or completes):
        if how != "follows" and own.labels <= {Label.TASK_PUSH}:
            # An asker's answer about how to do the task adds no demand.
            return _replace(base, _NONE, (), "explains", answers=target.message_id)
        return None
    labels = _inherited(target, text, own.labels, cues)
    # The chased deadline is never inherited; the chase's own words may set one.
    labels |= own.labels & {Label.URGENT_DEADLINE}
    if cues.urgent.search(text) and labels != {Label.ACK_DEMAND}:
        labels |= {Label.URGENT_DEADLINE}
    rule = "context.chase" if chases else "context.completes"
    match = f"{'chase' if chases else 'reply completing'} of message {target.message_id}"
    added = tuple(_context_hit(label, rule, match, text) for label in sorted(labels - own.labels))
    kept = tuple(hit for hit in own.hits if hit.label in labels)
    exempt = own.exempt or (target.exempt and labels <= target.labels | _WEAK)
    return _replace(
        base,
        labels,
        (*kept, *added),
        rule.removeprefix("context."),
        target.message_id,
        exempt=exempt,
    )
