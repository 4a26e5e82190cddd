r"""Economic complexity of locations and activities, as the Growth Lab ``ecomplexity``.

From a long location × activity table of one measure (employment, organisations,
exports) this module computes, following Hidalgo & Hausmann (2009) and the
definitions of the Harvard Growth Lab package ``ecomplexity`` (0.5):

* RCA (Balassa): :math:`RCA_{cp} = \frac{x_{cp} / \sum_{p'} x_{cp'}}
  {\sum_{c'} x_{c'p} / \sum_{c'p'} x_{c'p'}}`;
* the binary matrix :math:`M_{cp} = [RCA_{cp} \ge t]`, :math:`t = 1` by default;
* diversity :math:`k_{c,0} = \sum_p M_{cp}` and ubiquity :math:`k_{p,0} = \sum_c M_{cp}`;
* proximity :math:`\phi_{pp'} = \min\{P(M_p | M_{p'}), P(M_{p'} | M_p)\}
  = \sum_c M_{cp} M_{cp'} / \max(k_{p,0}, k_{p',0})`;
* PCI: the eigenvector of :math:`\tilde M_{pp'} = \sum_c M_{cp} M_{cp'} /
  (k_{c,0} k_{p,0})` of the second largest eigenvalue, and ECI the mean PCI of the
  activities present, :math:`k_c = \sum_p M_{cp} k_p / k_{c,0}`; the sign makes ECI
  positively correlated with diversity; ECI is standardised to mean 0 and standard
  deviation 1 over the locations (population standard deviation, ``ddof=0``) and PCI
  with the *same* mean and standard deviation, so that a location's ECI stays the mean
  PCI of its activities;
* relatedness density :math:`d_{cp} = \sum_{p'} M_{cp'} \phi_{pp'} / \sum_{p'}\phi_{pp'}`;
* complexity outlook index :math:`COI_c = \sum_p d_{cp} (1 - M_{cp}) PCI_p`, with the
  un-standardised PCI, then standardised over the locations;
* complexity outlook gain :math:`COG_{cp} = (1 - M_{cp}) \sum_{p'} (1 - M_{cp'})
  \phi_{pp'} PCI_{p'} / \sum_{p''} \phi_{p''p'}`, with the un-standardised PCI, divided
  by the standard deviation of the un-standardised ECI.

Where ``ecomplexity`` leaves a trap, this module is explicit:

* a location with zero diversity (no value at all, or with a threshold above 1 no
  activity with RCA ≥ t) and an activity with zero ubiquity are left out of the
  eigenvector problem; their ECI / PCI, COI, density and COG are empty (``NaN``), the
  ``reason`` column says why, and a :class:`ZeroDiversityWarning` is issued - the
  other locations keep their values (``ecomplexity`` turns every ECI into ``NaN``
  when this happens with a threshold above 1);
* a missing value is treated as zero (as ``ecomplexity`` does) and a
  :class:`ComplexityWarning` counts them; a negative value or a repeated location ×
  activity key raises :class:`~opora.errors.ValidationError`;
* a disconnected location-activity network or a repeated second eigenvalue (the ECI
  is then not unique) issues a :class:`ComplexityWarning`.

The eigenvector is taken from the symmetric form :math:`D_p^{-1/2} M^\top D_c^{-1} M
D_p^{-1/2}` (``numpy.linalg.eigh``), which has the same eigenvalues as
:math:`\tilde M`; every result is invariant to the scale of the eigenvector.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.economy.structure import (
    _ACT,
    _LOC,
    _PER,
    _VAL,
    _prepare,
    _repeated_key,
)
from opora.errors import ComplexityWarning, ValidationError, ZeroDiversityWarning

__all__ = [
    "ComplexityResult",
    "ComplexityWarning",
    "ZeroDiversityWarning",
    "complexity",
    "density",
    "eci_pci",
    "presence",
    "proximity",
    "rca",
    "to_matrix",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Relative gap under which two eigenvalues are taken as equal.
_EIG_TOL = 1e-9


@dataclass(frozen=True)
class ComplexityResult:
    """Everything :func:`complexity` computes, as index-aligned tables.

    Attributes
    ----------
    locations
        One row per location, indexed by location (period × location when a period
        column was given): ``diversity`` (int), ``eci``, ``coi``, ``reason`` (why
        ``eci`` is empty; missing otherwise).
    activities
        One row per activity: ``ubiquity`` (int), ``pci``, ``reason``.
    cells
        One row per location × activity: ``value`` (as used: missing counted as 0),
        ``rca``, ``mcp`` (0/1), ``density``, ``cog``.
    proximity
        Activity × activity proximity matrix (rows indexed by period × activity when a
        period column was given); ``NaN`` for activities with zero ubiquity.
    threshold
        The RCA threshold used for ``mcp``.
    warnings
        The messages of the warnings issued while computing (also issued with
        :func:`warnings.warn`).
    """

    locations: pd.DataFrame
    activities: pd.DataFrame
    cells: pd.DataFrame
    proximity: pd.DataFrame
    threshold: float = 1.0
    warnings: tuple[str, ...] = field(default=())

    @property
    def rejects(self) -> pd.DataFrame:
        """Locations and activities left without ECI / PCI, with the reason.

        Returns
        -------
        pandas.DataFrame
            Columns ``kind`` (``location`` or ``activity``), ``id`` and ``reason``, plus
            the period when there is one.
        """
        parts = []
        for kind, table in (("location", self.locations), ("activity", self.activities)):
            bad = table[table["reason"].notna()]
            frame = bad[["reason"]].reset_index()
            frame = frame.rename(columns={frame.columns[-2]: "id"})
            frame.insert(0, "kind", kind)
            parts.append(frame)
        return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ matrix functions


def to_matrix(
    data: pd.DataFrame,
    *,
    location: str = "oktmo",
    activity: str = "dimension",
    value: str = "value",
) -> pd.DataFrame:
    """Pivot a long location × activity table into a wide matrix.

    Parameters
    ----------
    data
        Long table, one row per location × activity (a single period).
    location, activity, value
        Column names.

    Returns
    -------
    pandas.DataFrame
        Locations as rows, activities as columns, in order of first appearance; a pair
        absent from ``data`` is 0, a missing value stays ``NaN``.

    Raises
    ------
    ValidationError
        When the table cannot be used (see :mod:`opora.economy.structure`).
    """
    prep = _prepare(data, location, activity, value)
    li, locs = pd.factorize(prep[_LOC])
    ai, acts = pd.factorize(prep[_ACT])
    x = np.zeros((len(locs), len(acts)))
    x[li, ai] = prep[_VAL].to_numpy(float)
    return pd.DataFrame(
        x, index=pd.Index(locs, name=location), columns=pd.Index(acts, name=activity)
    )


def rca(matrix: pd.DataFrame) -> pd.DataFrame:
    """Revealed comparative advantage (Balassa) of a location × activity matrix.

    Parameters
    ----------
    matrix
        Non-negative values, locations as rows and activities as columns; ``NaN`` is
        treated as zero.

    Returns
    -------
    pandas.DataFrame
        RCA, same shape; ``NaN`` in the rows and columns whose total is zero.
    """
    return pd.DataFrame(
        _rca(np.nan_to_num(matrix.to_numpy(float))), index=matrix.index, columns=matrix.columns
    )


def presence(rca_matrix: pd.DataFrame, threshold: float = 1.0) -> pd.DataFrame:
    r"""Binary matrix :math:`M_{cp} = [RCA_{cp} \ge t]` (``NaN`` counts as absent).

    Parameters
    ----------
    rca_matrix
        Output of :func:`rca`.
    threshold
        RCA threshold :math:`t`.

    Returns
    -------
    pandas.DataFrame
        0/1 integers, same shape.
    """
    m = (np.nan_to_num(rca_matrix.to_numpy(float)) >= threshold).astype("int64")
    return pd.DataFrame(m, index=rca_matrix.index, columns=rca_matrix.columns)


def proximity(mcp: pd.DataFrame) -> pd.DataFrame:
    """Proximity of activities: the smaller of the two conditional probabilities.

    Parameters
    ----------
    mcp
        Binary location × activity matrix (:func:`presence`).

    Returns
    -------
    pandas.DataFrame
        Activity × activity, 1 on the diagonal; ``NaN`` for activities with zero
        ubiquity.
    """
    m = mcp.to_numpy(float)
    ubi = m.sum(axis=0)
    phi = np.full((m.shape[1], m.shape[1]), np.nan)
    vp = ubi > 0
    phi[np.ix_(vp, vp)] = _proximity(m[:, vp], ubi[vp])
    return pd.DataFrame(phi, index=mcp.columns, columns=mcp.columns)


def density(mcp: pd.DataFrame, proximity_matrix: pd.DataFrame) -> pd.DataFrame:
    r"""Relatedness density of every location × activity.

    Parameters
    ----------
    mcp
        Binary location × activity matrix.
    proximity_matrix
        Output of :func:`proximity` on the same activities.

    Returns
    -------
    pandas.DataFrame
        :math:`d_{cp} = \sum_{p'} M_{cp'} \phi_{pp'} / \sum_{p'} \phi_{pp'}`, same
        shape as ``mcp``; ``NaN`` in the columns of activities with zero ubiquity.
    """
    phi = proximity_matrix.reindex(index=mcp.columns, columns=mcp.columns).to_numpy(float)
    vp = ~np.isnan(np.diag(phi))
    m = mcp.to_numpy(float)
    d = np.full(m.shape, np.nan)
    d[:, vp] = _density(m[:, vp], phi[np.ix_(vp, vp)])
    return pd.DataFrame(d, index=mcp.index, columns=mcp.columns)


def eci_pci(mcp: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """ECI of the locations and PCI of the activities of a binary matrix.

    Parameters
    ----------
    mcp
        Binary location × activity matrix (:func:`presence`).

    Returns
    -------
    tuple of pandas.Series
        ``eci`` (indexed by location) and ``pci`` (indexed by activity), standardised as
        described in the module docstring; empty (``NaN``) for zero diversity or
        ubiquity, with a :class:`ZeroDiversityWarning`.
    """
    m = mcp.to_numpy(float)
    core = _core_from_mcp(
        m,
        np.ones(m.shape[0], bool),
        np.ones(m.shape[1], bool),
        1.0,
        mcp.index,
        mcp.columns,
    )
    _emit(core["warnings"])
    return (
        pd.Series(core["eci"], index=mcp.index, name="eci"),
        pd.Series(core["pci"], index=mcp.columns, name="pci"),
    )


# ------------------------------------------------------------------------- numpy core


def _rca(x: FloatArray) -> FloatArray:
    row = x.sum(axis=1)
    col = x.sum(axis=0)
    total = col.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (x / row[:, None]) / (col / total)[None, :]
    return out


def _proximity(m: FloatArray, ubi: FloatArray) -> FloatArray:
    phi = (m.T @ m) / ubi[None, :]
    out: FloatArray = np.minimum(phi, phi.T)
    return out


def _density(m: FloatArray, phi: FloatArray) -> FloatArray:
    out: FloatArray = (m @ phi.T) / phi.sum(axis=1)[None, :]
    return out


def _corr_sign(a: FloatArray, b: FloatArray) -> float:
    """Sign of the Pearson correlation of ``a`` and ``b``; 0 when undefined."""
    a0 = a - a.mean()
    b0 = b - b.mean()
    return float(np.sign(a0 @ b0)) if a0.any() and b0.any() else 0.0


def _some(labels: Sequence[Hashable] | pd.Index | None, mask: BoolArray, n: int = 5) -> str:
    """Return up to ``n`` labels where ``mask`` holds, for a warning message."""
    if labels is None:
        return ""
    hit = [str(labels[i]) for i in np.flatnonzero(mask)[:n]]
    more = ", ..." if int(mask.sum()) > n else ""
    return " (" + ", ".join(hit) + more + ")"


def _core_from_mcp(
    m: FloatArray,
    has_value: BoolArray,
    act_value: BoolArray,
    threshold: float,
    loc_labels: Sequence[Hashable] | pd.Index | None = None,
    act_labels: Sequence[Hashable] | pd.Index | None = None,
) -> dict[str, Any]:
    """ECI, PCI, density, COI and COG of a binary matrix; explicit empties and warnings."""
    n_loc, n_act = m.shape
    div = m.sum(axis=1)
    ubi = m.sum(axis=0)
    vl = div > 0
    vp = ubi > 0
    msgs: list[tuple[type[Warning], str]] = []
    loc_reason = np.full(n_loc, None, dtype=object)
    act_reason = np.full(n_act, None, dtype=object)
    loc_reason[~vl & ~has_value] = "no value: the total is zero or every value is missing"
    loc_reason[~vl & has_value] = f"zero diversity: no activity with RCA >= {threshold:g}"
    act_reason[~vp & ~act_value] = "no value: no location has this activity"
    act_reason[~vp & act_value] = f"zero ubiquity: no location with RCA >= {threshold:g}"
    eci = np.full(n_loc, np.nan)
    pci = np.full(n_act, np.nan)
    coi = np.full(n_loc, np.nan)
    dens = np.full((n_loc, n_act), np.nan)
    cog = np.full((n_loc, n_act), np.nan)
    phi_full = np.full((n_act, n_act), np.nan)
    if (~vl).any():
        msgs.append(
            (
                ZeroDiversityWarning,
                f"{int((~vl).sum())} location(s) with zero diversity"
                f"{_some(loc_labels, ~vl)}: ECI left empty (see `reason`)",
            )
        )
    if (~vp).any():
        msgs.append(
            (
                ZeroDiversityWarning,
                f"{int((~vp).sum())} activit(y/ies) with zero ubiquity"
                f"{_some(act_labels, ~vp)}: PCI left empty (see `reason`)",
            )
        )
    mv = m[np.ix_(vl, vp)]
    d = div[vl]
    u = ubi[vp]
    phi = _proximity(m[:, vp], u) if vp.any() else np.empty((0, 0))
    phi_full[np.ix_(vp, vp)] = phi
    if vl.sum() < 2 or vp.sum() < 2:
        text = "fewer than two locations with diversity > 0 or activities with ubiquity > 0"
        loc_reason[vl] = f"no complexity: {text}"
        act_reason[vp] = f"no complexity: {text}"
        msgs.append((ZeroDiversityWarning, f"ECI and PCI cannot be computed: {text}"))
        return _pack(eci, pci, coi, dens, cog, phi_full, div, ubi, loc_reason, act_reason, msgs)
    a = mv / np.sqrt(d)[:, None] / np.sqrt(u)[None, :]
    w, v = np.linalg.eigh(a.T @ a)
    kp = v[:, -2] / np.sqrt(u)
    kc = (mv @ kp) / d
    if w[-2] > w[-1] * (1 - _EIG_TOL):
        msgs.append(
            (
                ComplexityWarning,
                "the location-activity network is disconnected: ECI separates its parts",
            )
        )
    elif len(w) > 2 and abs(w[-2] - w[-3]) <= _EIG_TOL * max(1.0, abs(w[-2])):
        msgs.append(
            (ComplexityWarning, "the second eigenvalue is repeated: ECI and PCI are not unique")
        )
    sign = _corr_sign(d, kc)
    if sign == 0:
        sign = _corr_sign(-u, kp)
        msgs.append(
            (
                ComplexityWarning,
                "diversity is the same for every location: the sign of ECI follows "
                "PCI's negative correlation with ubiquity",
            )
        )
    sign = sign or 1.0
    eci_raw = sign * kc
    pci_raw = sign * kp
    mean = eci_raw.mean()
    sd = eci_raw.std()
    if not sd > 0:
        loc_reason[vl] = "ECI undefined: every location has the same complexity"
        act_reason[vp] = "PCI undefined: every location has the same complexity"
        msgs.append((ComplexityWarning, "ECI has zero variance; left empty"))
        return _pack(eci, pci, coi, dens, cog, phi_full, div, ubi, loc_reason, act_reason, msgs)
    eci[vl] = (eci_raw - mean) / sd
    pci[vp] = (pci_raw - mean) / sd
    m_all = m[:, vp]
    dv = _density(m_all, phi)
    not_m = 1.0 - m_all
    coi_raw = ((dv * not_m) * pci_raw[None, :]).sum(axis=1)
    coi_v = coi_raw[vl]
    coi_sd = coi_v.std()
    coi[vl] = (coi_v - coi_v.mean()) / coi_sd if coi_sd > 0 else np.nan
    cog_raw = not_m * (not_m @ (phi * (pci_raw / phi.sum(axis=1))[:, None]))
    dens[np.ix_(vl, vp)] = dv[vl]
    cog[np.ix_(vl, vp)] = cog_raw[vl] / sd
    return _pack(eci, pci, coi, dens, cog, phi_full, div, ubi, loc_reason, act_reason, msgs)


def _pack(
    eci: FloatArray,
    pci: FloatArray,
    coi: FloatArray,
    dens: FloatArray,
    cog: FloatArray,
    phi: FloatArray,
    div: FloatArray,
    ubi: FloatArray,
    loc_reason: npt.NDArray[np.object_],
    act_reason: npt.NDArray[np.object_],
    msgs: list[tuple[type[Warning], str]],
) -> dict[str, Any]:
    return {
        "eci": eci,
        "pci": pci,
        "coi": coi,
        "density": dens,
        "cog": cog,
        "proximity": phi,
        "diversity": div,
        "ubiquity": ubi,
        "loc_reason": loc_reason,
        "act_reason": act_reason,
        "warnings": msgs,
    }


def _emit(msgs: Sequence[tuple[type[Warning], str]], prefix: str = "") -> None:
    for cls, text in msgs:
        warnings.warn(prefix + text, cls, stacklevel=3)


# ------------------------------------------------------------------------ main entry


def complexity(
    data: pd.DataFrame,
    *,
    location: str = "oktmo",
    activity: str = "dimension",
    value: str = "value",
    period: str | None = None,
    threshold: float = 1.0,
) -> ComplexityResult:
    """Economic complexity of the locations and activities of a long table.

    Parameters
    ----------
    data
        Long table, one row per location × activity (× period) with a non-negative
        value (employment, number of organisations, exports); a pair that is absent
        counts as zero.
    location, activity, value
        Column names.
    period
        Column of periods; every period is computed on its own.
    threshold
        RCA threshold of the binary matrix (1 by default).

    Returns
    -------
    ComplexityResult
        Tables of locations (diversity, ECI, COI), activities (ubiquity, PCI), cells
        (value, RCA, M, density, COG) and the proximity matrix. Definitions, sign and
        standardisation: see the module docstring.

    Raises
    ------
    ValidationError
        When the table cannot be used: missing column, non-numeric or negative value,
        row without a key, repeated location × activity (× period), a non-positive
        ``threshold``.

    Warns
    -----
    ZeroDiversityWarning
        When a location has zero diversity or an activity zero ubiquity (their ECI /
        PCI are empty and ``reason`` says why).
    ComplexityWarning
        When values are missing (treated as zero) or the ECI is not unique.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({
    ...     "oktmo": ["a", "a", "a", "b", "b", "c", "c", "d"],
    ...     "dimension": ["C", "J", "P", "C", "P", "J", "P", "P"],
    ...     "value": [50.0, 30.0, 20.0, 30.0, 70.0, 10.0, 90.0, 100.0]})
    >>> res = complexity(t)
    >>> res.locations["diversity"].tolist()
    [2, 2, 2, 1]
    >>> res.activities["pci"].round(2).tolist()
    [1.41, 1.41, -1.41]
    """
    if not (np.isfinite(threshold) and threshold > 0):
        msg = f"`threshold` must be a positive number; got {threshold!r}"
        raise ValidationError(msg)
    prep = _prepare(data, location, activity, value, period, check_unique=False)
    msgs: list[tuple[type[Warning], str]] = []
    locs_out: list[pd.DataFrame] = []
    acts_out: list[pd.DataFrame] = []
    cells_out: list[pd.DataFrame] = []
    prox_out: list[pd.DataFrame] = []
    loc_codes, loc_labels = pd.factorize(prep[_LOC])
    act_codes, act_labels = pd.factorize(prep[_ACT])
    values = prep[_VAL].to_numpy(float)
    if period is None:
        groups: list[tuple[Hashable, npt.NDArray[np.bool_] | None]] = [(None, None)]
    else:
        per_codes, per_values = pd.factorize(prep[_PER], sort=True)
        groups = [(p, per_codes == i) for i, p in enumerate(per_values)]
    for per, mask in groups:
        prefix = "" if per is None else f"{period} {per}: "
        lc = loc_codes if mask is None else loc_codes[mask]
        ac = act_codes if mask is None else act_codes[mask]
        loc_present, li = np.unique(lc, return_inverse=True)
        act_present, ai = np.unique(ac, return_inverse=True)
        locs = loc_labels.take(loc_present)
        acts = act_labels.take(act_present)
        key = li.astype(np.int64) * len(acts) + ai
        counts = np.bincount(key, minlength=len(locs) * len(acts))
        if counts.max(initial=0) > 1:
            part = prep if mask is None else prep[mask]
            _repeated_key(part, counts[key] > 1, location, activity, period)
        raw = values if mask is None else values[mask]
        missing = np.isnan(raw)
        if missing.any():
            msgs.append(
                (
                    ComplexityWarning,
                    f"{prefix}{int(missing.sum())} values missing (suppressed or not "
                    "reported) were treated as zero, as ecomplexity does",
                )
            )
        x = np.zeros((len(locs), len(acts)))
        x[li, ai] = np.where(missing, 0.0, raw)
        r = _rca(x)
        m = (np.nan_to_num(r) >= threshold).astype(float)
        core = _core_from_mcp(m, x.sum(axis=1) > 0, x.sum(axis=0) > 0, threshold, locs, acts)
        msgs.extend((cls, prefix + text) for cls, text in core["warnings"])
        loc_idx = pd.Index(locs, name=location)
        act_idx = pd.Index(acts, name=activity)
        lt = pd.DataFrame(
            {
                "diversity": core["diversity"].astype("int64"),
                "eci": core["eci"],
                "coi": core["coi"],
                "reason": pd.array(core["loc_reason"], dtype="string"),
            },
            index=loc_idx,
        )
        at = pd.DataFrame(
            {
                "ubiquity": core["ubiquity"].astype("int64"),
                "pci": core["pci"],
                "reason": pd.array(core["act_reason"], dtype="string"),
            },
            index=act_idx,
        )
        ct = pd.DataFrame(
            {
                "value": x.ravel(),
                "rca": r.ravel(),
                "mcp": m.ravel().astype("int64"),
                "density": core["density"].ravel(),
                "cog": core["cog"].ravel(),
            },
            index=pd.MultiIndex.from_product([loc_idx, act_idx]),
        )
        pt = pd.DataFrame(core["proximity"], index=act_idx, columns=act_idx)
        if per is not None:
            lt, at, ct, pt = (pd.concat({per: t}, names=[period]) for t in (lt, at, ct, pt))
        locs_out.append(lt)
        acts_out.append(at)
        cells_out.append(ct)
        prox_out.append(pt)
    _emit(msgs)

    def _cat(parts: list[pd.DataFrame]) -> pd.DataFrame:
        return parts[0] if len(parts) == 1 else pd.concat(parts)

    return ComplexityResult(
        locations=_cat(locs_out),
        activities=_cat(acts_out),
        cells=_cat(cells_out),
        proximity=_cat(prox_out),
        threshold=float(threshold),
        warnings=tuple(text for _, text in msgs),
    )
