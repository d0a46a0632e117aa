"""Compiled batch kernels (numba) for the classifier's per-character loops.

Each kernel takes a whole batch of texts as one array of code points with the offsets where each
text starts, so numba's per-call cost (unboxing the arrays) is paid once per batch, not once per
message. The kernels are compiled on first use and cached on disk (``cache=True``; numba's
cache directory follows ``NUMBA_CACHE_DIR`` when the package directory is not writable).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, nogil=True)
def gram_totals(
    points: Any,
    starts: Any,
    ids: Any,
    slot_keys: Any,
    slot_rows: Any,
    shift: Any,
    weights: Any,
    id_bits: int,
    max_gram: int,
) -> Any:  # pragma: no cover - compiled
    """Per text, the per-label sum of the weights of its distinct model n-grams."""
    texts = len(starts) - 1
    lanes = weights.shape[1]
    totals = np.zeros((texts, lanes), dtype=np.int64)
    longest = 1
    for text in range(texts):
        longest = max(longest, starts[text + 1] - starts[text])
    # the distinct rows one text hits, as a small open-addressing set (emptied after each text)
    size = 1
    while size < 2 * longest * max_gram:
        size *= 2
    taken = np.full(size, -1, dtype=np.int64)
    used = np.empty(longest * max_gram, dtype=np.int64)
    mask = len(slot_keys) - 1
    top = len(ids) - 1
    for text in range(texts):
        begin, end = starts[text], starts[text + 1]
        count = 0
        for first in range(begin, end):
            key = 0
            for position in range(first, min(first + max_gram, end)):
                point = points[position]
                char = ids[point] if point < top else 0
                if char == 0:  # no model n-gram holds an unknown character
                    break
                key = (key << id_bits) | char
                slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
                while True:
                    held = slot_keys[slot]
                    if held == key:
                        row = slot_rows[slot]
                        place = row & (size - 1)
                        while taken[place] != -1 and taken[place] != row:
                            place = (place + 1) & (size - 1)
                        if taken[place] == -1:  # a repeated n-gram counts once
                            taken[place] = row
                            used[count] = place
                            count += 1
                            for lane in range(lanes):
                                totals[text, lane] += weights[row, lane]
                        break
                    if held == -1:
                        break
                    slot = (slot + 1) & mask
        for index in range(count):
            taken[used[index]] = -1
    return totals


@njit(cache=True, nogil=True)
def _edge(table_keys: Any, table_next: Any, shift: Any, key: int) -> int:  # pragma: no cover
    """The state ``key`` (state * alphabet + character) leads to, or -1."""
    mask = len(table_keys) - 1
    slot = np.int64((np.uint64(key) * _GOLDEN) >> shift)
    while True:
        held = table_keys[slot]
        if held == key:
            return int(table_next[slot])
        if held == -1:
            return -1
        slot = (slot + 1) & mask


@njit(cache=True, nogil=True)
def scan_phrases(
    points: Any,
    starts: Any,
    char_ids: Any,
    alphabet: int,
    root_next: Any,
    table_keys: Any,
    table_next: Any,
    shift: Any,
    fail: Any,
    word_at: Any,
    word_link: Any,
    word_length: Any,
    word_left: Any,
    word_right: Any,
    word_categories: Any,
    word_guards: Any,
    chain: int,
) -> Any:  # pragma: no cover - compiled
    """Aho-Corasick over every text: the phrase spans that pass their word-boundary checks
    and, per text, the guard literals seen.

    Returns (spans, guards): one row per span, in the order found, of (text, start, end,
    phrase index; its categories are ``word_categories``), and one guard bit row per text.
    (Few returned arrays: boxing each one costs numba an unpickling.)
    ``chain``: the most phrases that can end at one character (sizes the outputs).
    """
    texts = len(starts) - 1
    top = len(char_ids) - 1
    capacity = chain * len(points)
    spans = np.empty((capacity, 4), dtype=np.int64)
    guards = np.zeros((texts, word_guards.shape[1]), dtype=np.uint64)
    count = 0
    for text in range(texts):
        base, stop = starts[text], starts[text + 1]
        size = stop - base
        state = 0
        for index in range(size):
            point = points[base + index]
            char = char_ids[point] if point < top else 0
            if char == 0:
                state = 0
                continue
            while True:
                if state == 0:
                    state = root_next[char]
                    break
                following = _edge(table_keys, table_next, shift, state * alphabet + char)
                if following >= 0:
                    state = following
                    break
                state = fail[state]
            found = state if word_at[state] >= 0 else word_link[state]
            while found > 0:
                word = word_at[found]
                found = word_link[found]
                for part in range(word_guards.shape[1]):
                    guards[text, part] |= word_guards[word, part]
                if word_categories[word, 0] == 0 and _empty(word_categories, word):
                    continue
                start = index - word_length[word] + 1
                if word_left[word] and start > 0 and _ascii_word(points[base + start - 1]):
                    continue
                if word_right[word] and index + 1 < size and _ascii_word(points[base + index + 1]):
                    continue
                spans[count, 0] = text
                spans[count, 1] = start
                spans[count, 2] = index + 1
                spans[count, 3] = word
                count += 1
    return spans[:count], guards


@njit(cache=True, nogil=True)
def _empty(categories: Any, row: int) -> bool:  # pragma: no cover - compiled
    for part in range(categories.shape[1]):
        if categories[row, part]:
            return False
    return True


@njit(cache=True, nogil=True)
def _ascii_word(point: int) -> bool:  # pragma: no cover - compiled
    """Whether a code point is a lower-case ASCII letter or the digit 0 (what folding leaves)."""
    return 97 <= point <= 122 or point == 48


@njit(cache=True, nogil=True)
def _longest_tokens(
    texts: int,
    spans: Any,
    word_categories: Any,
    extra: Any,
    extra_categories: Any,
    shadow: Any,
    shadowed_length: int,
) -> Any:  # pragma: no cover - compiled
    """Tokens from the phrase spans (:func:`scan_phrases`) and the ``extra`` (pattern) spans,
    rows of (text, start, end): longest match wins, a shadowing token hides short overlapping
    ones, the same span twice is one token with the categories of both.

    Returns (token_starts, token_begin, token_end, token_categories): the tokens of text ``i``
    are rows ``token_starts[i]:token_starts[i + 1]``.
    """
    phrases = spans.shape[0]
    total = phrases + extra.shape[0]
    parts = word_categories.shape[1]
    owner = np.empty(total, dtype=np.int64)
    begin_at = np.empty(total, dtype=np.int64)
    end_at = np.empty(total, dtype=np.int64)
    for span in range(phrases):
        owner[span], begin_at[span], end_at[span] = spans[span, 0], spans[span, 1], spans[span, 2]
    for row in range(extra.shape[0]):
        span = phrases + row
        owner[span], begin_at[span], end_at[span] = extra[row, 0], extra[row, 1], extra[row, 2]
    token_starts = np.zeros(texts + 1, dtype=np.int64)
    token_begin = np.empty(total, dtype=np.int64)
    token_end = np.empty(total, dtype=np.int64)
    token_categories = np.zeros((total, parts), dtype=np.uint64)
    order = np.argsort(owner, kind="mergesort")
    count = 0
    first = 0
    for text in range(texts):
        last = first
        while last < total and owner[order[last]] == text:
            last += 1
        members = order[first:last].copy()
        # sort the text's spans by (start, -end); insertion sort: a text has a few dozen
        for i in range(1, len(members)):
            held = members[i]
            j = i - 1
            while j >= 0 and (
                begin_at[members[j]] > begin_at[held]
                or (begin_at[members[j]] == begin_at[held] and end_at[members[j]] < end_at[held])
            ):
                members[j + 1] = members[j]
                j -= 1
            members[j + 1] = held
        cover = -1
        shadow_end = -1
        previous = -1
        for span in members:
            start, end = begin_at[span], end_at[span]
            merged = previous >= 0 and token_begin[previous] == start and token_end[previous] == end
            if not merged and (
                end <= cover or (start < shadow_end and end - start <= shadowed_length)
            ):
                continue
            if not merged:
                cover = end
                token_begin[count] = start
                token_end[count] = end
                previous = count
                count += 1
            for part in range(parts):
                if span < phrases:
                    token_categories[previous, part] |= word_categories[spans[span, 3], part]
                else:
                    token_categories[previous, part] |= extra_categories[span - phrases, part]
            if _within(token_categories, previous, shadow):
                shadow_end = end
        token_starts[text + 1] = count
        first = last
    return token_starts, token_begin[:count], token_end[:count], token_categories[:count]


@njit(cache=True, nogil=True, inline="always")
def _within(categories: Any, row: int, shadow: Any) -> bool:  # pragma: no cover - compiled
    for part in range(len(shadow)):
        if categories[row, part] & ~shadow[part]:
            return False
    return True


# Character classes (see ``char_classes``) the rules pass reads from its class table.
SENTENCE_MARK, SPACE, CLAUSE_MARK, CONTENT, LIST_SEPARATOR = 1, 2, 4, 8, 16
# rules_pass's flags: per token, and per text
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


@njit(cache=True, nogil=True, inline="always")
def _meets(rows: Any, row: int, others: Any, other: int) -> bool:  # pragma: no cover - compiled
    """Whether two category rows share a category (indices, not views: no reference counts)."""
    for part in range(rows.shape[1]):
        if rows[row, part] & others[other, part]:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
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


@njit(cache=True, nogil=True, inline="always")
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
    """Tokens (:func:`_longest_tokens`), clause analysis and rules (:func:`_rules_pass`)
    for every text of a batch, in one call.

    Returns (tokens, token_categories, texts, hits): per token a row (start, end, flags), its
    category bit row; per text a row (first token, first hit, flags, exemption), plus a last
    row whose first two columns end the last text's tokens and hits; per hit a row (code,
    start, end). The flags and codes are those of :func:`_rules_pass`.
    """
    count = len(starts) - 1
    token_starts, token_begin, token_end, token_bits = _longest_tokens(
        count, spans, word_categories, extra, extra_categories, shadow, shadowed_length
    )
    (
        token_flags,
        text_flags,
        _labels,
        exemption_of,
        hit_starts,
        hit_code,
        hit_begin,
        hit_end,
    ) = _rules_pass(
        points, starts, classes, token_starts, token_begin, token_end, token_bits, pool,
        engine_rows, rules, conjunctions, parts, implications, exemptions, acknowledgements,
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
    hits = np.empty((len(hit_code), 3), dtype=np.int64)
    hits[:, 0] = hit_code
    hits[:, 1] = hit_begin
    hits[:, 2] = hit_end
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
    """The fast engine's clause analysis and rule firing for every text of a batch.

    Returns (token_flags, text_flags, labels, exemption, hit_starts, hit_code, hit_begin,
    hit_end): per token bit 1 negated, bit 2 its clause is the speaker's own, bit 4 it has a
    label; per text bit 1 some clause is the speaker's own, bit 2 it is an acknowledgement, bit
    4 some token has a label; the label bits the rules gave; the first exemption that applies
    (-1: none); the hits of text ``i`` in rows ``hit_starts[i]:hit_starts[i + 1]``, each a rule
    index (or ``len(rules)`` plus an implication index) and a span.
    """
    texts = len(starts) - 1
    tokens_total = len(token_begin)
    width = pool.shape[1]
    rule_count = rules.shape[0]
    token_flags = np.zeros(tokens_total, dtype=np.int64)
    text_flags = np.zeros(texts, dtype=np.int64)
    labels_of = np.zeros(texts, dtype=np.int64)
    exemption_of = np.full(texts, -1, dtype=np.int64)
    capacity = 16 + 4 * tokens_total
    hit_starts = np.zeros(texts + 1, dtype=np.int64)
    hit_code = np.empty(capacity, dtype=np.int64)
    hit_begin = np.empty(capacity, dtype=np.int64)
    hit_end = np.empty(capacity, dtype=np.int64)
    hits = 0
    longest = 1
    most_tokens = 1
    for text in range(texts):
        longest = max(longest, starts[text + 1] - starts[text] + 1)
        most_tokens = max(most_tokens, token_starts[text + 1] - token_starts[text])
    opens = np.zeros(longest, dtype=np.int64)  # 1: a sentence starts here, 2: a clause
    clause_at = np.empty(longest, dtype=np.int64)
    clause_sentence = np.empty(longest, dtype=np.int64)
    clause_bits = np.zeros((longest, width), dtype=np.uint64)
    sentence_bits = np.zeros((longest, width), dtype=np.uint64)
    live_clause = np.zeros((longest, width), dtype=np.uint64)
    live_sentence = np.zeros((longest, width), dtype=np.uint64)
    blocked = np.zeros(longest, dtype=np.bool_)
    message_bits = np.zeros((1, width), dtype=np.uint64)
    live_message = np.zeros((1, width), dtype=np.uint64)
    clause_of = np.empty(most_tokens, dtype=np.int64)
    sentence_of = np.empty(most_tokens, dtype=np.int64)
    initial = np.zeros(most_tokens, dtype=np.bool_)
    negated = np.zeros(most_tokens, dtype=np.bool_)
    token_labels = np.zeros(most_tokens, dtype=np.int64)
    kind = np.zeros((most_tokens, ENGINE_ROWS), dtype=np.bool_)
    for text in range(texts):
        base = starts[text]
        size = starts[text + 1] - base
        first_token = token_starts[text]
        count = token_starts[text + 1] - first_token
        # sentences: runs of sentence marks, and a full stop before a space or the end
        for position in range(size + 1):
            opens[position] = 0
        opens[0] = 3
        position = 0
        while position < size:
            char = classes[points[base + position]]
            if char & SENTENCE_MARK:
                while position < size and classes[points[base + position]] & SENTENCE_MARK:
                    position += 1
                opens[position] = 3
            elif points[base + position] == 46 and (
                position + 1 == size or classes[points[base + position + 1]] & SPACE
            ):
                position += 1
                opens[position] = 3
            else:
                position += 1
        # clauses: runs of clause marks, and a dash between spaces
        position = 0
        while position < size:
            if classes[points[base + position]] & CLAUSE_MARK:
                while position < size and classes[points[base + position]] & CLAUSE_MARK:
                    position += 1
                opens[position] |= 2
            elif (
                position + 2 < size
                and classes[points[base + position]] & SPACE
                and points[base + position + 1] == 45
                and classes[points[base + position + 2]] & SPACE
            ):
                position += 3
                opens[position] |= 2
            else:
                position += 1
        labelled = False
        for index in range(count):
            token = first_token + index
            for row in range(ENGINE_ROWS):
                kind[index, row] = _meets(token_bits, token, engine_rows, row)
            found = 0
            for rule in range(rule_count):
                if _meets(token_bits, token, pool, rules[rule, R_TRIGGER]):
                    found |= 1 << rules[rule, R_LABEL]
            token_labels[index] = found
            negated[index] = False
            if found:
                labelled = True
            if kind[index, E_BREAKS]:
                opens[token_begin[token]] |= 2
        clauses = 0
        sentences = 0
        for position in range(size + 1):
            if opens[position] & 1:
                sentences += 1
            if opens[position]:
                clause_at[clauses] = position
                clause_sentence[clauses] = sentences - 1
                clauses += 1
        for clause in range(clauses):
            blocked[clause] = False
            for part in range(width):
                clause_bits[clause, part] = 0
        for sentence in range(sentences):
            for part in range(width):
                sentence_bits[sentence, part] = 0
        for part in range(width):
            message_bits[0, part] = 0
        current = -1
        cursor = 0
        content = False
        clause = 0
        any_negates = False
        any_quotes = False
        any_speaks = False
        for index in range(count):
            token = first_token + index
            start = token_begin[token]
            while clause + 1 < clauses and clause_at[clause + 1] <= start:
                clause += 1
            clause_of[index] = clause
            sentence_of[index] = clause_sentence[clause]
            if clause != current:
                current, cursor, content = clause, clause_at[clause], False
            if not content and cursor < start:
                for position in range(cursor, start):
                    if classes[points[base + position]] & CONTENT:
                        content = True
                        break
            initial[index] = not content
            if not kind[index, E_SKIPPABLE]:
                content = True
            cursor = max(cursor, token_end[token])
            _or_into(clause_bits, clause, token_bits, token)
            _or_into(sentence_bits, clause_sentence[clause], token_bits, token)
            _or_into(message_bits, 0, token_bits, token)
            if kind[index, E_NEGATOR] or kind[index, E_PURPOSE]:
                any_negates = True
            if kind[index, E_QUOTE_INTRO]:
                any_quotes = True
            if kind[index, E_FIRST_PERSON] or kind[index, E_REPLY_LEAD] or kind[index, E_RESET]:
                any_speaks = True
        if any_negates:
            _mark_negation(
                count, clause_of, token_begin, token_end, first_token, kind, token_labels, negated
            )
        if any_quotes:
            _mark_quotes(
                points, base, size, classes, count, token_begin, token_end, first_token, kind,
                negated,
            )
        any_blocked = False
        if any_speaks:
            carry = False
            sentence = -1
            whole_reply = False
            index = 0
            for clause in range(clauses):
                if clause_sentence[clause] != sentence:
                    carry, sentence = carry and whole_reply, clause_sentence[clause]
                decided = False
                while index < count and clause_of[index] < clause:
                    index += 1
                member = index
                while member < count and clause_of[member] == clause:
                    if kind[member, E_RESET]:
                        carry, decided = False, True
                        break
                    opens_reply = initial[member] and kind[member, E_REPLY_LEAD]
                    if opens_reply or kind[member, E_FIRST_PERSON]:
                        whole_reply = whole_reply or (opens_reply and clause == 0)
                        carry, decided = True, True
                        blocked[clause] = True
                        break
                    member += 1
                if not decided and carry:
                    blocked[clause] = True
                if blocked[clause]:
                    any_blocked = True
        any_negated = False
        for index in range(count):
            if negated[index]:
                any_negated = True
        for clause in range(clauses):
            for part in range(width):
                live_clause[clause, part] = clause_bits[clause, part]
        for sentence in range(sentences):
            for part in range(width):
                live_sentence[sentence, part] = sentence_bits[sentence, part]
        for part in range(width):
            live_message[0, part] = message_bits[0, part]
        if any_negated:
            for clause in range(clauses):
                for part in range(width):
                    live_clause[clause, part] = 0
            for sentence in range(sentences):
                for part in range(width):
                    live_sentence[sentence, part] = 0
            for part in range(width):
                live_message[0, part] = 0
            for index in range(count):
                if not negated[index]:
                    token = first_token + index
                    _or_into(live_clause, clause_of[index], token_bits, token)
                    _or_into(live_sentence, sentence_of[index], token_bits, token)
                    _or_into(live_message, 0, token_bits, token)
        # early rules, implications, late rules, implications
        labels = 0
        text_hits = hits
        has_late = False
        for rule in range(rule_count):
            if rules[rule, R_LATE]:
                has_late = True
        for late in range(2 if has_late else 1):
            for index in range(count):
                token = first_token + index
                for rule in range(rule_count):
                    if rules[rule, R_LATE] != late or not _meets(
                        token_bits, token, pool, rules[rule, R_TRIGGER]
                    ):
                        continue
                    if rules[rule, R_REQUIRES] and not rules[rule, R_REQUIRES] & labels:
                        continue
                    if _fires(
                        rule, index, first_token, points, base, classes, count, token_begin,
                        token_end, token_bits, pool, rules, conjunctions, parts, clause_of,
                        sentence_of, initial, negated, blocked, clause_bits, sentence_bits,
                        message_bits, live_clause, live_sentence, live_message,
                    ):
                        labels |= 1 << rules[rule, R_LABEL]
                        if hits == len(hit_code):
                            hit_code = _grown(hit_code)
                            hit_begin = _grown(hit_begin)
                            hit_end = _grown(hit_end)
                        hit_code[hits] = rule
                        hit_begin[hits] = token_begin[token]
                        hit_end[hits] = token_end[token]
                        hits += 1
            for implication in range(implications.shape[0]):
                if_any, add = implications[implication, 0], implications[implication, 1]
                if labels & (1 << add) or not labels & if_any:
                    continue
                source = text_hits
                while not (1 << _label_of(hit_code[source], rules, implications)) & if_any:
                    source += 1
                labels |= 1 << add
                if hits == len(hit_code):
                    hit_code = _grown(hit_code)
                    hit_begin = _grown(hit_begin)
                    hit_end = _grown(hit_end)
                hit_code[hits] = rule_count + implication
                hit_begin[hits] = hit_begin[source]
                hit_end[hits] = hit_end[source]
                hits += 1
        hit_starts[text + 1] = hits
        labels_of[text] = labels
        flags = 0
        if any_blocked:
            flags |= 1
        if labelled:
            flags |= 4
        if labels == 0 and count and sentence_of[0] == 0:
            flags |= _acknowledged(
                points, base, size, classes, token_begin[first_token], token_bits, first_token,
                message_bits, pool, acknowledgements,
            )
        text_flags[text] = flags
        for exemption in range(exemptions.shape[0]):
            trigger = exemptions[exemption, 0]
            for index in range(count):
                if negated[index] or not _meets(token_bits, first_token + index, pool, trigger):
                    continue
                if _present(
                    pool, exemptions[exemption, 1], exemptions[exemption, 2],
                    exemptions[exemption, 3], conjunctions, parts,
                    sentence_bits, sentence_of[index],
                ):
                    continue
                exemption_of[text] = exemption
                break
            if exemption_of[text] >= 0:
                break
        for index in range(count):
            flags = 0
            if negated[index]:
                flags |= 1
            if blocked[clause_of[index]]:
                flags |= 2
            if token_labels[index]:
                flags |= 4
            token_flags[first_token + index] = flags
    return (
        token_flags,
        text_flags,
        labels_of,
        exemption_of,
        hit_starts,
        hit_code[:hits],
        hit_begin[:hits],
        hit_end[:hits],
    )


@njit(cache=True, nogil=True)
def _grown(values: Any) -> Any:  # pragma: no cover - compiled
    bigger = np.empty(2 * len(values), dtype=values.dtype)
    bigger[: len(values)] = values
    return bigger


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
    """``Engine._mark_negation`` for every clause that holds a negator or purpose marker."""
    first = 0
    while first < count:
        last = first
        while last < count and clause_of[last] == clause_of[first]:
            last += 1
        for opener in range(first, last):
            if kind[opener, E_PURPOSE]:
                for member in range(first, last):
                    if token_begin[first_token + member] >= token_end[first_token + opener]:
                        negated[member] = True
        for negator in range(first, last):
            if not kind[negator, E_NEGATOR]:
                continue
            after_labels = 0
            for member in range(first, last):
                if token_begin[first_token + member] >= token_end[first_token + negator]:
                    negated[member] = True
                    after_labels |= token_labels[member]
            for member in range(first, last):
                if token_end[first_token + member] > token_begin[first_token + negator]:
                    continue
                if after_labels and not after_labels & token_labels[member]:
                    continue
                negated[member] = True
        first = last


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
        end = token_end[first_token + opener]
        cursor = end
        colon = False
        while cursor < size and points[base + cursor] in (32, 58, 44):  # " :,"
            if points[base + cursor] == 58:
                colon = True
            cursor += 1
        if cursor < size and points[base + cursor] == 34:  # '"'
            stop = size
            for position in range(cursor + 1, size):
                if points[base + position] == 34:
                    stop = position
                    break
        elif colon:
            stop = size
            for position in range(cursor, size):
                if classes[points[base + position]] & SENTENCE_MARK or (
                    points[base + position] == 46
                    and (position + 1 == size or classes[points[base + position + 1]] & SPACE)
                ):
                    stop = position
                    break
        else:
            continue
        for member in range(count):
            if cursor <= token_begin[first_token + member] < stop:
                negated[member] = True


@njit(cache=True, nogil=True, inline="always")
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
    """``_fires_masks``: not blocked, in context, its needs met."""
    clause = clause_of[index]
    sentence = sentence_of[index]
    if (rules[rule, R_NEGATABLE] and negated[index]) or (rules[rule, R_SPEAKER] and blocked[clause]):
        return False
    if (
        _present(
            pool, rules[rule, R_CLAUSE], rules[rule, R_CLAUSE_ALL], rules[rule, R_CLAUSE_ALLS],
            conjunctions, parts, clause_bits, clause,
        )
        or (
            not _meets(pool, rules[rule, R_EXCEPT], sentence_bits, sentence)
            and _present(
                pool, rules[rule, R_SENTENCE], rules[rule, R_SENTENCE_ALL], rules[rule, R_SENTENCE_ALLS],
                conjunctions, parts, sentence_bits, sentence,
            )
        )
        or _present(
            pool, rules[rule, R_MESSAGE], rules[rule, R_MESSAGE_ALL], rules[rule, R_MESSAGE_ALLS],
            conjunctions, parts, message_bits, 0,
        )
    ):
        return False
    if rules[rule, R_ADJACENT]:
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
                and not (
                    other_start == end + 1 and classes[points[base + end]] & LIST_SEPARATOR
                )
            ):
                return False
            if _meets(pool, rules[rule, R_EARLIER], token_bits, other) and other_end <= start:
                return False
            if _meets(pool, rules[rule, R_PREV], token_bits, other) and start - 2 <= other_end <= start:
                return False
    if rules[rule, R_CONTEXT] and not _meets(pool, rules[rule, R_CONTEXT], live_sentence, sentence):
        return False
    if not (rules[rule, R_NEED] or rules[rule, R_NEED_MESSAGE] or rules[rule, R_INITIAL]):
        return True
    if rules[rule, R_INITIAL] and initial[index]:
        return True
    if rules[rule, R_NEED]:
        scope = rules[rule, R_SCOPE]
        if scope == 0:
            if _meets(pool, rules[rule, R_NEED], live_clause, clause):
                return True
        elif scope == 1:
            if _meets(pool, rules[rule, R_NEED], live_sentence, sentence):
                return True
        elif _meets(pool, rules[rule, R_NEED], live_message, 0):
            return True
    return bool(rules[rule, R_NEED_MESSAGE]) and _meets(pool, rules[rule, R_NEED_MESSAGE], live_message, 0)


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
