"""The fast engine's clause analysis and rules, for every text of a batch.

The same steps as the reference engine (``Engine._analyse``, ``_fire``, ``_imply``,
``_exemption``, ``_is_acknowledgement``) with categories as bit rows (see
:mod:`bot.core.classifier.rule_tables` for the tables): a text's sentences and clauses, each
token's clause, sentence and whether it opens its clause, negation, quotes and the speaker's own
clauses, then the early rules, implications, late rules and implications again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from bot.core.classifier.kernels.phrases import longest_tokens

# Character classes (``rule_tables.CharClasses``) the rules pass reads from its class table.
SENTENCE_MARK, SPACE, CLAUSE_MARK, CONTENT, LIST_SEPARATOR = 1, 2, 4, 8, 16
# analyse's flags: per token, and per text
TOKEN_NEGATED, TOKEN_BLOCKED, TOKEN_LABELLED = 1, 2, 4
TEXT_BLOCKED, TEXT_ACKNOWLEDGED, TEXT_LABELLED = 1, 2, 4
KNOWN = 128
# Columns of the rule table (one row per rule, in rule-file order); *_ROW columns index the
# mask pool, *_ALL columns are (first, count) in the conjunction table.
(
    R_LABEL,
    R_REQUIRES,
    R_NEGATABLE,
    R_SPEAKER,
    R_TRIGGER,
    R_CLAUSE,
    R_CLAUSE_ALL,
    R_CLAUSE_ALLS,
    R_SENTENCE,
    R_SENTENCE_ALL,
    R_SENTENCE_ALLS,
    R_MESSAGE,
    R_MESSAGE_ALL,
    R_MESSAGE_ALLS,
    R_EXCEPT,
    R_ADJACENT,
    R_NEXT,
    R_PREV,
    R_EARLIER,
    R_CONTEXT,
    R_NEED,
    R_SCOPE,
    R_NEED_MESSAGE,
    R_INITIAL,
    R_LATE,
) = range(25)
RULE_COLUMNS = 25
# Rows of the engine's own category sets in ``engine_rows``.
(
    E_SKIPPABLE,
    E_BREAKS,
    E_NEGATOR,
    E_PURPOSE,
    E_FIRST_PERSON,
    E_REPLY_LEAD,
    E_RESET,
    E_QUOTE_INTRO,
) = range(8)
ENGINE_ROWS = 8


# Where sentences and clauses open (``opens``), the analysis steps a text needs.
SENTENCE_OPENS, CLAUSE_OPENS = 1, 2
_NEGATES, _QUOTES, _SPEAKS = 1, 2, 4
_STOP, _DASH, _SPACE_CHAR, _COLON, _COMMA, _QUOTE = 46, 45, 32, 58, 44, 34


@njit(cache=True, nogil=True)
def _meets(rows: Any, row: int, others: Any, other: int) -> bool:  # pragma: no cover - compiled
    """Whether two category rows share a category (indices, not views: no reference counts)."""
    shared = 0
    for part in range(rows.shape[1]):
        shared |= rows[row, part] & others[other, part]
    return shared != 0


@njit(cache=True, nogil=True)
def _present(
    pool: Any,
    single: int,
    first: int,
    count: int,
    conjunctions: Any,
    parts: Any,
    found: Any,
    row: int,
) -> bool:  # pragma: no cover - compiled
    """``masks.present``: the single conditions, or every part of one conjunction."""
    if _meets(pool, single, found, row):
        return True
    for conjunction in range(first, first + count):
        start, size = conjunctions[conjunction, 0], conjunctions[conjunction, 1]
        whole = True
        for part in range(start, start + size):
            if not _meets(pool, parts[part], found, row):
                whole = False
                break
        if whole:
            return True
    return False


@njit(cache=True, nogil=True)
def _or_into(target: Any, row: int, source: Any, other: int) -> None:  # pragma: no cover
    for part in range(target.shape[1]):
        target[row, part] |= source[other, part]


@njit(cache=True, nogil=True)
def analyse(
    points: Any,
    starts: Any,
    classes: Any,
    spans: Any,
    word_categories: Any,
    extra: Any,
    extra_categories: Any,
    shadow: Any,
    shadowed_length: int,
    pool: Any,
    engine_rows: Any,
    rules: Any,
    conjunctions: Any,
    parts: Any,
    implications: Any,
    exemptions: Any,
    acknowledgements: Any,
) -> Any:  # pragma: no cover - compiled
    """Tokens (:func:`~.phrases.longest_tokens`), clause analysis and rules (:func:`_rules_pass`)
    for every text of a batch, in one call.

    Returns (tokens, token_categories, texts, hits): per token a row (start, end, flags), its
    category bit row; per text a row (first token, first hit, flags, exemption), plus a last
    row whose first two columns end the last text's tokens and hits; per hit a row (code,
    start, end). The flags and codes are those of :func:`_rules_pass`.
    """
    count = len(starts) - 1
    token_starts, token_begin, token_end, token_bits = longest_tokens(
        count, spans, word_categories, extra, extra_categories, shadow, shadowed_length
    )
    token_flags, text_flags, exemption_of, hit_starts, hits = _rules_pass(
        points,
        starts,
        classes,
        token_starts,
        token_begin,
        token_end,
        token_bits,
        pool,
        engine_rows,
        rules,
        conjunctions,
        parts,
        implications,
        exemptions,
        acknowledgements,
    )
    tokens = np.empty((len(token_begin), 3), dtype=np.int64)
    tokens[:, 0] = token_begin
    tokens[:, 1] = token_end
    tokens[:, 2] = token_flags
    texts = np.zeros((count + 1, 4), dtype=np.int64)
    texts[:, 0] = token_starts
    texts[:, 1] = hit_starts
    texts[:count, 2] = text_flags
    texts[:count, 3] = exemption_of
    return tokens, token_bits, texts, hits


@njit(cache=True, nogil=True)
def _rules_pass(
    points: Any,
    starts: Any,
    classes: Any,
    token_starts: Any,
    token_begin: Any,
    token_end: Any,
    token_bits: Any,
    pool: Any,
    engine_rows: Any,
    rules: Any,
    conjunctions: Any,
    parts: Any,
    implications: Any,
    exemptions: Any,
    acknowledgements: Any,
) -> Any:  # pragma: no cover - compiled
    """The clause analysis and rule firing for every text of a batch.

    Returns (token_flags, text_flags, exemption, hit_starts, hits): per token ``TOKEN_*``
    flags; per text ``TEXT_*`` flags and the first exemption that applies (-1: none); the hits
    of text ``i`` in rows ``hit_starts[i]:hit_starts[i + 1]`` of ``hits``, each (code, start,
    end), the code a rule index or ``len(rules)`` plus an implication index.
    """
    texts = len(starts) - 1
    width = pool.shape[1]
    token_flags = np.zeros(len(token_begin), dtype=np.int64)
    text_flags = np.zeros(texts, dtype=np.int64)
    exemption_of = np.full(texts, -1, dtype=np.int64)
    hit_starts = np.zeros(texts + 1, dtype=np.int64)
    # each token fires each rule at most once, and each implication adds one hit a text
    hits = np.empty(
        (len(token_begin) * rules.shape[0] + texts * implications.shape[0], 3), dtype=np.int64
    )
    longest = max(1, int(np.max(np.diff(starts)))) + 1 if texts else 1
    most_tokens = max(1, int(np.max(np.diff(token_starts)))) if texts else 1
    opens = np.zeros(longest, dtype=np.int64)  # SENTENCE_OPENS and CLAUSE_OPENS by position
    clause_at = np.empty(longest, dtype=np.int64)
    clause_sentence = np.empty(longest, dtype=np.int64)
    blocked = np.zeros(longest, dtype=np.bool_)
    # static and live category bits of clauses, sentences and (one row) the message
    clause_bits = np.zeros((longest, width), dtype=np.uint64)
    sentence_bits = np.zeros((longest, width), dtype=np.uint64)
    message_bits = np.zeros((1, width), dtype=np.uint64)
    live_clause = np.zeros((longest, width), dtype=np.uint64)
    live_sentence = np.zeros((longest, width), dtype=np.uint64)
    live_message = np.zeros((1, width), dtype=np.uint64)
    clause_of = np.empty(most_tokens, dtype=np.int64)
    sentence_of = np.empty(most_tokens, dtype=np.int64)
    initial = np.zeros(most_tokens, dtype=np.bool_)
    negated = np.zeros(most_tokens, dtype=np.bool_)
    token_labels = np.zeros(most_tokens, dtype=np.int64)
    kind = np.zeros((most_tokens, ENGINE_ROWS), dtype=np.bool_)
    found = 0
    for text in range(texts):
        base = starts[text]
        size = starts[text + 1] - base
        first = token_starts[text]
        count = token_starts[text + 1] - first
        _mark_boundaries(points, base, size, classes, opens)
        labelled = _read_kinds(
            count,
            first,
            token_begin,
            token_bits,
            engine_rows,
            pool,
            rules,
            kind,
            token_labels,
            negated,
            opens,
        )
        clauses, sentences = _number_clauses(size, opens, clause_at, clause_sentence)
        steps = _place_tokens(
            points,
            base,
            classes,
            count,
            first,
            token_begin,
            token_end,
            token_bits,
            clause_at,
            clause_sentence,
            clauses,
            sentences,
            kind,
            clause_of,
            sentence_of,
            initial,
            blocked,
            clause_bits,
            sentence_bits,
            message_bits,
        )
        if steps & _NEGATES:
            _mark_negation(
                count, clause_of, token_begin, token_end, first, kind, token_labels, negated
            )
        if steps & _QUOTES:
            _mark_quotes(
                points, base, size, classes, count, token_begin, token_end, first, kind, negated
            )
        any_blocked = bool(steps & _SPEAKS) and _speaker_blocks(
            count, clauses, clause_sentence, clause_of, kind, initial, blocked
        )
        _live_bits(
            count,
            first,
            clauses,
            sentences,
            negated,
            clause_of,
            sentence_of,
            token_bits,
            clause_bits,
            sentence_bits,
            message_bits,
            live_clause,
            live_sentence,
            live_message,
        )
        labels, found = _fire_rules(
            points,
            base,
            classes,
            count,
            first,
            token_begin,
            token_end,
            token_bits,
            pool,
            rules,
            conjunctions,
            parts,
            implications,
            clause_of,
            sentence_of,
            initial,
            negated,
            blocked,
            clause_bits,
            sentence_bits,
            message_bits,
            live_clause,
            live_sentence,
            live_message,
            hits,
            found,
        )
        hit_starts[text + 1] = found
        flags = (TEXT_BLOCKED if any_blocked else 0) | (TEXT_LABELLED if labelled else 0)
        if labels == 0 and count and sentence_of[0] == 0:
            flags |= _acknowledged(
                points,
                base,
                size,
                classes,
                token_begin[first],
                token_bits,
                first,
                message_bits,
                pool,
                acknowledgements,
            )
        text_flags[text] = flags
        exemption_of[text] = _exemption(
            count,
            first,
            token_bits,
            negated,
            sentence_of,
            sentence_bits,
            pool,
            exemptions,
            conjunctions,
            parts,
        )
        for index in range(count):
            token_flags[first + index] = (
                (TOKEN_NEGATED if negated[index] else 0)
                | (TOKEN_BLOCKED if blocked[clause_of[index]] else 0)
                | (TOKEN_LABELLED if token_labels[index] else 0)
            )
    return token_flags, text_flags, exemption_of, hit_starts, hits[:found]


@njit(cache=True, nogil=True)
def _mark_boundaries(
    points: Any, base: int, size: int, classes: Any, opens: Any
) -> None:  # pragma: no cover - compiled
    """Where sentences and clauses open (``_SENTENCE_END`` and ``_CLAUSE_END`` of the engine:
    the end of a run of marks, after a full stop before a space or the end, after a dash
    between spaces)."""
    for position in range(size + 1):
        opens[position] = 0
    opens[0] = SENTENCE_OPENS | CLAUSE_OPENS
    position = 0
    while position < size:
        if classes[points[base + position]] & SENTENCE_MARK:
            while position < size and classes[points[base + position]] & SENTENCE_MARK:
                position += 1
        elif _full_stop(points, base, size, classes, position):
            position += 1
        else:
            position += 1
            continue
        opens[position] = SENTENCE_OPENS | CLAUSE_OPENS
    position = 0
    while position < size:
        if classes[points[base + position]] & CLAUSE_MARK:
            while position < size and classes[points[base + position]] & CLAUSE_MARK:
                position += 1
        elif (
            position + 2 < size
            and classes[points[base + position]] & SPACE
            and points[base + position + 1] == _DASH
            and classes[points[base + position + 2]] & SPACE
        ):
            position += 3
        else:
            position += 1
            continue
        opens[position] |= CLAUSE_OPENS


@njit(cache=True, nogil=True)
def _full_stop(
    points: Any, base: int, size: int, classes: Any, position: int
) -> bool:  # pragma: no cover - compiled
    """A full stop that ends a sentence: before a space or the end of the text."""
    return points[base + position] == _STOP and (
        position + 1 == size or bool(classes[points[base + position + 1]] & SPACE)
    )


@njit(cache=True, nogil=True)
def _read_kinds(
    count: int,
    first: int,
    token_begin: Any,
    token_bits: Any,
    engine_rows: Any,
    pool: Any,
    rules: Any,
    kind: Any,
    token_labels: Any,
    negated: Any,
    opens: Any,
) -> bool:  # pragma: no cover - compiled
    """Each token's engine categories and labels (a clause break opens a clause); whether
    some token has a label."""
    labelled = False
    for index in range(count):
        token = first + index
        for row in range(ENGINE_ROWS):
            kind[index, row] = _meets(token_bits, token, engine_rows, row)
        labels = 0
        for rule in range(rules.shape[0]):
            if _meets(token_bits, token, pool, rules[rule, R_TRIGGER]):
                labels |= 1 << rules[rule, R_LABEL]
        token_labels[index] = labels
        negated[index] = False
        labelled = labelled or labels != 0
        if kind[index, E_BREAKS]:
            opens[token_begin[token]] |= CLAUSE_OPENS
    return labelled


@njit(cache=True, nogil=True)
def _number_clauses(
    size: int, opens: Any, clause_at: Any, clause_sentence: Any
) -> Any:  # pragma: no cover - compiled
    """The clauses' starts and sentences, in order; (clauses, sentences)."""
    clauses = 0
    sentences = 0
    for position in range(size + 1):
        if opens[position] & SENTENCE_OPENS:
            sentences += 1
        if opens[position]:
            clause_at[clauses] = position
            clause_sentence[clauses] = sentences - 1
            clauses += 1
    return clauses, sentences


@njit(cache=True, nogil=True)
def _place_tokens(
    points: Any,
    base: int,
    classes: Any,
    count: int,
    first: int,
    token_begin: Any,
    token_end: Any,
    token_bits: Any,
    clause_at: Any,
    clause_sentence: Any,
    clauses: int,
    sentences: int,
    kind: Any,
    clause_of: Any,
    sentence_of: Any,
    initial: Any,
    blocked: Any,
    clause_bits: Any,
    sentence_bits: Any,
    message_bits: Any,
) -> int:  # pragma: no cover - compiled
    """Each token's clause, sentence and whether it opens its clause; the categories of each
    clause, sentence and the message; which of the negation, quote and speaker steps some
    token needs (``_NEGATES | _QUOTES | _SPEAKS``)."""
    clause_bits[:clauses] = 0
    sentence_bits[:sentences] = 0
    message_bits[:] = 0
    blocked[:clauses] = False
    current, cursor, content, clause, steps = -1, 0, False, 0, 0
    for index in range(count):
        token = first + index
        start = token_begin[token]
        while clause + 1 < clauses and clause_at[clause + 1] <= start:
            clause += 1
        clause_of[index] = clause
        sentence_of[index] = clause_sentence[clause]
        if clause != current:
            current, cursor, content = clause, clause_at[clause], False
        if not content:
            for position in range(cursor, start):
                if classes[points[base + position]] & CONTENT:
                    content = True
                    break
        initial[index] = not content
        content = content or not kind[index, E_SKIPPABLE]
        cursor = max(cursor, token_end[token])
        _or_into(clause_bits, clause, token_bits, token)
        _or_into(sentence_bits, clause_sentence[clause], token_bits, token)
        _or_into(message_bits, 0, token_bits, token)
        if kind[index, E_NEGATOR] or kind[index, E_PURPOSE]:
            steps |= _NEGATES
        if kind[index, E_QUOTE_INTRO]:
            steps |= _QUOTES
        if kind[index, E_FIRST_PERSON] or kind[index, E_REPLY_LEAD] or kind[index, E_RESET]:
            steps |= _SPEAKS
    return steps


@njit(cache=True, nogil=True)
def _speaker_blocks(
    count: int,
    clauses: int,
    clause_sentence: Any,
    clause_of: Any,
    kind: Any,
    initial: Any,
    blocked: Any,
) -> bool:  # pragma: no cover - compiled
    """``Engine._speaker_blocks``: mark the clauses the speaker speaks for; whether any."""
    carry, sentence, whole_reply, index, any_blocked = False, -1, False, 0, False
    for clause in range(clauses):
        if clause_sentence[clause] != sentence:
            carry, sentence = carry and whole_reply, clause_sentence[clause]
        while index < count and clause_of[index] < clause:
            index += 1
        decided = False
        member = index
        while not decided and member < count and clause_of[member] == clause:
            opens_reply = initial[member] and kind[member, E_REPLY_LEAD]
            if kind[member, E_RESET]:
                carry, decided = False, True
            elif opens_reply or kind[member, E_FIRST_PERSON]:
                whole_reply = whole_reply or (opens_reply and clause == 0)
                carry, decided = True, True
                blocked[clause] = True
            member += 1
        if not decided and carry:
            blocked[clause] = True
        any_blocked = any_blocked or blocked[clause]
    return any_blocked


@njit(cache=True, nogil=True)
def _live_bits(
    count: int,
    first: int,
    clauses: int,
    sentences: int,
    negated: Any,
    clause_of: Any,
    sentence_of: Any,
    token_bits: Any,
    clause_bits: Any,
    sentence_bits: Any,
    message_bits: Any,
    live_clause: Any,
    live_sentence: Any,
    live_message: Any,
) -> None:  # pragma: no cover - compiled
    """The categories of what is asked for: the tokens not negated."""
    if not negated[:count].any():
        live_clause[:clauses] = clause_bits[:clauses]
        live_sentence[:sentences] = sentence_bits[:sentences]
        live_message[:] = message_bits
        return
    live_clause[:clauses] = 0
    live_sentence[:sentences] = 0
    live_message[:] = 0
    for index in range(count):
        if not negated[index]:
            token = first + index
            _or_into(live_clause, clause_of[index], token_bits, token)
            _or_into(live_sentence, sentence_of[index], token_bits, token)
            _or_into(live_message, 0, token_bits, token)


@njit(cache=True, nogil=True)
def _fire_rules(
    points: Any,
    base: int,
    classes: Any,
    count: int,
    first: int,
    token_begin: Any,
    token_end: Any,
    token_bits: Any,
    pool: Any,
    rules: Any,
    conjunctions: Any,
    parts: Any,
    implications: Any,
    clause_of: Any,
    sentence_of: Any,
    initial: Any,
    negated: Any,
    blocked: Any,
    clause_bits: Any,
    sentence_bits: Any,
    message_bits: Any,
    live_clause: Any,
    live_sentence: Any,
    live_message: Any,
    hits: Any,
    found: int,
) -> Any:  # pragma: no cover - compiled
    """The early rules, the implications, then (when there are any) the late rules and the
    implications again, as ``Engine._apply_rules``; hits from row ``found`` of ``hits`` on.
    Returns (label bits, the next free row)."""
    labels = 0
    text_first = found
    late_rules = rules[:, R_LATE].any()
    for late in range(2 if late_rules else 1):
        for index in range(count):
            token = first + index
            for rule in range(rules.shape[0]):
                if rules[rule, R_LATE] != late or not _meets(
                    token_bits, token, pool, rules[rule, R_TRIGGER]
                ):
                    continue
                if rules[rule, R_REQUIRES] and not rules[rule, R_REQUIRES] & labels:
                    continue
                if _fires(
                    rule,
                    index,
                    first,
                    points,
                    base,
                    classes,
                    count,
                    token_begin,
                    token_end,
                    token_bits,
                    pool,
                    rules,
                    conjunctions,
                    parts,
                    clause_of,
                    sentence_of,
                    initial,
                    negated,
                    blocked,
                    clause_bits,
                    sentence_bits,
                    message_bits,
                    live_clause,
                    live_sentence,
                    live_message,
                ):
                    labels |= 1 << rules[rule, R_LABEL]
                    hits[found, 0] = rule
                    hits[found, 1] = token_begin[token]
                    hits[found, 2] = token_end[token]
                    found += 1
        labels, found = _imply(labels, rules, implications, hits, text_first, found)
    return labels, found


@njit(cache=True, nogil=True)
def _imply(
    labels: int, rules: Any, implications: Any, hits: Any, text_first: int, found: int
) -> Any:  # pragma: no cover - compiled
    """``Engine._imply``: each implication whose label is missing and whose source labels are
    present adds its label, on the span of the first hit with a source label."""
    for implication in range(implications.shape[0]):
        if_any, add = implications[implication, 0], implications[implication, 1]
        if labels & (1 << add) or not labels & if_any:
            continue
        source = text_first
        while not (1 << _label_of(hits[source, 0], rules, implications)) & if_any:
            source += 1
        labels |= 1 << add
        hits[found, 0] = rules.shape[0] + implication
        hits[found, 1] = hits[source, 1]
        hits[found, 2] = hits[source, 2]
        found += 1
    return labels, found


@njit(cache=True, nogil=True)
def _exemption(
    count: int,
    first: int,
    token_bits: Any,
    negated: Any,
    sentence_of: Any,
    sentence_bits: Any,
    pool: Any,
    exemptions: Any,
    conjunctions: Any,
    parts: Any,
) -> int:  # pragma: no cover - compiled
    """The first exemption a token that is asked for triggers outside its unless_sentence
    conditions (-1: none)."""
    for exemption in range(exemptions.shape[0]):
        for index in range(count):
            if negated[index] or not _meets(
                token_bits, first + index, pool, exemptions[exemption, 0]
            ):
                continue
            if not _present(
                pool,
                exemptions[exemption, 1],
                exemptions[exemption, 2],
                exemptions[exemption, 3],
                conjunctions,
                parts,
                sentence_bits,
                sentence_of[index],
            ):
                return exemption
    return -1


@njit(cache=True, nogil=True)
def _label_of(code: int, rules: Any, implications: Any) -> int:  # pragma: no cover - compiled
    if code < rules.shape[0]:
        return int(rules[code, R_LABEL])
    return int(implications[code - rules.shape[0], 1])


@njit(cache=True, nogil=True)
def _mark_negation(
    count: int,
    clause_of: Any,
    token_begin: Any,
    token_end: Any,
    first_token: int,
    kind: Any,
    token_labels: Any,
    negated: Any,
) -> None:  # pragma: no cover - compiled
    """``Engine._mark_negation`` in every clause (a clause without a negator or purpose marker
    is left as it is)."""
    first = 0
    while first < count:
        last = first
        while last < count and clause_of[last] == clause_of[first]:
            last += 1
        for opener in range(first, last):
            if kind[opener, E_PURPOSE]:  # what follows a purpose marker is not asked for
                for member in range(first, last):
                    if token_begin[first_token + member] >= token_end[first_token + opener]:
                        negated[member] = True
        for negator in range(first, last):
            if kind[negator, E_NEGATOR]:
                _negate_around(
                    first,
                    last,
                    negator,
                    token_begin,
                    token_end,
                    first_token,
                    token_labels,
                    negated,
                )
        first = last


@njit(cache=True, nogil=True)
def _negate_around(
    first: int,
    last: int,
    negator: int,
    token_begin: Any,
    token_end: Any,
    first_token: int,
    token_labels: Any,
    negated: Any,
) -> None:  # pragma: no cover - compiled
    """A negator negates what follows it in its clause and what precedes it, except a topic
    before it when the negated part has its own, different object."""
    after_labels = 0
    for member in range(first, last):
        if token_begin[first_token + member] >= token_end[first_token + negator]:
            negated[member] = True
            after_labels |= token_labels[member]
    for member in range(first, last):
        before = token_end[first_token + member] <= token_begin[first_token + negator]
        escapes = after_labels != 0 and not after_labels & token_labels[member]
        if before and not escapes:
            negated[member] = True


@njit(cache=True, nogil=True)
def _mark_quotes(
    points: Any,
    base: int,
    size: int,
    classes: Any,
    count: int,
    token_begin: Any,
    token_end: Any,
    first_token: int,
    kind: Any,
    negated: Any,
) -> None:  # pragma: no cover - compiled
    """``_mark_quotes``: what a quote opener quotes is not asked for."""
    for opener in range(count):
        if not kind[opener, E_QUOTE_INTRO]:
            continue
        cursor, stop = _quoted(points, base, size, classes, token_end[first_token + opener])
        for member in range(count):
            if cursor <= token_begin[first_token + member] < stop:
                negated[member] = True


@njit(cache=True, nogil=True)
def _quoted(
    points: Any, base: int, size: int, classes: Any, end: int
) -> Any:  # pragma: no cover - compiled
    """What a quote opener ending at ``end`` quotes, as (start, stop); (0, 0) for nothing.
    Followed by a quotation mark it quotes up to the closing mark; followed by a colon, the
    rest of the sentence."""
    cursor = end
    colon = False
    while cursor < size and points[base + cursor] in (_SPACE_CHAR, _COLON, _COMMA):
        colon = colon or points[base + cursor] == _COLON
        cursor += 1
    if cursor < size and points[base + cursor] == _QUOTE:
        for position in range(cursor + 1, size):
            if points[base + position] == _QUOTE:
                return cursor, position
        return cursor, size
    if not colon:
        return 0, 0
    for position in range(cursor, size):
        if classes[points[base + position]] & SENTENCE_MARK or _full_stop(
            points, base, size, classes, position
        ):
            return cursor, position
    return cursor, size


@njit(cache=True, nogil=True)
def _fires(
    rule: int,
    index: int,
    first_token: int,
    points: Any,
    base: int,
    classes: Any,
    count: int,
    token_begin: Any,
    token_end: Any,
    token_bits: Any,
    pool: Any,
    rules: Any,
    conjunctions: Any,
    parts: Any,
    clause_of: Any,
    sentence_of: Any,
    initial: Any,
    negated: Any,
    blocked: Any,
    clause_bits: Any,
    sentence_bits: Any,
    message_bits: Any,
    live_clause: Any,
    live_sentence: Any,
    live_message: Any,
) -> bool:  # pragma: no cover - compiled
    """``Engine._fires``: not blocked, in context, its needs met."""
    clause = clause_of[index]
    sentence = sentence_of[index]
    if _blocked(
        rule,
        index,
        first_token,
        points,
        base,
        classes,
        count,
        token_begin,
        token_end,
        token_bits,
        pool,
        rules,
        conjunctions,
        parts,
        clause_of,
        negated,
        blocked,
        clause,
        sentence,
        clause_bits,
        sentence_bits,
        message_bits,
    ):
        return False
    if rules[rule, R_CONTEXT] and not _meets(
        pool, rules[rule, R_CONTEXT], live_sentence, sentence
    ):
        return False
    if not (rules[rule, R_NEED] or rules[rule, R_NEED_MESSAGE] or rules[rule, R_INITIAL]):
        return True
    if rules[rule, R_INITIAL] and initial[index]:
        return True
    need = rules[rule, R_NEED]
    scope = rules[rule, R_SCOPE]
    if need and (
        (scope == 0 and _meets(pool, need, live_clause, clause))
        or (scope == 1 and _meets(pool, need, live_sentence, sentence))
        or (scope == 2 and _meets(pool, need, live_message, 0))
    ):
        return True
    return bool(rules[rule, R_NEED_MESSAGE]) and _meets(
        pool, rules[rule, R_NEED_MESSAGE], live_message, 0
    )


@njit(cache=True, nogil=True)
def _blocked(
    rule: int,
    index: int,
    first_token: int,
    points: Any,
    base: int,
    classes: Any,
    count: int,
    token_begin: Any,
    token_end: Any,
    token_bits: Any,
    pool: Any,
    rules: Any,
    conjunctions: Any,
    parts: Any,
    clause_of: Any,
    negated: Any,
    blocked: Any,
    clause: int,
    sentence: int,
    clause_bits: Any,
    sentence_bits: Any,
    message_bits: Any,
) -> bool:  # pragma: no cover - compiled
    """``Engine._blocked``: negated, the speaker's own, an unless_* condition present, or a
    blocking neighbour."""
    return bool(
        (rules[rule, R_NEGATABLE] and negated[index])
        or (rules[rule, R_SPEAKER] and blocked[clause])
        or _present(
            pool,
            rules[rule, R_CLAUSE],
            rules[rule, R_CLAUSE_ALL],
            rules[rule, R_CLAUSE_ALLS],
            conjunctions,
            parts,
            clause_bits,
            clause,
        )
        or (
            not _meets(pool, rules[rule, R_EXCEPT], sentence_bits, sentence)
            and _present(
                pool,
                rules[rule, R_SENTENCE],
                rules[rule, R_SENTENCE_ALL],
                rules[rule, R_SENTENCE_ALLS],
                conjunctions,
                parts,
                sentence_bits,
                sentence,
            )
        )
        or _present(
            pool,
            rules[rule, R_MESSAGE],
            rules[rule, R_MESSAGE_ALL],
            rules[rule, R_MESSAGE_ALLS],
            conjunctions,
            parts,
            message_bits,
            0,
        )
        or (
            rules[rule, R_ADJACENT]
            and _adjacent_block(
                rule,
                index,
                first_token,
                points,
                base,
                classes,
                count,
                token_begin,
                token_end,
                token_bits,
                pool,
                rules,
                clause_of,
                clause,
            )
        )
    )


@njit(cache=True, nogil=True)
def _adjacent_block(
    rule: int,
    index: int,
    first_token: int,
    points: Any,
    base: int,
    classes: Any,
    count: int,
    token_begin: Any,
    token_end: Any,
    token_bits: Any,
    pool: Any,
    rules: Any,
    clause_of: Any,
    clause: int,
) -> bool:  # pragma: no cover - compiled
    """``Engine._adjacent_block``: a token of the clause right after (unless_next; not across
    a list separator), before (unless_earlier) or just before (unless_prev) this one."""
    token = first_token + index
    start, end = token_begin[token], token_end[token]
    for member in range(count):
        if member == index or clause_of[member] != clause:
            continue
        other = first_token + member
        other_start, other_end = token_begin[other], token_end[other]
        if (
            _meets(pool, rules[rule, R_NEXT], token_bits, other)
            and end <= other_start <= end + 1
            and not (other_start == end + 1 and classes[points[base + end]] & LIST_SEPARATOR)
        ):
            return True
        if _meets(pool, rules[rule, R_EARLIER], token_bits, other) and other_end <= start:
            return True
        if (
            _meets(pool, rules[rule, R_PREV], token_bits, other)
            and start - 2 <= other_end <= start
        ):
            return True
    return False


@njit(cache=True, nogil=True)
def _acknowledged(
    points: Any,
    base: int,
    size: int,
    classes: Any,
    first_start: int,
    token_bits: Any,
    first_token: int,
    message_bits: Any,
    pool: Any,
    acknowledgements: Any,
) -> int:  # pragma: no cover - compiled
    """2 when the text is a member's acknowledgement (``_acknowledged_masks``), else 0."""
    for position in range(first_start):
        if classes[points[base + position]] & CONTENT:
            return 0
    spaces = 0
    for position in range(size):
        if points[base + position] == 32:
            spaces += 1
    for row in range(acknowledgements.shape[0]):
        if (
            _meets(pool, acknowledgements[row, 0], token_bits, first_token)
            and size - spaces <= acknowledgements[row, 1]
            and not _meets(pool, acknowledgements[row, 2], message_bits, 0)
        ):
            return 2
    return 0
