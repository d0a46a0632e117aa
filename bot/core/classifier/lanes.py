"""Exact, order-free sums of per-label weights: fixed-point integers packed into one int.

The learned step adds up one weight per label for every feature of a message. Summed as floats,
the result depends on the order of the terms, and the features come out of sets whose order
follows the hash seed: a score could read 0.9999999999999998 in one process and 1.0 in the next,
and flip a label at a threshold of 1.0. So the weights are held as integers in millionths
(:data:`SCALE`; the weights file keeps three decimals, so this is exact) and integer sums do not
depend on order.

To add all six labels at once, a row of per-label integers is packed into one Python integer,
label ``i`` in bits ``i * LANE_BITS`` upwards (two's complement across lanes). Adding packed rows
adds every lane; as long as no lane's true sum leaves ``±2**(LANE_BITS - 1)`` the lanes can be
read back exactly. :data:`MAX_WEIGHT` bounds one weight so that any message the engine analyses
stays far inside that range.
"""

from __future__ import annotations

from collections.abc import Sequence

SCALE = 1_000_000
"""Weights are held as integers in millionths."""
LANE_BITS = 96
"""Bits per label in a packed row: room for 2**95 / (MAX_WEIGHT * SCALE) ≈ 4e15 features."""
MAX_WEIGHT = 10_000.0
"""The largest absolute weight (or threshold) a weights file may hold."""
_MASK = (1 << LANE_BITS) - 1
_SIGN = 1 << (LANE_BITS - 1)


def to_fixed(value: float) -> int:
    """``value`` in millionths, rounded to the nearest one."""
    return round(value * SCALE)


def pack(row: Sequence[int]) -> int:
    """One integer holding every value of ``row`` in its own lane."""
    return sum(value << (LANE_BITS * index) for index, value in enumerate(row))


def unpack(total: int, lanes: int) -> list[int]:
    """The ``lanes`` signed values of a packed integer (or of a sum of packed integers)."""
    # Adding 2**(LANE_BITS - 1) to every lane makes each lane's value non-negative and below
    # 2**LANE_BITS, so no lane borrows from the next: each is read off by one shift and mask.
    biased = total + _bias(lanes)
    return [((biased >> shift) & _MASK) - _SIGN for shift in _SHIFTS[:lanes]]


_SHIFTS = tuple(range(0, 64 * LANE_BITS, LANE_BITS))
_BIASES: dict[int, int] = {}


def _bias(lanes: int) -> int:
    bias = _BIASES.get(lanes)
    if bias is None:
        if lanes > len(_SHIFTS):
            raise ValueError(f"at most {len(_SHIFTS)} lanes, not {lanes}")
        bias = _BIASES[lanes] = pack([_SIGN] * lanes)
    return bias
