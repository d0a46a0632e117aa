"""The generic rule engine: one Aho-Corasick pass, then clause-level checks.

The engine knows nothing about any language. It tags the normalised text with lexicon
categories, splits it into sentences and clauses, works out which tokens are negated, which
clauses speak in the first person and which tokens open their clause, then asks each rule
whether its trigger fires. All vocabulary lives in the rule files.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

import ahocorasick

from bot.core.classifier.learned import LearnedModel
from bot.core.classifier.literals import required_literals
from bot.core.classifier.masks import CategoryBits, RuleMasks, present
from bot.core.classifier.model import Classification, Hit, new_classification, new_hit
from bot.core.classifier.normalise import normalise
from bot.core.classifier.rules import Condition, Rule, RuleSet
from bot.core.classifier.subject import report_subject
from bot.core.labels import Label

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|\.(?=\s|$)")
_CLAUSE_END = re.compile(r"[，,：:—–]+|\s-\s")
_CONTENT = re.compile(r"[^\W_]")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_ASCII_WORD = _LETTERS | {"0"}
_NO_CATEGORIES: frozenset[str] = frozenset()
_NO_LABELS: frozenset[Label] = frozenset()
# A shadowing phrase hides short phrases that overlap it (报进度 in 通报进度), not long ones such
# as a whole deadline (明天下午前 in 统计表明天下午前).
_SHADOWED_LENGTH = 3
# Very short texts (收到, 1, 好的, 👍) repeat endlessly in real groups; their results are cached.
_SHORT_TEXT = 12
_SHORT_CACHE_SIZE = 4096
# Texts per numpy pass of the learned step in classify_many: enough to spread numpy's fixed
# cost per call, few enough that the pass's arrays stay in a core's cache.
_BATCH = 256
MAX_ANALYSED_CHARS = 4096
"""Only this many characters of a message are analysed; the rest is ignored and the result is
marked ``truncated``. Telegram caps a message at 4,096 characters (a caption at 1,024), so a real
message is never cut; the cap bounds the time an oversized or hostile text can take."""
# "表、视频": the next item of a list is not what the previous one is done to.
_LIST_SEPARATORS = frozenset("、,和及与&")
# _Kind.flags: a message runs the negation, quote and speaker steps only when some token of it
# can change their outcome (without one, nothing is negated, quoted or the speaker's own).
_NEGATES, _QUOTES, _SPEAKS = 1, 2, 4
# At most this many distinct sets of pattern guards are remembered with the patterns they let run.
_PATTERN_RUNS_SIZE = 4096
_LABEL_SIGNALS = {label: f"label:{label.value}" for label in Label}


@dataclass(frozen=True, slots=True)
class _Kind:
    """What the engine needs to know about one set of categories (cached per set)."""

    labels: frozenset[Label]
    skippable: bool
    negator: bool
    purpose: bool
    breaks: bool
    first_person: bool
    reply_lead: bool
    reset: bool
    quote_intro: bool
    early_rules: tuple[Rule, ...]
    late_rules: tuple[Rule, ...]
    present_signals: frozenset[str]
    """The learned step's signals for such a token when it is asked for (``cat:…``)."""
    negated_signals: frozenset[str]
    """… when it is negated (``negated:…``, its labels included)."""
    blocked_signals: frozenset[str]
    """… when its clause is the speaker's own (``blocked:…``, its labels included)."""
    bits: int
    """The categories as a mask (:class:`CategoryBits`), for the fast engine."""
    early_masks: tuple[RuleMasks, ...]
    late_masks: tuple[RuleMasks, ...]
    shadows: bool
    """Whether every category is a shadowing one (the token hides short overlapping ones)."""
    flags: int
    """Which analysis steps such a token needs: ``_NEGATES``, ``_QUOTES``, ``_SPEAKS``."""


@dataclass(frozen=True, slots=True)
class _Blockers:
    """One unless_* list split into a fast any-of set and the conjunctions."""

    any_of: frozenset[str]
    all_of: tuple[Condition, ...]

    @classmethod
    def of(cls, conditions: tuple[Condition, ...]) -> _Blockers:
        singles: set[str] = set()
        for condition in conditions:
            if len(condition) == 1:
                singles |= condition[0]
        return cls(frozenset(singles), tuple(c for c in conditions if len(c) > 1))

    def present(self, categories: set[str]) -> bool:
        if not self.any_of.isdisjoint(categories):
            return True
        return bool(self.all_of) and _present(self.all_of, categories)


@dataclass(frozen=True, slots=True)
class _RuleChecks:
    clause: _Blockers
    sentence: _Blockers
    message: _Blockers


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    categories: frozenset[str]
    kind: _Kind
    clause: int = 0
    sentence: int = 0
    initial: bool = False
    negated: bool = False


@dataclass(slots=True)
class _Message:
    """Everything the rules look at for one message."""

    text: str
    tokens: list[_Token]
    clause_categories: list[set[str]]
    sentence_categories: list[set[str]]
    message_categories: set[str]
    clause_tokens: list[list[_Token]]
    blocked_clauses: set[int]
    live_clause: list[set[str]]
    live_sentence: list[set[str]]
    live_message: set[str]


@dataclass(slots=True)
class _Masks:
    """What the fast engine's rules look at for one message: categories as bit masks."""

    text: str
    tokens: list[_Token]
    clause_bits: list[int]
    sentence_bits: list[int]
    message_bits: int
    clause_tokens: list[list[_Token]]
    blocked_clauses: set[int]
    live_clause: list[int]
    live_sentence: list[int]
    live_message: int


def _present(conditions: tuple[Condition, ...], categories: set[str]) -> bool:
    return any(all(not part.isdisjoint(categories) for part in cond) for cond in conditions)


def _mark_quotes(norm: str, tokens: list[_Token]) -> None:
    """Mark tokens inside quoted speech ('文件写着"…"', 'the memo says: …') as not asked for.

    A quote opener followed by a quotation mark quotes up to the closing mark; followed by a
    colon it quotes the rest of the sentence.
    """
    for opener in tokens:
        if not opener.kind.quote_intro:
            continue
        cursor = opener.end
        while cursor < len(norm) and norm[cursor] in " :,":
            cursor += 1
        if cursor < len(norm) and norm[cursor] == '"':
            close = norm.find('"', cursor + 1)
            stop = close if close != -1 else len(norm)
        elif ":" in norm[opener.end : cursor]:
            found = _SENTENCE_END.search(norm, cursor)
            stop = found.start() if found else len(norm)
        else:
            continue
        for token in tokens:
            if cursor <= token.start < stop:
                token.negated = True


def _rules_for(
    categories: frozenset[str], by_category: dict[str, list[Rule]], order: dict[str, int]
) -> tuple[Rule, ...]:
    """The rules a token of these categories triggers, each once, in rule-file order."""
    found = {rule.id: rule for category in categories for rule in by_category.get(category, ())}
    return tuple(sorted(found.values(), key=lambda rule: order[rule.id]))


# (start, -end) of a span, a C-level key: ties keep the order found (phrases, then patterns)
_span_order = itemgetter(0, 1)


def _needed_literals(rules: RuleSet, *, derive: bool) -> tuple[frozenset[str], ...]:
    """Per pattern, the literals it cannot match without (derived from the regex; empty when
    none can be named, or for a case-insensitive pattern, whose literals would need folding)."""
    needed: list[frozenset[str]] = []
    for _category, pattern, _guard in rules.patterns:
        found = (
            required_literals(pattern.pattern, pattern.flags)
            if derive and not pattern.flags & re.IGNORECASE
            else None
        )
        # A lone ASCII character ("b", "0") is in most texts: scanning for it costs more than
        # the pattern run it would spare.
        if found is None or any(len(literal) == 1 and literal.isascii() for literal in found):
            found = frozenset()
        needed.append(found)
    return tuple(needed)


def _guard_bits(rules: RuleSet, needed: tuple[frozenset[str], ...]) -> dict[str, int]:
    """Give every distinct guard literal (and literal a pattern needs) its own bit."""
    literals = sorted(
        {literal for _c, _p, guard in rules.patterns for literal in guard}
        | {literal for literals in needed for literal in literals}
    )
    return {literal: 1 << index for index, literal in enumerate(literals)}


def _mask(guard: Iterable[str], bits: dict[str, int]) -> int:
    mask = 0
    for literal in guard:
        mask |= bits[literal]
    return mask


def _quiet(acknowledgement: bool, *, truncated: bool) -> Classification:
    return new_classification(
        labels=_NO_LABELS,
        exempt=False,
        hits=(),
        exempt_rule=None,
        acknowledgement=acknowledgement,
        report_subject=None,
        truncated=truncated,
    )


def _token_signals(
    prefix: str, categories: frozenset[str], labels: frozenset[Label]
) -> frozenset[str]:
    """What a token adds to the learned step's signals; see :meth:`Engine._signals`."""
    signals = {prefix + category for category in categories}
    if prefix != "cat:":
        signals.update(prefix + label.value for label in labels)
    return frozenset(signals)


def _quiet_signals(tokens: list[_Token], *, acknowledgement: bool) -> frozenset[str]:
    """The signals of a message no rule can fire on (no clause analysis was done)."""
    signals: set[str] = set()
    for token in tokens:
        signals |= token.kind.present_signals
    if acknowledgement:
        signals.add("acknowledgement")
    return frozenset(signals)


class Engine:
    """Applies a validated :class:`RuleSet` to text."""

    def __init__(
        self,
        rules: RuleSet,
        table: dict[int, str],
        learned: LearnedModel | None = None,
        *,
        reference: bool = False,
    ) -> None:
        """``reference`` selects the plain, slow implementations of the fast paths (the
        benchmark checks that both give the same results)."""
        self._rules = rules
        self._reference = reference
        self._table = table
        self._learned = learned
        # The reference engine runs every pattern its guard lets through; the fast one skips
        # a pattern whose needed literals are absent (it could not match: same results).
        needed = _needed_literals(rules, derive=not reference)
        guard_bits = _guard_bits(rules, needed)
        self._automaton = self._build_automaton(rules, guard_bits)
        self._patterns = self._build_patterns(rules, guard_bits, needed)
        self._pattern_runs: dict[int, tuple[tuple[re.Pattern[str], frozenset[str]], ...]] = {}
        self._short_cache: dict[str, Classification] = {}
        self._kinds: dict[frozenset[str], _Kind] = {}
        self._conditions: dict[str, _RuleChecks] = {}
        self._rule_order = {rule.id: index for index, rule in enumerate(rules.rules)}
        # made once: a string built per hit would be hashed again by every set it goes into
        self._rule_signals = {
            rule: f"rule:{rule}"
            for rule in [*self._rule_order, *(each.id for each in rules.implications)]
        }
        engine = rules.engine
        self._negators = engine.get("negators", _NO_CATEGORIES)
        self._purpose = engine.get("purpose", _NO_CATEGORIES)
        self._breaks = engine.get("clause_breaks", _NO_CATEGORIES)
        self._skippable = engine.get("skippable", _NO_CATEGORIES)
        self._first_person = engine.get("first_person", _NO_CATEGORIES)
        self._speaker_reset = engine.get("speaker_reset", _NO_CATEGORIES)
        self._reply_lead = engine.get("reply_lead", _NO_CATEGORIES)
        self._shadow = engine.get("shadow", _NO_CATEGORIES)
        self._quote_intro = engine.get("quote_intro", _NO_CATEGORIES)
        self._bits = CategoryBits(rules.phrases.keys())
        self._rule_masks = {rule.id: RuleMasks.of(rule, self._bits) for rule in rules.rules}
        self._exemption_masks = tuple(
            (
                exemption.id,
                self._bits.of(exemption.trigger),
                *self._bits.conditions(exemption.unless_sentence),
            )
            for exemption in rules.exemptions
        )
        self._ack_masks = tuple(
            (self._bits.of(rule.starts_with), rule.max_chars, self._bits.of(rule.unless))
            for rule in rules.acknowledgements
        )
        self._by_category: dict[str, list[Rule]] = {}
        self._late_by_category: dict[str, list[Rule]] = {}
        self._labels_of: dict[str, frozenset[Label]] = {}
        for rule in rules.rules:
            self._conditions[rule.id] = _RuleChecks(
                _Blockers.of(rule.unless_clause),
                _Blockers.of(rule.unless_sentence),
                _Blockers.of(rule.unless_message),
            )
            target = self._late_by_category if rule.requires_labels else self._by_category
            for category in rule.trigger:
                target.setdefault(category, []).append(rule)
                self._labels_of[category] = self._labels_of.get(category, frozenset()) | {
                    rule.label
                }

    @staticmethod
    def _build_automaton(rules: RuleSet, guard_bits: dict[str, int]) -> ahocorasick.Automaton:
        # One scan finds the phrases and, at no extra cost, which pattern guards are present.
        by_phrase: dict[str, set[str]] = {}
        for category, phrases in rules.phrases.items():
            for phrase in phrases:
                by_phrase.setdefault(phrase, set()).add(category)
        automaton = ahocorasick.Automaton()
        for phrase in by_phrase.keys() | guard_bits.keys():
            automaton.add_word(
                phrase,
                (
                    len(phrase) - 1,
                    frozenset(by_phrase.get(phrase, ())),
                    phrase[0] in _ASCII_WORD,
                    phrase[-1] in _LETTERS,
                    guard_bits.get(phrase, 0),
                ),
            )
        if by_phrase or guard_bits:
            automaton.make_automaton()
        return automaton

    @staticmethod
    def _build_patterns(
        rules: RuleSet, guard_bits: dict[str, int], needed: tuple[frozenset[str], ...]
    ) -> tuple[tuple[re.Pattern[str], frozenset[str], int, int], ...]:
        # Each pattern runs on its own: overlapping matches of different categories all count,
        # and each keeps the regex engine's literal-prefix speed-up. A pattern with guards runs
        # only when one of its guard literals was seen by the scan, and one of the literals it
        # needs (mask 0: no condition).
        return tuple(
            (pattern, frozenset({category}), _mask(guard, guard_bits), _mask(need, guard_bits))
            for (category, pattern, guard), need in zip(rules.patterns, needed, strict=True)
        )

    def phrases(self) -> Iterable[str]:
        """Every phrase of the lexicon, after expansion and folding."""
        for phrases in self._rules.phrases.values():
            yield from phrases

    def normalise(self, text: str) -> str:
        """Return the folded form of ``text`` the rules are matched against."""
        return normalise(text, self._table)

    def classify(self, text: str) -> Classification:
        """Label ``text``; see :class:`Classification` for what is promised."""
        short = len(text) <= _SHORT_TEXT
        if short:
            cached = self._short_cache.get(text)
            if cached is not None:
                return cached
        result = self._classify(text, self._learned)[0]
        if short:
            self._remember(text, result)
        return result

    def _remember(self, text: str, result: Classification) -> None:
        """Keep the result of a very short text (see ``_SHORT_TEXT``)."""
        if len(self._short_cache) >= _SHORT_CACHE_SIZE:
            self._short_cache.clear()
        self._short_cache[text] = result

    def rule_signals(self, text: str) -> tuple[Classification, frozenset[str]]:
        """The rules' own result for ``text`` (no learned step) and the signals they saw.

        The signals are what the learned step reads besides the text itself: the rules that
        fired, the lexicon categories present (negated ones apart), first-person speech and
        the acknowledgement and exemption verdicts. Training reads them through this method.
        """
        return self._classify(text, None)

    def classify_folded(self, text: str) -> tuple[Classification, str]:
        """:meth:`classify` of ``text`` and its folded form (:meth:`normalise`), folded once."""
        norm = normalise(text[:MAX_ANALYSED_CHARS], self._table)
        result = self._classify(text, self._learned, norm)[0]
        return result, norm if len(text) <= MAX_ANALYSED_CHARS else self.normalise(text)

    def classify_many(self, texts: Sequence[str]) -> list[tuple[Classification, str]]:
        """:meth:`classify` of every text with its folded form (:meth:`normalise`), in that order.

        The same results as one call per text; the learned step's n-gram sums are made for
        ``_BATCH`` texts at a time, and the folded text is the one the rules saw.
        """
        results: list[tuple[Classification, str]] = []
        learned = self._learned
        for first in range(0, len(texts), _BATCH):
            chunk = texts[first : first + _BATCH]
            norms = [normalise(text[:MAX_ANALYSED_CHARS], self._table) for text in chunk]
            grams: Sequence[Sequence[int] | None] = (
                learned.gram_totals_many(norms)
                if learned is not None and not self._reference
                else [None] * len(chunk)
            )
            for text, norm, gram_totals in zip(chunk, norms, grams, strict=True):
                # an export repeats its short replies (收到, 1, 好的) as often as the live bot sees
                # them: the same cache as classify
                short = len(text) <= _SHORT_TEXT
                cached = self._short_cache.get(text) if short else None
                if cached is not None:
                    result = cached
                else:
                    result = self._classify(text, learned, norm, gram_totals)[0]
                    if short:
                        self._remember(text, result)
                folded = norm if len(text) <= MAX_ANALYSED_CHARS else self.normalise(text)
                results.append((result, folded))
        return results

    def _classify(
        self,
        text: str,
        learned: LearnedModel | None,
        norm: str | None = None,
        gram_totals: Sequence[int] | None = None,
    ) -> tuple[Classification, frozenset[str]]:
        """Classify ``text``; ``norm`` (the folded first ``MAX_ANALYSED_CHARS`` characters)
        and ``gram_totals`` (its n-gram sums) when a batch already made them."""
        truncated = len(text) > MAX_ANALYSED_CHARS
        if truncated:
            text = text[:MAX_ANALYSED_CHARS]
        if norm is None:
            norm = normalise(text, self._table)
        tokens = self._scan(norm)
        quiet_signals: frozenset[str] | None = None
        totals: list[int] | None = None
        if not any(token.kind.labels for token in tokens):
            # Most chat names no trigger at all: no rule can fire, skip the clause analysis.
            quick_ack = self._quick_acknowledgement(norm, tokens)
            quiet_signals = _quiet_signals(tokens, acknowledgement=quick_ack)
            if learned is None or quick_ack or not learned.quiet_messages:
                return _quiet(quick_ack, truncated=truncated), quiet_signals
            totals = self._scores(learned, norm, quiet_signals, gram_totals)
            if not learned.may_add(totals):
                return _quiet(quick_ack, truncated=truncated), quiet_signals
        hits: list[Hit] = []
        labels: set[Label] = set()
        message, rules_ack = self._apply_rules(text, norm, tokens, labels, hits)
        # The exemption depends on the analysis alone: found once, for the signals and the result.
        exemption = self._exempt(message) if hits else None
        had_hits = bool(hits)
        # A quiet message keeps the signals the learned step already scored it by.
        signals = (
            quiet_signals
            if quiet_signals is not None
            else self._signals(
                message, hits, acknowledgement=rules_ack, exempt=exemption is not None
            )
        )
        if learned is not None and not rules_ack:
            if totals is None:
                totals = self._scores(learned, norm, signals, gram_totals)
            learned.refine(text, norm, totals, labels, hits)
            self._imply(labels, hits)
        exempt_rule = None
        if labels:
            exempt_rule = exemption if had_hits else self._exempt(message)
        acknowledgement = rules_ack and not labels
        subject = None
        if Label.REPORT_DEMAND in labels:
            spans = [(h.start, h.end) for h in hits if h.label is Label.REPORT_DEMAND]
            subject = report_subject(text, norm, spans)
        result = new_classification(
            labels=frozenset(labels),
            exempt=exempt_rule is not None,
            hits=tuple(hits),
            exempt_rule=exempt_rule,
            acknowledgement=acknowledgement,
            report_subject=subject,
            truncated=truncated,
        )
        return result, signals

    def _apply_rules(
        self, text: str, norm: str, tokens: list[_Token], labels: set[Label], hits: list[Hit]
    ) -> tuple[_Message | _Masks, bool]:
        """Analyse the clauses and fire the rules into ``labels`` and ``hits``; return the
        analysis and whether the message is a member's acknowledgement."""
        message: _Message | _Masks
        if self._reference:
            message = self._analyse(norm, tokens)
            self._fire(message, labels, hits, text, late=False)
            self._imply(labels, hits)
            if self._late_by_category:
                self._fire(message, labels, hits, text, late=True)
                self._imply(labels, hits)
            return message, not labels and self._is_acknowledgement(norm, message)
        message = self._analyse_masks(norm, tokens)
        self._fire_masks(message, labels, hits, text, late=False)
        self._imply(labels, hits)
        if self._late_by_category:
            self._fire_masks(message, labels, hits, text, late=True)
            self._imply(labels, hits)
        return message, not labels and self._acknowledged_masks(norm, message)

    def _scores(
        self,
        learned: LearnedModel,
        norm: str,
        signals: frozenset[str],
        gram_totals: Sequence[int] | None,
    ) -> list[int]:
        if self._reference:
            return learned.reference_scores(norm, signals)
        return learned.fixed_scores(norm, signals, gram_totals)

    def _exempt(self, message: _Message | _Masks) -> str | None:
        if isinstance(message, _Masks):
            return self._exemption_masks_of(message)
        return self._exemption(message)

    def _signals(
        self,
        message: _Message | _Masks,
        hits: list[Hit],
        *,
        acknowledgement: bool,
        exempt: bool,
    ) -> frozenset[str]:
        """The learned step's signals; ``exempt``: whether the message is exempt (given hits)."""
        rule_signals = self._rule_signals
        signals = {rule_signals[hit.rule] for hit in hits}
        signals.update([_LABEL_SIGNALS[hit.label] for hit in hits])
        blocked = message.blocked_clauses
        for token in message.tokens:
            if token.negated:
                signals |= token.kind.negated_signals
            elif token.clause in blocked:
                signals |= token.kind.blocked_signals
            else:
                signals |= token.kind.present_signals
        if message.blocked_clauses:
            signals.add("speaker:first_person")
        if acknowledgement:
            signals.add("acknowledgement")
        if hits and exempt:
            signals.add("exempt")
        return frozenset(signals)

    def _scan(self, norm: str) -> list[_Token]:
        return self._tokens(self._spans(norm))

    def _spans(self, norm: str) -> list[tuple[int, int, frozenset[str]]]:
        """Every phrase and pattern match as (start, -end, categories), sorted."""
        spans: list[tuple[int, int, frozenset[str]]] = []
        size = len(norm)
        seen_guards = 0
        for last, (offset, categories, left, right, guards) in self._automaton.iter(norm):
            if guards:
                seen_guards |= guards
                if not categories:
                    continue
            start = last - offset
            if left and start > 0 and norm[start - 1] in _ASCII_WORD:
                continue
            if right and last + 1 < size and norm[last + 1] in _ASCII_WORD:
                continue
            spans.append((start, -last - 1, categories))
        runs = self._pattern_runs.get(seen_guards)
        if runs is None:
            runs = self._runs_for(seen_guards)
        for pattern, category in runs:
            for match in pattern.finditer(norm):
                begin, stop = match.span()
                if begin != stop:
                    spans.append((begin, -stop, category))
        spans.sort(key=_span_order)
        return spans

    def _runs_for(self, seen_guards: int) -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
        """The patterns (in rule-file order) whose guards and needed literals ``seen_guards``
        holds; remembered, since few distinct sets of guards occur."""
        runs = tuple(
            (pattern, category)
            for pattern, category, mask, need in self._patterns
            if not ((mask and not mask & seen_guards) or (need and not need & seen_guards))
        )
        if len(self._pattern_runs) >= _PATTERN_RUNS_SIZE:
            self._pattern_runs.clear()
        self._pattern_runs[seen_guards] = runs
        return runs

    def _tokens(self, spans: list[tuple[int, int, frozenset[str]]]) -> list[_Token]:
        tokens: list[_Token] = []
        cover = shadow = -1
        kinds = self._kinds
        previous: _Token | None = None
        # Longest match wins: a token inside a longer one (e.g. 请 in 请假) is dropped, and a
        # shadowing phrase also hides what merely overlaps it (报进度 in 通报进度).
        for start, negative_end, categories in spans:
            end = -negative_end
            if previous is not None and previous.start == start and previous.end == end:
                # the same span found twice (a phrase and a pattern): one token, both categories
                merged = previous.categories | categories
                if merged not in kinds:
                    kinds[merged] = self._kind(merged)
                previous.categories, previous.kind = merged, kinds[merged]
                if previous.kind.shadows:
                    shadow = end
                continue
            if end <= cover or (start < shadow and end - start <= _SHADOWED_LENGTH):
                continue
            cover = end
            kind = kinds.get(categories)
            if kind is None:
                kind = kinds[categories] = self._kind(categories)
            if kind.shadows:
                shadow = end
            previous = _Token(start, end, categories, kind)
            tokens.append(previous)
        return tokens

    def _kind(self, categories: frozenset[str]) -> _Kind:
        labels: frozenset[Label] = frozenset()
        for category in categories:
            labels |= self._labels_of.get(category, frozenset())
        early = _rules_for(categories, self._by_category, self._rule_order)
        late = _rules_for(categories, self._late_by_category, self._rule_order)
        negator = not categories.isdisjoint(self._negators)
        purpose = not categories.isdisjoint(self._purpose)
        first_person = not categories.isdisjoint(self._first_person)
        reply_lead = not categories.isdisjoint(self._reply_lead)
        reset = not categories.isdisjoint(self._speaker_reset)
        quote_intro = not categories.isdisjoint(self._quote_intro)
        return _Kind(
            labels=labels,
            skippable=not categories.isdisjoint(self._skippable),
            negator=negator,
            purpose=purpose,
            breaks=not categories.isdisjoint(self._breaks),
            first_person=first_person,
            reply_lead=reply_lead,
            reset=reset,
            quote_intro=quote_intro,
            early_rules=early,
            late_rules=late,
            present_signals=_token_signals("cat:", categories, labels),
            negated_signals=_token_signals("negated:", categories, labels),
            blocked_signals=_token_signals("blocked:", categories, labels),
            bits=self._bits.of(categories),
            early_masks=tuple(self._rule_masks[rule.id] for rule in early),
            late_masks=tuple(self._rule_masks[rule.id] for rule in late),
            shadows=categories <= self._shadow,
            flags=(
                (_NEGATES if negator or purpose else 0)
                | (_QUOTES if quote_intro else 0)
                | (_SPEAKS if first_person or reply_lead or reset else 0)
            ),
        )

    def _analyse(self, norm: str, tokens: list[_Token]) -> _Message:
        sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(norm)]
        clause_set = set(sentence_starts)
        clause_set.update(m.end() for m in _CLAUSE_END.finditer(norm))
        clause_set.update(t.start for t in tokens if t.kind.breaks)
        clause_starts = sorted(clause_set)
        clause_sentence = [bisect_right(sentence_starts, s) - 1 for s in clause_starts]
        clause_categories: list[set[str]] = [set() for _ in clause_starts]
        sentence_categories: list[set[str]] = [set() for _ in sentence_starts]
        clause_tokens: list[list[_Token]] = [[] for _ in clause_starts]
        message_categories: set[str] = set()
        current, cursor, content = -1, 0, False
        for token in tokens:
            clause = bisect_right(clause_starts, token.start) - 1
            token.clause = clause
            token.sentence = clause_sentence[clause]
            if clause != current:
                current, cursor, content = clause, clause_starts[clause], False
            if not content and cursor < token.start and _CONTENT.search(norm, cursor, token.start):
                content = True
            token.initial = not content
            if not token.kind.skippable:
                content = True
            cursor = max(cursor, token.end)
            clause_categories[clause] |= token.categories
            sentence_categories[token.sentence] |= token.categories
            message_categories |= token.categories
            clause_tokens[clause].append(token)
        if any(t.kind.negator or t.kind.purpose for t in tokens):
            for members in clause_tokens:
                if any(t.kind.negator or t.kind.purpose for t in members):
                    self._mark_negation(members)
        if any(t.kind.quote_intro for t in tokens):
            _mark_quotes(norm, tokens)
        blocked = self._speaker_blocks(clause_tokens, clause_sentence)
        # What gives a trigger its force must itself be asked for: a negated token
        # ("不用再报了") cannot lend force to an object elsewhere in the sentence.
        # Without negated tokens everything is live: share the sets (both stay read-only).
        live_clause = clause_categories
        live_sentence = sentence_categories
        live_message = message_categories
        if any(token.negated for token in tokens):
            live_clause = [set() for _ in clause_starts]
            live_sentence = [set() for _ in sentence_starts]
            live_message = set()
            for token in tokens:
                if not token.negated:
                    live_clause[token.clause] |= token.categories
                    live_sentence[token.sentence] |= token.categories
                    live_message |= token.categories
        return _Message(
            norm,
            tokens,
            clause_categories,
            sentence_categories,
            message_categories,
            clause_tokens,
            blocked,
            live_clause,
            live_sentence,
            live_message,
        )

    def _mark_negation(self, members: list[_Token]) -> None:
        for opener in members:
            # "作为记录" / "so we can log": what follows a purpose marker is not asked for.
            if opener.kind.purpose:
                for token in members:
                    if token.start >= opener.end:
                        token.negated = True
        negators = [t for t in members if t.kind.negator]
        for negator in negators:
            after = [t for t in members if t.start >= negator.end]
            after_labels: frozenset[Label] = frozenset()
            for token in after:
                token.negated = True
                after_labels |= token.kind.labels
            for token in members:
                if token.end > negator.start:
                    continue
                # A topic before the negator escapes when the negated part has its own,
                # different object ("点赞不用截图了": the like is still wanted).
                if after_labels and after_labels.isdisjoint(token.kind.labels):
                    continue
                token.negated = True

    def _speaker_blocks(
        self, clause_tokens: list[list[_Token]], clause_sentence: list[int]
    ) -> set[int]:
        blocked: set[int] = set()
        if not (self._first_person or self._reply_lead):
            return blocked
        carry, sentence, whole_reply = False, -1, False
        for index, members in enumerate(clause_tokens):
            if clause_sentence[index] != sentence:
                # A reply that opens the message ("收到！马上办") speaks for all of it.
                carry, sentence = carry and whole_reply, clause_sentence[index]
            decided = False
            for token in members:
                if token.kind.reset:
                    carry, decided = False, True
                    break
                opens_reply = token.initial and token.kind.reply_lead
                if opens_reply or token.kind.first_person:
                    whole_reply = whole_reply or (opens_reply and index == 0)
                    carry, decided = True, True
                    blocked.add(index)
                    break
            if not decided and carry:
                blocked.add(index)
        return blocked

    def _fire(
        self, message: _Message, labels: set[Label], hits: list[Hit], text: str, *, late: bool
    ) -> None:
        for token in message.tokens:
            for rule in token.kind.late_rules if late else token.kind.early_rules:
                if rule.requires_labels and rule.requires_labels.isdisjoint(labels):
                    continue
                if self._fires(rule, token, message):
                    labels.add(rule.label)
                    hits.append(
                        Hit(
                            rule.label,
                            rule.id,
                            text[token.start : token.end],
                            token.start,
                            token.end,
                        )
                    )

    def _fires(self, rule: Rule, token: _Token, message: _Message) -> bool:
        if self._blocked(rule, token, message):
            return False
        sentence_cats = message.live_sentence[token.sentence]
        if rule.need_context and rule.need_context.isdisjoint(sentence_cats):
            return False
        return self._needs_met(
            rule, token, message, message.live_clause[token.clause], sentence_cats
        )

    def _blocked(self, rule: Rule, token: _Token, message: _Message) -> bool:
        if (rule.negatable and token.negated) or (
            rule.speaker_check and token.clause in message.blocked_clauses
        ):
            return True
        sentence_cats = message.sentence_categories[token.sentence]
        checks = self._conditions[rule.id]
        if (
            checks.clause.present(message.clause_categories[token.clause])
            or (rule.except_.isdisjoint(sentence_cats) and checks.sentence.present(sentence_cats))
            or checks.message.present(message.message_categories)
        ):
            return True
        return bool(rule.unless_next or rule.unless_prev or rule.unless_earlier) and (
            self._adjacent_block(rule, token, message)
        )

    @staticmethod
    def _adjacent_block(rule: Rule, token: _Token, message: _Message) -> bool:
        for other in message.clause_tokens[token.clause]:
            if other is token:
                continue
            if (
                rule.unless_next
                and token.end <= other.start <= token.end + 1
                and message.text[token.end : other.start] not in _LIST_SEPARATORS
                and not other.categories.isdisjoint(rule.unless_next)
            ):
                return True
            if (
                rule.unless_earlier
                and other.end <= token.start
                and not other.categories.isdisjoint(rule.unless_earlier)
            ):
                return True
            if (
                rule.unless_prev
                and token.start - 2 <= other.end <= token.start
                and not other.categories.isdisjoint(rule.unless_prev)
            ):
                return True
        return False

    @staticmethod
    def _needs_met(
        rule: Rule,
        token: _Token,
        message: _Message,
        clause_cats: set[str],
        sentence_cats: set[str],
    ) -> bool:
        if not (rule.need or rule.need_message or rule.initial):
            return True
        if rule.initial and token.initial:
            return True
        if rule.need:
            scope = {"clause": clause_cats, "sentence": sentence_cats}.get(
                rule.need_scope, message.live_message
            )
            if not rule.need.isdisjoint(scope):
                return True
        return bool(rule.need_message) and not rule.need_message.isdisjoint(message.live_message)

    def _imply(self, labels: set[Label], hits: list[Hit]) -> None:
        for implication in self._rules.implications:
            if implication.add in labels or implication.if_any.isdisjoint(labels):
                continue
            source = next(h for h in hits if h.label in implication.if_any)
            labels.add(implication.add)
            hits.append(
                new_hit(implication.add, implication.id, source.match, source.start, source.end)
            )

    def _exemption(self, message: _Message) -> str | None:
        for exemption in self._rules.exemptions:
            for token in message.tokens:
                if token.negated or token.categories.isdisjoint(exemption.trigger):
                    continue
                if _present(
                    exemption.unless_sentence, message.sentence_categories[token.sentence]
                ):
                    continue
                return exemption.id
        return None

    def _is_acknowledgement(self, norm: str, message: _Message) -> bool:
        if not message.tokens or message.tokens[0].sentence != 0:
            return False
        return self._acknowledges(norm, message.tokens[0], message.message_categories)

    def _quick_acknowledgement(self, norm: str, tokens: list[_Token]) -> bool:
        """The acknowledgement check without the clause analysis (same answer)."""
        if not tokens:
            return False
        first = tokens[0]
        for end in _SENTENCE_END.finditer(norm, 0, first.start + 1):
            if end.end() <= first.start:
                return False
        categories: set[str] = set()
        for token in tokens:
            categories |= token.categories
        return self._acknowledges(norm, first, categories)

    def _acknowledges(self, norm: str, first: _Token, categories: set[str]) -> bool:
        if _CONTENT.search(norm, 0, first.start):
            return False
        length = len(norm) - norm.count(" ")
        for rule in self._rules.acknowledgements:
            if (
                not first.categories.isdisjoint(rule.starts_with)
                and length <= rule.max_chars
                and rule.unless.isdisjoint(categories)
            ):
                return True
        return False

    # The fast engine: the same analysis with categories as bit masks (see masks.py).

    def _analyse_masks(self, norm: str, tokens: list[_Token]) -> _Masks:
        """:meth:`_analyse` with the categories as masks: the same clauses, negation and
        speakers, each token's categories ORed into its clause, sentence and message."""
        sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(norm)]
        clause_set = set(sentence_starts)
        clause_set.update(m.end() for m in _CLAUSE_END.finditer(norm))
        clause_set.update(t.start for t in tokens if t.kind.breaks)
        clause_starts = sorted(clause_set)
        clause_sentence = [bisect_right(sentence_starts, s) - 1 for s in clause_starts]
        clause_bits = [0] * len(clause_starts)
        sentence_bits = [0] * len(sentence_starts)
        clause_tokens: list[list[_Token]] = [[] for _ in clause_starts]
        message_bits = 0
        current, cursor, content = -1, 0, False
        flags = 0
        for token in tokens:
            clause = bisect_right(clause_starts, token.start) - 1
            sentence = clause_sentence[clause]
            token.clause = clause
            token.sentence = sentence
            if clause != current:
                current, cursor, content = clause, clause_starts[clause], False
            if not content and cursor < token.start and _CONTENT.search(norm, cursor, token.start):
                content = True
            token.initial = not content
            kind = token.kind
            if not kind.skippable:
                content = True
            cursor = max(cursor, token.end)
            bits = kind.bits
            clause_bits[clause] |= bits
            sentence_bits[sentence] |= bits
            message_bits |= bits
            clause_tokens[clause].append(token)
            flags |= kind.flags
        if flags & _NEGATES:
            for members in clause_tokens:
                if any(t.kind.flags & _NEGATES for t in members):
                    self._mark_negation(members)
        if flags & _QUOTES:
            _mark_quotes(norm, tokens)
        blocked = (
            self._speaker_blocks(clause_tokens, clause_sentence) if flags & _SPEAKS else set()
        )
        live_clause, live_sentence, live_message = clause_bits, sentence_bits, message_bits
        # only the negation and quote steps mark tokens negated
        if flags & (_NEGATES | _QUOTES) and any(token.negated for token in tokens):
            live_clause = [0] * len(clause_starts)
            live_sentence = [0] * len(sentence_starts)
            live_message = 0
            for token in tokens:
                if not token.negated:
                    bits = token.kind.bits
                    live_clause[token.clause] |= bits
                    live_sentence[token.sentence] |= bits
                    live_message |= bits
        return _Masks(
            norm,
            tokens,
            clause_bits,
            sentence_bits,
            message_bits,
            clause_tokens,
            blocked,
            live_clause,
            live_sentence,
            live_message,
        )

    def _fire_masks(
        self, message: _Masks, labels: set[Label], hits: list[Hit], text: str, *, late: bool
    ) -> None:
        for token in message.tokens:
            kind = token.kind
            for masks in kind.late_masks if late else kind.early_masks:
                if masks.requires_labels and masks.requires_labels.isdisjoint(labels):
                    continue
                if _fires_masks(masks, token, message):
                    labels.add(masks.label)
                    hits.append(
                        new_hit(
                            masks.label,
                            masks.rule.id,
                            text[token.start : token.end],
                            token.start,
                            token.end,
                        )
                    )

    def _exemption_masks_of(self, message: _Masks) -> str | None:
        for exemption_id, trigger, single, conjunctions in self._exemption_masks:
            for token in message.tokens:
                if token.negated or not token.kind.bits & trigger:
                    continue
                if present(single, conjunctions, message.sentence_bits[token.sentence]):
                    continue
                return exemption_id
        return None

    def _acknowledged_masks(self, norm: str, message: _Masks) -> bool:
        if not message.tokens or message.tokens[0].sentence != 0:
            return False
        first = message.tokens[0]
        if _CONTENT.search(norm, 0, first.start):
            return False
        length = len(norm) - norm.count(" ")
        for starts_with, max_chars, unless in self._ack_masks:
            if (
                starts_with & first.kind.bits
                and length <= max_chars
                and not unless & message.message_bits
            ):
                return True
        return False


def _fires_masks(masks: RuleMasks, token: _Token, message: _Masks) -> bool:
    """:meth:`Engine._fires` on masks: not blocked, in context, its needs met."""
    if _blocked_masks(masks, token, message):
        return False
    live_sentence = message.live_sentence[token.sentence]
    if masks.need_context and not masks.need_context & live_sentence:
        return False
    if not (masks.need or masks.need_message or masks.initial):
        return True
    if masks.initial and token.initial:
        return True
    if masks.need:
        scope = masks.need_scope
        if scope == "clause":
            live = message.live_clause[token.clause]
        elif scope == "sentence":
            live = live_sentence
        else:
            live = message.live_message
        if masks.need & live:
            return True
    return bool(masks.need_message & message.live_message)


def _blocked_masks(masks: RuleMasks, token: _Token, message: _Masks) -> bool:
    """:meth:`Engine._blocked` on masks."""
    if (masks.negatable and token.negated) or (
        masks.speaker_check and token.clause in message.blocked_clauses
    ):
        return True
    sentence = message.sentence_bits[token.sentence]
    clause = message.clause_bits[token.clause]
    if (
        masks.clause_single & clause
        or (masks.clause_all and present(0, masks.clause_all, clause))
        or (
            not masks.except_ & sentence
            and (
                masks.sentence_single & sentence
                or (masks.sentence_all and present(0, masks.sentence_all, sentence))
            )
        )
        or masks.message_single & message.message_bits
        or (masks.message_all and present(0, masks.message_all, message.message_bits))
    ):
        return True
    return masks.adjacent and _adjacent_masks(masks, token, message)


def _adjacent_masks(masks: RuleMasks, token: _Token, message: _Masks) -> bool:
    """:meth:`Engine._adjacent_block` on masks."""
    for other in message.clause_tokens[token.clause]:
        if other is token:
            continue
        bits = other.kind.bits
        if (
            masks.unless_next & bits
            and token.end <= other.start <= token.end + 1
            and message.text[token.end : other.start] not in _LIST_SEPARATORS
        ):
            return True
        if masks.unless_earlier & bits and other.end <= token.start:
            return True
        if masks.unless_prev & bits and token.start - 2 <= other.end <= token.start:
            return True
    return False
