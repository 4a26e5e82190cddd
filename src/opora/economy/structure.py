"""Structure and specialisation of local economies: LQ, diversification, shift-share.

Every function takes a *long* table, one row per location × activity (× period), with
the value of one measure (employment, wage bill or number of organisations) in a
numeric column, and returns a table aligned with it or one row per location:

``location``
    Column of location ids (OKTMO codes, region names); compared as given, so read
    codes as text.
``activity``
    Column of activities (OKVED section letters, section names).
``value``
    Column of non-negative values; ``NaN`` is a value that is not known (suppressed by
    the statistics office for confidentiality, not reported), never zero.
``period``
    Optional column of periods (years); every output is computed within a period.

The tables are checked in one place (:func:`_prepare`): a missing column, a value that
is not a number, a negative value, a row without location or activity, or a location ×
activity × period key that appears twice raises :class:`~opora.errors.ValidationError`
naming the column and the first offending key.

An indicator that cannot be computed is ``NaN`` and the ``reason`` column of the same
row says why; ``reason`` is missing where the indicator was computed. Nothing is left
out silently.

Helpers build such long tables from opora's own sources:
:func:`employment_by_section` (employment of large and medium organisations by OKVED
section from the indicators table) and :func:`org_stats_sections` (organisations by
region and OKVED section from the Rosstat export read by
:func:`~opora.io.rosstat.read_org_stats_export`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal, NoReturn, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.errors import EconomyWarning, ValidationError

__all__ = [
    "MEASURES",
    "EconomyWarning",
    "Measure",
    "diversification",
    "employment_by_section",
    "location_quotients",
    "org_stats_sections",
    "shift_share",
    "simplification",
]

FloatArray = npt.NDArray[np.float64]

#: What the values of a location × activity table measure.
Measure = Literal["employment", "wage_bill", "organisations"]

#: Each :data:`Measure` with the words written into the outputs.
MEASURES: dict[str, str] = {
    "employment": "employment (people)",
    "wage_bill": "wage bill (rubles)",
    "organisations": "number of organisations",
}

#: Internal column names of a prepared table.
_LOC, _ACT, _PER, _VAL = "_loc", "_act", "_per", "_val"
_NO_PERIOD = "_all"


# --------------------------------------------------------------------------- checks


def _prepare(
    data: pd.DataFrame,
    location: str,
    activity: str,
    value: str,
    period: str | None = None,
    *,
    check_unique: bool = True,
) -> pd.DataFrame:
    """Check a long table and return its keys and values under internal names.

    Parameters
    ----------
    data
        Long table.
    location, activity, value, period
        Column names.
    check_unique
        Check that no location × activity × period key repeats (callers that check it
        on integer codes themselves pass False).

    Returns
    -------
    pandas.DataFrame
        Columns ``_loc``, ``_act``, ``_per`` (``"_all"`` without a period) and ``_val``
        (float64), with the index of ``data``.

    Raises
    ------
    ValidationError
        On a missing column, non-numeric or negative values, rows without a key or
        repeated keys.
    """
    need = [location, activity, value] + ([period] if period is not None else [])
    have = [str(c) for c in data.columns]
    for col in need:
        if col not in data.columns:
            shown = ", ".join(have[:12]) + (" ..." if len(have) > 12 else "")
            msg = f"column `{col}` is not in the table; it has: {shown}"
            raise ValidationError(msg)
    raw = data[value]
    if pd.api.types.is_bool_dtype(raw) or not pd.api.types.is_numeric_dtype(raw):
        number = pd.to_numeric(raw, errors="coerce")
        bad = number.isna() & raw.notna()
        if bad.any() or pd.api.types.is_bool_dtype(raw):
            first = raw[bad].iloc[0] if bad.any() else raw.iloc[0]
            msg = (
                f"column `{value}` must hold numbers; found {first!r} "
                f"({int(bad.sum())} values are not numbers)"
            )
            raise ValidationError(msg)
        raw = number
    val = raw.astype("float64")
    if np.isinf(val.to_numpy()).any():
        msg = f"column `{value}` holds infinite values; fix them or set them to missing"
        raise ValidationError(msg)
    negative = (val < 0).to_numpy()
    if negative.any():
        where = data.index[negative][0]
        msg = (
            f"column `{value}` holds {int(negative.sum())} negative values (first at row "
            f"{where!r}: {val[negative].iloc[0]}); a location × activity measure cannot be "
            "negative"
        )
        raise ValidationError(msg)
    out = pd.DataFrame(
        {
            _LOC: data[location],
            _ACT: data[activity],
            _PER: data[period] if period is not None else _NO_PERIOD,
            _VAL: val,
        },
        index=data.index,
    )
    for col, name in ((_LOC, location), (_ACT, activity), (_PER, period)):
        if name is None:
            continue
        nokey = out[col].isna().to_numpy()
        if nokey.any():
            msg = (
                f"column `{name}` is missing in {int(nokey.sum())} rows (first at row "
                f"{data.index[nokey][0]!r}); every row needs a {name}"
            )
            raise ValidationError(msg)
    if check_unique:
        dup = out.duplicated([_PER, _LOC, _ACT], keep=False).to_numpy()
        if dup.any():
            _repeated_key(out, dup, location, activity, period)
    return out


def _repeated_key(
    prep: pd.DataFrame, dup: npt.NDArray[np.bool_], location: str, activity: str, period: str | None
) -> NoReturn:
    """Raise :class:`ValidationError` naming the first repeated key of a prepared table."""
    first = prep[dup].iloc[0]
    key = f"{location}={first[_LOC]!r}, {activity}={first[_ACT]!r}"
    if period is not None:
        key += f", {period}={first[_PER]!r}"
    hint = "" if period is not None else "; pass `period` if the table holds several periods"
    msg = f"{int(dup.sum())} rows repeat a key ({key}); aggregate them first{hint}"
    raise ValidationError(msg)


def _check_measure(measure: str) -> str:
    if measure not in MEASURES:
        msg = f"`measure` must be one of {', '.join(get_args(Measure))}; got {measure!r}"
        raise ValidationError(msg)
    return MEASURES[measure]


def _reason(frame: pd.DataFrame, rules: list[tuple[npt.ArrayLike, str]]) -> pd.Series:
    """Return the first reason whose condition holds, row by row (missing otherwise)."""
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    for cond, text in rules:
        hit = np.asarray(cond, dtype=bool) & out.isna().to_numpy()
        out[hit] = text
    return out


def _keyed_series(
    values: pd.Series, name: str, levels: list[str], arg: str
) -> tuple[pd.Series, list[str]]:
    """Return ``values`` re-keyed by internal level names, checking its index depth."""
    idx = values.index
    if idx.nlevels != len(levels):
        want = " × ".join(levels)
        msg = f"`{arg}` must be indexed by {want} ({len(levels)} levels); it has {idx.nlevels}"
        raise ValidationError(msg)
    s = pd.Series(pd.to_numeric(values, errors="coerce").to_numpy(float), index=idx, name=name)
    if s.index.has_duplicates:
        msg = f"`{arg}` has repeated index values; give one value per key"
        raise ValidationError(msg)
    s.index = s.index.set_names(levels)
    return s, levels


def _reference(
    prep: pd.DataFrame, reference: pd.Series | None, has_period: bool
) -> tuple[pd.Series, pd.Series]:
    """Return activity totals (by ``_per, _act``) and grand totals (by ``_per``).

    Without ``reference`` they are the sums of the known values of the table.
    """
    if reference is None:
        ref_act = prep.groupby([_PER, _ACT], sort=False)[_VAL].sum()
    else:
        levels = [_PER, _ACT] if has_period else [_ACT]
        s, _ = _keyed_series(reference, "_ref", levels, "reference")
        if not has_period:
            s = pd.concat({_NO_PERIOD: s}, names=[_PER])
        ref_act = s.dropna()
    ref_act = ref_act.rename("_ref_act")
    ref_tot = ref_act.groupby(level=_PER, sort=False).sum().rename("_ref_tot")
    return ref_act, ref_tot


def _location_totals(prep: pd.DataFrame, totals: pd.Series | None, has_period: bool) -> pd.Series:
    """Return location totals by ``_per, _loc``: given ``totals`` or the known sums."""
    if totals is None:
        return prep.groupby([_PER, _LOC], sort=False)[_VAL].sum().rename("_loc_tot")
    levels = [_PER, _LOC] if has_period else [_LOC]
    s, _ = _keyed_series(totals, "_loc_tot", levels, "totals")
    if not has_period:
        s = pd.concat({_NO_PERIOD: s}, names=[_PER])
    return s


def _lq_frame(
    prep: pd.DataFrame,
    reference: pd.Series | None,
    totals: pd.Series | None,
    has_period: bool,
) -> pd.DataFrame:
    """Add ``share``, ``reference_share``, ``lq`` and ``reason`` to a prepared table."""
    ref_act, ref_tot = _reference(prep, reference, has_period)
    loc_tot = _location_totals(prep, totals, has_period)
    f = prep.join(loc_tot, on=[_PER, _LOC]).join(ref_act, on=[_PER, _ACT])
    f = f.join(ref_tot, on=_PER)
    val = f[_VAL].to_numpy(float)
    lt = f["_loc_tot"].to_numpy(float)
    ra = f["_ref_act"].to_numpy(float)
    rt = f["_ref_tot"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(lt > 0, val / lt, np.nan)
        ref_share = np.where(rt > 0, ra / rt, np.nan)
        lq = np.where(ref_share > 0, share / ref_share, np.nan)
    f["share"] = share
    f["reference_share"] = ref_share
    f["lq"] = lq
    f["reason"] = _reason(
        f,
        [
            (np.isnan(val), "value missing (suppressed or not reported)"),
            (np.isnan(lt), "location total unknown"),
            (lt == 0, "location total is zero: no activity to compare"),
            (np.isnan(ra), "activity not in the reference"),
            (np.isnan(rt) | (rt == 0), "reference total is zero"),
            (ra == 0, "activity absent from the reference (reference share is zero)"),
            (np.isnan(lq), "location quotient undefined"),
        ],
    )
    return f


# ----------------------------------------------------------------------------- LQ


def location_quotients(
    data: pd.DataFrame,
    *,
    location: str = "oktmo",
    activity: str = "dimension",
    value: str = "value",
    period: str | None = None,
    measure: Measure = "employment",
    reference: pd.Series | None = None,
    totals: pd.Series | None = None,
) -> pd.DataFrame:
    r"""Location quotient of every location × activity row.

    .. math::

        LQ_{ia} = \frac{x_{ia} / x_i}{X_a / X}

    with :math:`x_{ia}` the value of activity :math:`a` in location :math:`i`,
    :math:`x_i` the location total, :math:`X_a` the reference total of the activity and
    :math:`X = \sum_a X_a`. By default :math:`x_i` is the sum of the location's known
    values and :math:`X_a` the sum of the activity over every location of the table
    (within a period). An LQ above 1 marks a specialisation.

    Parameters
    ----------
    data
        Long table, one row per location × activity (× period).
    location, activity, value
        Column names.
    period
        Column of periods, if the table holds several; LQs are computed per period.
    measure
        What the values are: ``"employment"``, ``"wage_bill"`` or ``"organisations"``;
        written into the ``measure`` column so that the output says what the LQ is of.
    reference
        Reference totals by activity (for example the national employment by OKVED
        section), indexed by activity, or by period × activity when ``period`` is
        given. Default: the table itself.
    totals
        Location totals (for example the total employment of a municipality, when some
        sections are suppressed), indexed by location, or by period × location.
        Default: the sum of the location's known values.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``; columns ``share`` (:math:`x_{ia}/x_i`),
        ``reference_share`` (:math:`X_a/X`), ``lq``, ``measure`` and ``reason`` (why
        ``lq`` is ``NaN``; missing otherwise).

    Raises
    ------
    ValidationError
        When the table or the options cannot be used.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"oktmo": ["a", "a", "b", "b"], "dimension": ["C", "P"] * 2,
    ...                   "value": [30.0, 10.0, 10.0, 50.0]})
    >>> location_quotients(t)["lq"].round(3).tolist()
    [1.875, 0.417, 0.417, 1.389]
    """
    label = _check_measure(measure)
    prep = _prepare(data, location, activity, value, period)
    f = _lq_frame(prep, reference, totals, period is not None)
    out = f[["share", "reference_share", "lq"]].copy()
    out["measure"] = pd.Series(label, index=out.index, dtype="string")
    out["reason"] = f["reason"]
    out.attrs["measure"] = measure
    return out


# ------------------------------------------------------------------ diversification


def diversification(
    data: pd.DataFrame,
    *,
    location: str = "oktmo",
    activity: str = "dimension",
    value: str = "value",
    period: str | None = None,
    reference: pd.Series | None = None,
) -> pd.DataFrame:
    r"""Diversification of each location: Herfindahl–Hirschman, Shannon entropy, Theil.

    With :math:`s_a = x_a / \sum_b x_b` the share of activity :math:`a` in the known
    values of the location, :math:`N` the number of distinct activities in the table
    (within the period) and natural logarithms (:math:`0 \ln 0 = 0`):

    * ``hhi`` - Herfindahl–Hirschman index :math:`\sum_a s_a^2`, from :math:`1/N`
      (evenly spread) to 1 (one activity);
    * ``entropy`` - Shannon entropy :math:`H = -\sum_a s_a \ln s_a`, from 0 (one
      activity) to :math:`\ln N`;
    * ``theil`` - Theil index :math:`T = \frac{1}{N}\sum_a N s_a \ln(N s_a) = \ln N - H`,
      0 when the activities are evenly spread;
    * ``theil_relative`` - relative Theil index (Kullback–Leibler divergence from the
      reference structure) :math:`\sum_a s_a \ln(s_a / S_a)` with :math:`S_a = X_a/X`
      the reference share; 0 when the location has the reference structure.

    Parameters
    ----------
    data
        Long table, one row per location × activity (× period).
    location, activity, value
        Column names.
    period
        Column of periods, if any.
    reference
        Reference totals by activity (or period × activity) for ``theil_relative``.
        Default: the table itself.

    Returns
    -------
    pandas.DataFrame
        One row per location, indexed by location (by period × location when
        ``period`` is given), in order of first appearance; columns ``total`` (sum of
        the known values), ``n_activities`` (activities with a positive value),
        ``n_missing`` (rows whose value is not known: the indices describe the known
        part), ``hhi``, ``entropy``, ``theil``, ``theil_relative`` and ``reason``.

    Raises
    ------
    ValidationError
        When the table cannot be used.
    """
    prep = _prepare(data, location, activity, value, period)
    has_period = period is not None
    ref_act, ref_tot = _reference(prep, reference, has_period)
    loc_tot = prep.groupby([_PER, _LOC], sort=False)[_VAL].sum().rename("_tot")
    f = prep.join(loc_tot, on=[_PER, _LOC])
    f = f.join(ref_act, on=[_PER, _ACT]).join(ref_tot, on=_PER)
    n_act = prep.groupby(_PER, sort=False)[_ACT].nunique().rename("_n")
    val = f[_VAL].to_numpy(float)
    tot = f["_tot"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(tot > 0, val / tot, np.nan)
        ref_share = f["_ref_act"].to_numpy(float) / f["_ref_tot"].to_numpy(float)
        slns = np.where(s > 0, s * np.log(s), 0.0)
        kl = np.where(s > 0, s * np.log(s / ref_share), 0.0)
    known = ~np.isnan(val)
    work = pd.DataFrame(
        {
            _PER: f[_PER],
            _LOC: f[_LOC],
            "total": np.where(known, val, 0.0),
            "positive": (val > 0).astype("int64"),
            "missing": (~known).astype("int64"),
            "known": known.astype("int64"),
            "s2": np.where(known, np.nan_to_num(s) ** 2, 0.0),
            "slns": np.where(known, slns, 0.0),
            "kl": np.where(known, kl, 0.0),
            "kl_bad": (known & (val > 0) & ~(ref_share > 0)).astype("int64"),
        },
        index=f.index,
    )
    g = work.groupby([_PER, _LOC], sort=False).sum()
    g = g.join(n_act, on=_PER)
    n = g["_n"].to_numpy(float)
    total = g["total"].to_numpy(float)
    ok = (g["known"].to_numpy() > 0) & (total > 0)
    entropy = np.where(ok, -g["slns"].to_numpy(float), np.nan)
    out = pd.DataFrame(
        {
            "total": np.where(g["known"].to_numpy() > 0, total, np.nan),
            "n_activities": g["positive"].to_numpy("int64"),
            "n_missing": g["missing"].to_numpy("int64"),
            "hhi": np.where(ok, g["s2"].to_numpy(float), np.nan),
            "entropy": entropy + 0.0,
            "theil": np.log(n) - entropy + 0.0,
            "theil_relative": np.where(
                ok & (g["kl_bad"].to_numpy() == 0), g["kl"].to_numpy(float), np.nan
            ),
        },
        index=g.index,
    )
    known_n = g["known"].to_numpy()
    out["reason"] = _reason(
        out,
        [
            (known_n == 0, "every value missing (suppressed or not reported)"),
            (total == 0, "total is zero: no activity"),
        ],
    )
    rel_reason = _reason(
        out,
        [(ok & (g["kl_bad"].to_numpy() > 0), "theil_relative: activity absent from the reference")],
    )
    out["reason"] = out["reason"].fillna(rel_reason)
    return _finish_location_index(out, location, period)


def _finish_location_index(out: pd.DataFrame, location: str, period: str | None) -> pd.DataFrame:
    """Name the index levels after the user's columns; drop the period level if none."""
    if period is None:
        out = out.droplevel(_PER)
        out.index.name = location
    else:
        out.index = out.index.set_names([period, location])
    return out


# --------------------------------------------------------------------- two periods


def _two_periods(
    prep: pd.DataFrame,
    start: Hashable,
    end: Hashable,
    absent: Literal["missing", "zero"],
    period: str,
) -> pd.DataFrame:
    """Return one row per location × activity of either period with ``_v0`` and ``_v1``."""
    if absent not in ("missing", "zero"):
        msg = f"`absent` must be 'missing' or 'zero'; got {absent!r}"
        raise ValidationError(msg)
    periods = set(prep[_PER].tolist())
    for name, p in (("start", start), ("end", end)):
        if p not in periods:
            shown = ", ".join(repr(x) for x in sorted(periods, key=str)[:10])
            msg = f"`{name}` period {p!r} is not in column `{period}`; it has: {shown}"
            raise ValidationError(msg)
    if start == end:
        msg = f"`start` and `end` are the same period ({start!r})"
        raise ValidationError(msg)
    a = prep.loc[prep[_PER] == start, [_LOC, _ACT, _VAL]].rename(columns={_VAL: "_v0"})
    b = prep.loc[prep[_PER] == end, [_LOC, _ACT, _VAL]].rename(columns={_VAL: "_v1"})
    both = a.merge(b, on=[_LOC, _ACT], how="outer", sort=False, indicator=True)
    if absent == "zero":
        both.loc[both["_merge"] == "right_only", "_v0"] = 0.0
        both.loc[both["_merge"] == "left_only", "_v1"] = 0.0
    both["_in0"] = both["_merge"] != "right_only"
    both["_in1"] = both["_merge"] != "left_only"
    return both.drop(columns="_merge")


def shift_share(
    data: pd.DataFrame,
    *,
    start: Hashable,
    end: Hashable,
    location: str = "oktmo",
    activity: str = "dimension",
    value: str = "value",
    period: str = "year",
    level: Literal["activity", "location"] = "activity",
    reference: pd.Series | None = None,
    absent: Literal["missing", "zero"] = "missing",
) -> pd.DataFrame:
    r"""Shift-share decomposition of the change between two periods (Dunn, 1960).

    For location :math:`i`, activity :math:`a` and values :math:`e^0, e^1` at the start
    and end, with reference totals :math:`E_a^0, E_a^1`, :math:`E^0 = \sum_a E_a^0`,
    growth rates :math:`g = E^1/E^0 - 1` and :math:`g_a = E_a^1/E_a^0 - 1`:

    .. math::

        e^1_{ia} - e^0_{ia} = \underbrace{e^0_{ia}\,g}_{\text{national share}}
        + \underbrace{e^0_{ia}(g_a - g)}_{\text{industry mix}}
        + \underbrace{e^0_{ia}(g_{ia} - g_a)}_{\text{competitive (local) effect}}

    The competitive effect is computed as the change minus the other two, so the three
    parts add up to the change (up to floating-point rounding, about 1e-12 relative),
    row by row and location by location; it also holds where :math:`e^0_{ia} = 0` (a new
    activity: the whole change is competitive). The reference is the table itself
    (the region: "national share" is then the regional share) unless ``reference`` is
    given.

    Parameters
    ----------
    data
        Long table, one row per location × activity × period.
    start, end
        The two values of the ``period`` column to compare.
    location, activity, value, period
        Column names.
    level
        ``"activity"`` (one row per location × activity) or ``"location"`` (the sums by
        location over the activities that could be decomposed).
    reference
        Reference totals indexed by period × activity (for example national
        employment by section in both years). Default: sums of the table.
    absent
        What a location × activity row present in one period only means at the other:
        ``"missing"`` (unknown; default, as in Rosstat tables where a blank is not a
        zero) or ``"zero"``.

    Returns
    -------
    pandas.DataFrame
        ``level="activity"``: indexed by location × activity; columns ``start``,
        ``end``, ``change``, ``national``, ``industry_mix``, ``competitive``,
        ``reason`` (why the parts are ``NaN``).
        ``level="location"``: indexed by location; the same sums plus ``n_missing``
        (activities left out because they could not be decomposed) and ``reason``.

    Raises
    ------
    ValidationError
        When the table, the periods or the options cannot be used.
    """
    if level not in ("activity", "location"):
        msg = f"`level` must be 'activity' or 'location'; got {level!r}"
        raise ValidationError(msg)
    prep = _prepare(data, location, activity, value, period)
    both = _two_periods(prep, start, end, absent, period)
    ref_act, ref_tot = _reference(prep, reference, True)
    e0 = both["_v0"].to_numpy(float)
    e1 = both["_v1"].to_numpy(float)
    ra0 = ref_act.reindex(pd.MultiIndex.from_arrays([[start] * len(both), both[_ACT]]))
    ra1 = ref_act.reindex(pd.MultiIndex.from_arrays([[end] * len(both), both[_ACT]]))
    E_a0 = ra0.to_numpy(float)  # noqa: N806 - the notation of the formula
    E_a1 = ra1.to_numpy(float)  # noqa: N806
    E0 = float(ref_tot.get(start, np.nan))  # noqa: N806
    E1 = float(ref_tot.get(end, np.nan))  # noqa: N806
    with np.errstate(divide="ignore", invalid="ignore"):
        g = E1 / E0 - 1 if E0 > 0 else np.nan
        g_a = np.where(E_a0 > 0, E_a1 / E_a0 - 1, np.nan)
        change = e1 - e0
        national = np.where(e0 == 0, 0.0, e0 * g)
        mix = np.where(e0 == 0, 0.0, e0 * (g_a - g))
        competitive = change - (national + mix)
    reason = _reason(
        both,
        [
            (np.isnan(e0) & ~both["_in0"].to_numpy(), f"no row at the start ({start!r})"),
            (np.isnan(e0), f"value missing at the start ({start!r})"),
            (np.isnan(e1) & ~both["_in1"].to_numpy(), f"no row at the end ({end!r})"),
            (np.isnan(e1), f"value missing at the end ({end!r})"),
            (
                np.full(len(both), not (E0 > 0 and np.isfinite(E1))),
                "reference total is zero or unknown",
            ),
            (np.isnan(E_a1), "activity not in the reference at the end"),
            (np.isnan(competitive), "activity absent from the reference at the start"),
        ],
    )
    bad = reason.notna().to_numpy()
    rows = pd.DataFrame(
        {
            "start": e0,
            "end": e1,
            "change": change,
            "national": np.where(bad, np.nan, national),
            "industry_mix": np.where(bad, np.nan, mix),
            "competitive": np.where(bad, np.nan, competitive),
            "reason": reason.to_numpy(),
        },
        index=pd.MultiIndex.from_arrays([both[_LOC], both[_ACT]], names=[location, activity]),
    )
    rows["reason"] = rows["reason"].astype("string")
    rows.attrs.update({"start": start, "end": end, "growth": g})
    if level == "activity":
        return rows
    ok = ~bad
    parts = rows.loc[ok, ["start", "end", "change", "national", "industry_mix"]]
    sums = parts.groupby(level=0, sort=False).sum()
    locs = pd.Index(pd.unique(both[_LOC]), name=location)
    out = sums.reindex(locs)
    out["competitive"] = out["change"] - (out["national"] + out["industry_mix"])
    out["n_missing"] = (
        pd.Series(bad.astype("int64"), index=rows.index).groupby(level=0, sort=False).sum()
    ).reindex(locs)
    out["reason"] = _reason(
        out, [(out["change"].isna().to_numpy(), "no activity could be decomposed")]
    )
    out.attrs.update(rows.attrs)
    return out


def simplification(
    data: pd.DataFrame,
    *,
    start: Hashable,
    end: Hashable,
    location: str = "oktmo",
    activity: str = "dimension",
    value: str = "value",
    period: str = "year",
    reference: pd.Series | None = None,
    totals: pd.Series | None = None,
    absent: Literal["missing", "zero"] = "missing",
) -> pd.DataFrame:
    """Simplification of each location's economy between two periods.

    A section is *lost* when its value was positive at the start and is zero at the end;
    it is *de-specialised* when its location quotient (see :func:`location_quotients`)
    was 1 or more at the start and is below 1 at the end while the section is still
    present. A value not known at the end (suppressed, or no row with
    ``absent="missing"``) makes the section *unknown*, never lost: the counts are then
    counted over the known sections and ``n_unknown`` says how many were left out.

    Parameters
    ----------
    data
        Long table, one row per location × activity × period.
    start, end
        The two values of the ``period`` column to compare.
    location, activity, value, period
        Column names.
    reference, totals
        As in :func:`location_quotients`, indexed by period × activity and period ×
        location.
    absent
        What a row present in one period only means at the other: ``"missing"``
        (default) or ``"zero"``.

    Returns
    -------
    pandas.DataFrame
        One row per location, indexed by location; columns ``n_present_start``
        (sections with a positive value at the start and a known value at the end),
        ``n_specialised_start`` (the same with LQ ≥ 1),
        ``n_lost``, ``lost`` (sections, ``;``-separated), ``n_despecialised``,
        ``despecialised``, ``n_gained`` (zero at the start, positive at the end),
        ``n_unknown``, ``simplification`` (``n_lost + n_despecialised``), ``lost_share``
        (``n_lost / n_present_start``), ``despecialised_share`` (specialisations at the
        start whose LQ is below 1 at the end, lost ones included, over
        ``n_specialised_start``) and ``reason``.

    Raises
    ------
    ValidationError
        When the table, the periods or the options cannot be used.
    """
    prep = _prepare(data, location, activity, value, period)
    both = _two_periods(prep, start, end, absent, period)
    lq = _lq_frame(prep, reference, totals, True)
    lq_map = lq.set_index([_PER, _LOC, _ACT])["lq"]
    lq0 = lq_map.reindex(
        pd.MultiIndex.from_arrays([[start] * len(both), both[_LOC], both[_ACT]])
    ).to_numpy(float)
    lq1 = lq_map.reindex(
        pd.MultiIndex.from_arrays([[end] * len(both), both[_LOC], both[_ACT]])
    ).to_numpy(float)
    v0 = both["_v0"].to_numpy(float)
    v1 = both["_v1"].to_numpy(float)
    present0 = v0 > 0
    spec0 = lq0 >= 1
    lost = present0 & (v1 == 0)
    despec = spec0 & (v1 > 0) & (lq1 < 1)
    spec_fell = spec0 & ((v1 == 0) | (lq1 < 1))
    unknown = (present0 & np.isnan(v1)) | (spec0 & (v1 > 0) & np.isnan(lq1))
    unknown |= np.isnan(v0) & ~np.isnan(v1)
    gained = (v0 == 0) & (v1 > 0)
    act = both[_ACT].astype(str).to_numpy()
    work = pd.DataFrame(
        {
            "n_present_start": present0 & ~np.isnan(v1),
            "n_specialised_start": spec0 & ~(np.isnan(v1) | ((v1 > 0) & np.isnan(lq1))),
            "n_lost": lost,
            "n_despecialised": despec,
            "n_gained": gained,
            "n_unknown": unknown,
            "_fell": spec_fell,
            "lost": np.where(lost, act, ""),
            "despecialised": np.where(despec, act, ""),
        },
        index=pd.Index(both[_LOC], name=location),
    )
    counts = [c for c in work.columns if c.startswith("n_") or c == "_fell"]
    g = work[counts].astype("int64").groupby(level=0, sort=False).sum()

    def _join(s: pd.Series) -> str:
        return ";".join(sorted(x for x in s if x))

    lists = work[["lost", "despecialised"]].groupby(level=0, sort=False).agg(_join)
    out = g.join(lists)
    out["simplification"] = out["n_lost"] + out["n_despecialised"]
    n0 = out["n_present_start"].to_numpy(float)
    s0 = out["n_specialised_start"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["lost_share"] = np.where(n0 > 0, out["n_lost"].to_numpy(float) / n0, np.nan)
        out["despecialised_share"] = np.where(s0 > 0, out["_fell"].to_numpy(float) / s0, np.nan)
    out["reason"] = _reason(
        out,
        [
            (n0 == 0, "no section known to be present at the start"),
            (s0 == 0, "despecialised_share: no known specialisation (LQ ≥ 1) at the start"),
        ],
    )
    cols = [
        "n_present_start",
        "n_specialised_start",
        "n_lost",
        "lost",
        "n_despecialised",
        "despecialised",
        "n_gained",
        "n_unknown",
        "simplification",
        "lost_share",
        "despecialised_share",
        "reason",
    ]
    out = out[cols]
    out.attrs.update({"start": start, "end": end})
    return out


# ------------------------------------------------------------------ source helpers


def employment_by_section(
    indicators: pd.DataFrame,
    *,
    share_code: str = "emp_share",
    total_code: str = "emp_total",
) -> pd.DataFrame:
    """Employment of large and medium organisations by OKVED section, suppressions kept.

    The Rosstat municipal database gives, per municipality, the average headcount of
    large and medium organisations (``emp_total``) and the share of each OKVED section
    in it (``emp_share``). Cells suppressed for confidentiality are absent from the
    indicators table; here every municipality gets every section found in the table,
    and a suppressed one has ``value`` ``NaN`` and ``suppressed`` true.

    Parameters
    ----------
    indicators
        Long indicators table (:data:`~opora.model.schemas.INDICATOR_COLUMNS`).
    share_code, total_code
        Codes of the shares and of the totals.

    Returns
    -------
    pandas.DataFrame
        Columns ``oktmo``, ``year``, ``dimension`` (section letter), ``share``,
        ``total`` (people), ``value`` (``share × total``, people) and ``suppressed``
        (bool), sorted by OKTMO and section. ``attrs["measure"]`` is ``"employment"``.

    Raises
    ------
    ValidationError
        When a column or one of the codes is missing.
    """
    for col in ("oktmo", "code", "year", "dimension", "value"):
        if col not in indicators.columns:
            msg = f"column `{col}` is not in the indicators table"
            raise ValidationError(msg)
    shares = indicators[indicators["code"] == share_code]
    totals = indicators[indicators["code"] == total_code]
    for code, part in ((share_code, shares), (total_code, totals)):
        if part.empty:
            msg = f"no rows with code `{code}` in the indicators table"
            raise ValidationError(msg)
    sections = sorted(shares["dimension"].dropna().astype(str).unique())
    tot = totals[["oktmo", "year", "value"]].rename(columns={"value": "total"})
    tot = tot.drop_duplicates(["oktmo", "year"])
    grid = tot.merge(pd.DataFrame({"dimension": sections}), how="cross")
    sh = shares[["oktmo", "year", "dimension", "value"]].rename(columns={"value": "share"})
    out = grid.merge(sh, on=["oktmo", "year", "dimension"], how="left")
    out["value"] = out["share"] * out["total"]
    out["suppressed"] = out["share"].isna()
    out = out[["oktmo", "year", "dimension", "share", "total", "value", "suppressed"]]
    out = out.sort_values(["oktmo", "year", "dimension"]).reset_index(drop=True)
    out.attrs["measure"] = "employment"
    return out


def org_stats_sections(
    table: pd.DataFrame,
    *,
    year: int | None = None,
    regions: Literal["finest", "top"] = "finest",
) -> pd.DataFrame:
    """Organisations by region and OKVED section from the Rosstat export, one year.

    Keeps the depth-0 upper-case rows (OKVED sections) of the total over all forms of
    ownership. Composite regions (Arkhangelsk oblast with the Nenets okrug, Tyumen
    oblast with the Khanty-Mansi and Yamal-Nenets okrugs) appear in the export both as
    a whole and in parts (indented rows under the whole region, one of them the
    remainder "... (кроме ...)"): ``regions="finest"`` keeps the parts and drops the
    whole, so every federal subject is one location and nothing is counted twice (a
    whole region whose parts do not include a remainder is kept, and its parts are
    dropped); ``"top"`` keeps the whole regions.

    Parameters
    ----------
    table
        Table of :func:`~opora.io.rosstat.read_org_stats_export`.
    year
        Year to keep; default the latest year with section values.
    regions
        ``"finest"`` or ``"top"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``activity`` (section name as in the export), ``year``,
        ``value`` (organisations; ``NaN`` where the export has a non-number), in the
        export's order. ``attrs["measure"]`` is ``"organisations"``.

    Raises
    ------
    ValidationError
        When the table has no section rows, the ownership total cannot be told apart,
        or ``year`` is not in it.
    """
    need = ["ownership", "region", "region_depth", "activity", "depth", "section_name", "year"]
    for col in [*need, "value"]:
        if col not in table.columns:
            msg = f"column `{col}` is not in the table; pass the table of read_org_stats_export"
            raise ValidationError(msg)
    if regions not in ("finest", "top"):
        msg = f"`regions` must be 'finest' or 'top'; got {regions!r}"
        raise ValidationError(msg)
    owners = pd.unique(table["ownership"].dropna())
    if len(owners) > 1:
        total = [o for o in owners if str(o).upper().startswith("ВСЕГО")]
        if len(total) != 1:
            msg = f"several forms of ownership and no single total among them: {list(owners)}"
            raise ValidationError(msg)
        table = table[table["ownership"] == total[0]]
    sec = table[(table["depth"] == 0) & (table["activity"] == table["section_name"])]
    if sec.empty:
        msg = "no OKVED section rows (upper-case activities at depth 0) in the table"
        raise ValidationError(msg)
    years = sorted({int(y) for y in sec.loc[sec["value"].notna(), "year"].dropna()})
    if year is None:
        if not years:
            msg = "no section has a value in any year"
            raise ValidationError(msg)
        year = years[-1]
    elif year not in years:
        msg = f"year {year} has no section values; years with values: {years}"
        raise ValidationError(msg)
    # parent of each depth-1 region: the nearest depth-0 region above it in the export
    order = table[["region", "region_depth"]].drop_duplicates("region")
    parent: dict[str, str] = {}
    last_top: str | None = None
    for name, depth in zip(order["region"], order["region_depth"], strict=True):
        if int(depth) == 0:
            last_top = str(name)
        elif last_top is not None:
            parent[str(name)] = last_top
    if regions == "finest":
        # a whole region is replaced by its parts only where they cover it, that is where
        # one part is the remainder ("... (кроме ...)"); otherwise the parts are dropped
        rest = {p for c, p in parent.items() if "кроме" in c.lower()}
        drop = rest | {c for c, p in parent.items() if p not in rest}
        keep = ~sec["region"].isin(sorted(drop))
    else:
        keep = sec["region_depth"] == 0
    out = sec.loc[keep & (sec["year"] == year), ["region", "activity", "year", "value"]]
    out = out.astype({"region": "string", "activity": "string", "year": "int64"})
    out = out.reset_index(drop=True)
    out.attrs["measure"] = "organisations"
    return out
