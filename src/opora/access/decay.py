"""Distance-decay weights of the accessibility measures (:mod:`opora.access.measures`).

Each function returns a vectorised weight of travel cost (a :data:`DecayFunction`): it
takes an array of costs in minutes and returns weights >= 0, for the E2SFCA and gravity
measures. The parameters are checked when the function is made, not when it is called.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from opora.errors import ValidationError

__all__ = [
    "LUO_QI_STEPS",
    "DecayFunction",
    "exponential_decay",
    "gaussian_decay",
    "power_decay",
    "step_decay",
]

FloatArray = npt.NDArray[np.float64]

#: A vectorised weight of travel cost: takes an array of costs, returns weights (>= 0).
DecayFunction = Callable[[FloatArray], FloatArray]

#: Stepwise weights of Luo & Qi (2009), the default of PySAL ``access`` E2SFCA:
#: weight 1 up to 10 minutes, 0.68 up to 20, 0.22 up to 30, 0 beyond.
LUO_QI_STEPS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))


def _check_positive(value: float, name: str, unit: str = "", *, zero: bool = False) -> None:
    """Refuse a non-finite ``value``, or one ``<= 0`` (``< 0`` with ``zero``)."""
    if not (math.isfinite(value) and (value >= 0 if zero else value > 0)):
        kind = "a non-negative" if zero else "a positive"
        msg = f"`{name}` must be {kind} number{unit}, got {value!r}"
        raise ValidationError(msg)


def step_decay(steps: Sequence[tuple[float, float]]) -> DecayFunction:
    """Return a stepwise weight function.

    A cost ``d`` gets the weight of the first band whose upper bound is ``>= d`` (a cost
    equal to a bound belongs to that band); beyond the last bound the weight is 0. This
    is ``access.weights.step_fn(dict(steps))``.

    Parameters
    ----------
    steps
        ``(upper_bound_minutes, weight)`` pairs, in any order; bounds distinct and
        non-negative, weights non-negative.

    Returns
    -------
    DecayFunction
        The weight function.

    Raises
    ------
    ValidationError
        If ``steps`` is empty or holds a negative, repeated or non-finite value.

    Examples
    --------
    >>> import numpy as np
    >>> step_decay([(20, 1.0), (40, 0.68), (60, 0.22)])(np.array([0.0, 20, 30, 60, 70]))
    array([1.  , 1.  , 0.68, 0.22, 0.  ])
    """
    pairs = sorted((float(b), float(w)) for b, w in steps)
    if not pairs:
        msg = "`steps` is empty; give (upper_bound_minutes, weight) pairs such as (10, 1.0)"
        raise ValidationError(msg)
    bounds = np.array([b for b, _ in pairs], dtype=np.float64)
    weights = np.array([w for _, w in pairs] + [0.0], dtype=np.float64)
    if not (np.isfinite(bounds).all() and np.isfinite(weights).all()):
        msg = f"`steps` must hold finite numbers, got {pairs}"
        raise ValidationError(msg)
    if (bounds < 0).any() or (weights < 0).any():
        msg = f"`steps` bounds and weights must be >= 0, got {pairs}"
        raise ValidationError(msg)
    if np.unique(bounds).size != bounds.size:
        msg = f"`steps` repeats an upper bound: {pairs}; give each bound once"
        raise ValidationError(msg)

    def weight(cost: FloatArray) -> FloatArray:
        out: FloatArray = weights[np.searchsorted(bounds, cost, side="left")]
        return out

    return weight


def gaussian_decay(sigma: float) -> DecayFunction:
    """Return the Gaussian weight ``exp(-d**2 / (2 * sigma**2))``.

    The weight is 1 at cost 0 and is not normalised, as ``access.weights.gaussian``.

    Parameters
    ----------
    sigma
        Width in minutes (> 0).

    Returns
    -------
    DecayFunction
        The weight function.

    Raises
    ------
    ValidationError
        If ``sigma`` is not a positive finite number.
    """
    _check_positive(sigma, "sigma", " of minutes")

    def weight(cost: FloatArray) -> FloatArray:
        out: FloatArray = np.exp(-cost * cost / (2 * sigma**2))
        return out

    return weight


def power_decay(beta: float, *, scale: float = 1.0, min_cost: float = 0.0) -> DecayFunction:
    """Return the power (gravity) weight ``(max(d, min_cost) / scale) ** -beta``.

    This is ``access.weights.gravity(scale, alpha=-beta, min_dist=min_cost)``. A cost of
    0 has an infinite weight unless ``min_cost > 0``; the measures refuse infinite
    weights, so set ``min_cost`` (for example 1 minute) when ``costs`` holds zeros.

    Parameters
    ----------
    beta
        Decay exponent (> 0).
    scale
        Cost at which the weight is 1 (> 0).
    min_cost
        Costs below it are raised to it (>= 0).

    Returns
    -------
    DecayFunction
        The weight function.

    Raises
    ------
    ValidationError
        If a parameter is out of range.
    """
    _check_positive(beta, "beta")
    _check_positive(scale, "scale", " of minutes")
    _check_positive(min_cost, "min_cost", " of minutes", zero=True)

    def weight(cost: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            out: FloatArray = np.power(np.maximum(cost, min_cost) / scale, -beta)
        return out

    return weight


def exponential_decay(beta: float) -> DecayFunction:
    """Return the negative exponential weight ``exp(-beta * d)``.

    Parameters
    ----------
    beta
        Decay rate per minute (> 0).

    Returns
    -------
    DecayFunction
        The weight function.

    Raises
    ------
    ValidationError
        If ``beta`` is not a positive finite number.
    """
    _check_positive(beta, "beta")

    def weight(cost: FloatArray) -> FloatArray:
        out: FloatArray = np.exp(-beta * cost)
        return out

    return weight
