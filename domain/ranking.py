"""Ranks units by a weighted score of their metrics; weights are data, ties get one rank and an explanation."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from domain.profiles import Metrics
from domain.metrics import COUNT_NAMES, METRIC_BY_NAME, RATE_NAMES, MetricsInputError, rate

# The seeds rank on 按时办结率, 问题解决率 and 满意率 (gangnan 八, zaoyang 及时性/满意度), with the
# first-contact response close behind (zaoyang 响应100%); yicheng's lights are deductions.
# Rates score in percentage points, so a perfect unit with no lights scores 100.
DEFAULT_WEIGHTS: dict[str, float] = dict(Metrics().weights)  # the profile default, in one place


def validate_weights(weights: Mapping[str, float], source: str = "weights") -> dict[str, float]:
    """Checks each key names a rate or count metric and each weight is a number; returns a plain dict."""
    out = {}
    for name, w in weights.items():
        if name not in RATE_NAMES and name not in COUNT_NAMES:
            raise MetricsInputError(f"{source}:“{name}”不是可用于排名的指标",
                                    f"{source}: {name!r} is not a rate or count metric")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not np.isfinite(w):
            raise MetricsInputError(f"{source}:{name} 的权重须为数字", f"{source}: weight of {name} must be a number")
        out[name] = float(w)
    if not any(w > 0 for n, w in out.items() if n in RATE_NAMES):
        raise MetricsInputError(f"{source}:至少一个比率指标须有正权重",
                                f"{source}: at least one rate needs a positive weight")
    return out


def weights_from_profile(profile) -> dict[str, float]:
    """The profile's [metrics] weights (domain.profiles.Metrics), checked against the metrics defined here."""
    return validate_weights(profile.metrics.weights, f"{profile.id}: metrics.weights")


def default_tie_break(weights: Mapping[str, float]) -> list[str]:
    """Rates by falling weight, then counts by falling |weight|; equal weights keep the mapping's order."""
    rates = sorted((n for n in weights if n in RATE_NAMES), key=lambda n: -weights[n])
    counts = sorted((n for n in weights if n not in RATE_NAMES), key=lambda n: -abs(weights[n]))
    return rates + counts


def _components(metrics: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Each weighted metric as a number: rates in percent (NaN for 0/0), counts as they are."""
    cols = {}
    for name in weights:
        if name in RATE_NAMES:
            num, den = metrics[f"{name}_num"].astype(float), metrics[f"{name}_den"].astype(float)
            cols[name] = (100.0 * num / den).where(den > 0)
        else:
            cols[name] = metrics[name].astype(float)
    return pd.DataFrame(cols, index=metrics.index)


def scores(metrics: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Weighted score per row; a 0/0 rate drops out and the other rates' weights are scaled up to the same total."""
    weights = validate_weights(weights if weights is not None else DEFAULT_WEIGHTS)
    comp = _components(metrics, weights)
    rate_names = [n for n in weights if n in RATE_NAMES]
    w_rates = pd.Series({n: weights[n] for n in rate_names})
    present = comp[rate_names].notna()
    w_present = present.mul(w_rates, axis=1).sum(axis=1)
    rate_part = comp[rate_names].fillna(0).mul(w_rates, axis=1).sum(axis=1) / w_present.where(w_present > 0)
    rate_part = rate_part * w_rates.sum()
    count_names = [n for n in weights if n not in RATE_NAMES]
    count_part = comp[count_names].mul(pd.Series({n: weights[n] for n in count_names}), axis=1).sum(axis=1)
    return (rate_part + count_part).rename("score")


def _fmt(name: str, row) -> str:
    if name == "score":
        return f"{row['score']:.2f}"
    if name in RATE_NAMES:
        return str(rate(row, name))
    return str(int(row[name]))


def _label(name: str) -> str:
    return "总分" if name == "score" else METRIC_BY_NAME[name].label


def rank_units(metrics: pd.DataFrame, weights: Mapping[str, float] | None = None,
               tie_break: Sequence[str] | None = None) -> pd.DataFrame:
    """Competition ranking ("1,1,3") of the rows of a per-unit compute_metrics table.

    Equal scores are compared on the tie_break metrics in order (default: default_tie_break(weights);
    pass () to compare on the score alone); units still equal share a rank. Units with no rate to
    judge (all 0/0) are listed last without a rank. Columns: rank, score, tie_break (metric that separated the unit
    from its equals, or None), note (Chinese explanation), and each weighted metric's value.
    """
    weights = validate_weights(weights if weights is not None else DEFAULT_WEIGHTS)
    if tie_break is None:
        tie_break = default_tie_break(weights)
    for name in tie_break:
        if name not in weights and name not in RATE_NAMES and name not in COUNT_NAMES:
            raise MetricsInputError(f"“{name}”不是可用于比较的指标", f"{name!r} is not a metric")
    comp = _components(metrics, {**weights, **{n: 1.0 for n in tie_break}})
    score = scores(metrics, weights)
    # Orientation: bigger is better; a metric with a negative weight (lights) is better when smaller.
    keys = pd.DataFrame({"score": score.round(6)}, index=metrics.index)
    for name in tie_break:
        sign = -1.0 if weights.get(name, 1.0) < 0 else 1.0
        keys[name] = (sign * comp[name]).round(6)
    order = ["score", *tie_break]
    ranked = keys[keys["score"].notna()].sort_values(order, ascending=False, na_position="last",
                                                      kind="mergesort")
    filled = ranked.fillna(-np.inf)
    rank, tb, notes = {}, {}, {}
    key_of = dict(zip(filled.index, map(tuple, filled.to_numpy())))
    units = list(filled.index)
    shown = metrics.join(score)
    for i, unit in enumerate(units):
        j = i
        while j > 0 and key_of[units[j - 1]] == key_of[unit]:
            j -= 1
        rank[unit] = j + 1
        tb[unit], notes[unit] = _explain(unit, key_of, order, shown, rank[unit])
    out = pd.DataFrame({
        "rank": pd.Series(rank, dtype="Int64").reindex(metrics.index),
        "score": score,
        "tie_break": pd.Series(tb, dtype=object).reindex(metrics.index),
        "note": pd.Series(notes, dtype=object).reindex(metrics.index),
    })
    unranked = out["rank"].isna()
    out.loc[unranked, "note"] = "本期无可考核的比率指标(均为0/0),不参与排名"
    out = out.join(comp[list(dict.fromkeys([*weights, *tie_break]))])
    out = out.loc[list(ranked.index) + list(out.index[unranked])]
    out.index.name = metrics.index.name
    return out


def _explain(unit, key_of: dict, order: list[str], table: pd.DataFrame, rank_no: int):
    """Which metric separated unit from the units with its score, or why it still shares a rank."""
    mine = key_of[unit]
    peers = [p for p, k in key_of.items() if k[0] == mine[0]]
    if len(peers) == 1:
        return None, ""
    others = [p for p in peers if p != unit]
    note = f"与{'、'.join(map(str, others))}总分相同({table.loc[unit, 'score']:.2f})"
    steps, last = [], None
    remaining = peers
    for pos, name in enumerate(order[1:], start=1):
        split = [p for p in remaining if key_of[p][pos] != mine[pos]]
        if split:
            vals = ",".join(f"{p} {_fmt(name, table.loc[p])}" for p in remaining)
            steps.append(f"按{_label(name)}区分({vals})")
            last = name
            remaining = [p for p in remaining if p not in split]
        if len(remaining) == 1:
            break
    if len(remaining) > 1:
        compared = "、".join(_label(n) for n in order[1:]) or "总分"
        tied = "、".join(str(p) for p in remaining if p != unit)
        steps.append(f"与{tied}在{compared}上均相同,并列第{rank_no}名")
    return last, note + ";" + ";".join(steps)


def display_ranking(ranking: pd.DataFrame) -> pd.DataFrame:
    """The ranking as people read it: 名次, 得分, each weighted metric in percent or count, 说明."""
    out = pd.DataFrame(index=ranking.index)
    out["名次"] = ["—" if pd.isna(r) else str(int(r)) for r in ranking["rank"]]
    out["得分"] = ["—" if pd.isna(v) else f"{v:.2f}" for v in ranking["score"]]
    for name in ranking.columns:
        if name in RATE_NAMES:
            out[_label(name)] = ["—" if pd.isna(v) else f"{v:.1f}%" for v in ranking[name]]
        elif name in COUNT_NAMES:
            out[_label(name)] = [int(v) for v in ranking[name]]
    out["说明"] = ranking["note"].fillna("")
    out.index.name = "承办单位"
    return out
