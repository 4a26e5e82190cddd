"""Threshold comparisons tolerant of floating-point noise."""

from __future__ import annotations

from opora.typology._compare import at_least, at_most


def test_equal_up_to_noise_counts_as_equal() -> None:
    assert at_least(0.1 + 0.2, 0.3)
    assert at_most(0.1 + 0.2, 0.3)
    assert at_least(29.999999999999, 30.0)
    assert not at_least(29.99, 30.0)
    assert not at_most(30.01, 30.0)
    assert at_most(50_000.0, 50_000)
