"""Threshold comparisons of the typology, tolerant of floating-point noise."""

from __future__ import annotations

__all__ = ["TOL", "at_least", "at_most"]

#: Relative tolerance of the threshold comparisons (a value equal to the threshold up
#: to floating-point noise counts as equal).
TOL = 1e-9


def at_least(x: float, t: float) -> bool:
    """Tell whether ``x ≥ t``, a value equal to ``t`` up to :data:`TOL` included."""
    return x >= t - TOL * max(1.0, abs(t))


def at_most(x: float, t: float) -> bool:
    """Tell whether ``x ≤ t``, a value equal to ``t`` up to :data:`TOL` included."""
    return x <= t + TOL * max(1.0, abs(t))
