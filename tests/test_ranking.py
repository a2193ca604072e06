"""Unit rankings: weighted scores worked by hand, competition ranks for ties, and the tie explanations."""
from dataclasses import replace

import pandas as pd
import pytest

import profiles

from domain.metrics import MetricsInputError, compute_metrics
from domain.profiles import Metrics
from domain.ranking import DEFAULT_WEIGHTS, default_tie_break, rank_units, scores, weights_from_profile
from tests.test_metrics import KW, OCT, TICKETS, A, B, C

RATES = ("on_time_rate", "first_contact_rate", "resolution_rate", "satisfaction_rate", "visit_coverage_rate")


def table(**units):
    """A per-unit metrics table from {unit: {rate: (num, den), count: n}}; unlisted values are 0 and 0/0."""
    rows = {}
    for unit, values in units.items():
        row = {}
        for r in RATES:
            row[f"{r}_num"], row[f"{r}_den"] = values.get(r, (0, 0))
        for c in ("yellow_lights", "red_lights", "reopened", "notices", "referrals"):
            row[c] = values.get(c, 0)
        rows[unit] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "unit"
    return out


def test_october_ledger_ranking():
    ranking = rank_units(compute_metrics(TICKETS, OCT, **KW))
    # default weights: 0.3 on time, 0.3 resolution, 0.3 satisfaction, 0.1 first contact; -1 yellow, -2 red.
    # A: 0.3*66.667 + 0.3*100 + 0.3*100 + 0.1*100 = 20 + 30 + 30 + 10 = 90, no lights -> 90.
    # B: 0.3*50 + 0.3*0 + 0.3*0 + 0.1*50 = 15 + 5 = 20; one yellow, one red: 20 - 1 - 2 = 17.
    # C: only on time 0/1 and first contact 0/2 can be judged: 0 on both -> 0; two yellows -> -2.
    assert list(ranking.index) == [A, B, C]
    assert list(ranking["rank"]) == [1, 2, 3]
    assert ranking["score"].tolist() == pytest.approx([90, 17, -2])
    assert ranking["tie_break"].isna().all() and (ranking["note"] == "").all()


def test_zero_over_zero_rates_drop_out_and_the_others_are_scaled_up():
    t = table(U={"on_time_rate": (1, 1), "first_contact_rate": (1, 2)})
    # rates present: on time 100 (w 0.3) and first contact 50 (w 0.1): (30 + 5) / 0.4 * 1.0 = 87.5.
    assert scores(t).loc["U"] == pytest.approx(87.5)


def test_full_tie_shares_the_rank_competition_style():
    t = table(X={"on_time_rate": (19, 20), "resolution_rate": (1, 1), "satisfaction_rate": (1, 1),
                 "first_contact_rate": (1, 1)},
              Y={"on_time_rate": (38, 40), "resolution_rate": (2, 2), "satisfaction_rate": (3, 3),
                 "first_contact_rate": (5, 5)},
              Z={"on_time_rate": (1, 2), "resolution_rate": (1, 1), "satisfaction_rate": (1, 1),
                 "first_contact_rate": (1, 1)})
    ranking = rank_units(t)
    # X and Y: 0.3*95 + 30 + 30 + 10 = 98.5 each, equal on every metric -> both 1st; Z: 15 + 70 = 85 -> 3rd.
    assert ranking["rank"].to_dict() == {"X": 1, "Y": 1, "Z": 3}
    assert ranking.loc["X", "score"] == pytest.approx(98.5)
    assert ranking.loc["X", "tie_break"] is None
    assert "与Y总分相同(98.50)" in ranking.loc["X", "note"] and "并列第1名" in ranking.loc["X", "note"]
    assert ranking.loc["Z", "note"] == ""


def test_tie_broken_by_the_first_differing_metric():
    t = table(P={"on_time_rate": (10, 10), "resolution_rate": (9, 10), "satisfaction_rate": (1, 1),
                 "first_contact_rate": (1, 1)},
              Q={"on_time_rate": (9, 10), "resolution_rate": (10, 10), "satisfaction_rate": (1, 1),
                 "first_contact_rate": (1, 1)})
    ranking = rank_units(t)
    # P: 30 + 27 + 30 + 10 = 97; Q: 27 + 30 + 30 + 10 = 97 -> tied; the first tie-break is the on-time
    # rate (weights 0.3, 0.3, 0.3 keep their order): P 100% > Q 90% -> P 1st, Q 2nd.
    assert list(ranking.index) == ["P", "Q"] and list(ranking["rank"]) == [1, 2]
    assert list(ranking["tie_break"]) == ["on_time_rate", "on_time_rate"]
    assert "按按时办结率区分(P 100.0% (10/10),Q 90.0% (9/10))" in ranking.loc["Q", "note"]
    # Told to compare on the score alone, they share first place.
    alone = rank_units(t, tie_break=())
    assert list(alone["rank"]) == [1, 1] and "并列第1名" in alone.loc["P", "note"]


def test_three_way_tie_partly_broken_then_lights():
    base = {"on_time_rate": (1, 1), "resolution_rate": (1, 1), "satisfaction_rate": (1, 1),
            "first_contact_rate": (1, 1)}
    t = table(K={**base}, L={**base, "satisfaction_rate": (0, 0)}, M={**base}, N={**base, "red_lights": 1})
    ranking = rank_units(t)
    # K, L, M all score 100 (L's 0/0 satisfaction drops out: 90/0.7*1.0 = 100... = (30+30+10)/0.7 = 100);
    # N: 100 - 2 = 98.  Tie-break on satisfaction: L's 0/0 counts as worst -> K, M ahead of L; K and M are
    # equal everywhere -> 1, 1, then L 3rd, N 4th.
    assert ranking["rank"].to_dict() == {"K": 1, "M": 1, "L": 3, "N": 4}
    assert ranking.loc["L", "tie_break"] == "satisfaction_rate"
    assert ranking.loc["K", "tie_break"] == "satisfaction_rate"
    assert "与M在" in ranking.loc["K", "note"] and "并列第1名" in ranking.loc["K", "note"]


def test_unit_with_nothing_to_judge_is_listed_last_without_rank():
    t = table(U={"on_time_rate": (1, 2)}, V={"yellow_lights": 1})
    ranking = rank_units(t)
    assert list(ranking.index) == ["U", "V"]
    assert ranking.loc["U", "rank"] == 1 and pd.isna(ranking.loc["V", "rank"])
    assert "不参与排名" in ranking.loc["V", "note"]


def test_weights_are_data():
    t = table(U={"on_time_rate": (1, 2), "satisfaction_rate": (1, 1)},
              V={"on_time_rate": (1, 1), "satisfaction_rate": (1, 2)})
    # only satisfaction counts -> U 100, V 50; only on time -> the reverse.
    assert list(rank_units(t, {"satisfaction_rate": 1}).index) == ["U", "V"]
    assert list(rank_units(t, {"on_time_rate": 1}).index) == ["V", "U"]


def test_default_tie_break_order():
    assert default_tie_break(DEFAULT_WEIGHTS) == ["on_time_rate", "resolution_rate", "satisfaction_rate",
                                                  "first_contact_rate", "red_lights", "yellow_lights"]


def profile(weights=None):
    base = profiles.load("gangnan")
    return base if weights is None else replace(base, metrics=Metrics(weights=weights))


def test_weights_from_profile():
    assert weights_from_profile(profile()) == dict(profiles.load("gangnan").metrics.weights)
    assert weights_from_profile(profile(DEFAULT_WEIGHTS)) == DEFAULT_WEIGHTS
    got = weights_from_profile(profile({"satisfaction_rate": 0.5, "on_time_rate": 0.5}))
    assert got == {"satisfaction_rate": 0.5, "on_time_rate": 0.5}
    with pytest.raises(MetricsInputError, match="gangnan: metrics.weights:“满意率”不是可用于排名的指标"):
        weights_from_profile(profile({"满意率": 1}))
    with pytest.raises(MetricsInputError, match="权重须为数字"):
        weights_from_profile(profile({"on_time_rate": "high"}))
    with pytest.raises(MetricsInputError, match="正权重"):
        weights_from_profile(profile({"red_lights": -1}))


def test_display_ranking_reads_in_chinese():
    from domain.ranking import display_ranking
    shown = display_ranking(rank_units(compute_metrics(TICKETS, OCT, **KW)))
    assert shown.index.name == "承办单位"
    assert list(shown.columns[:2]) == ["名次", "得分"] and shown.columns[-1] == "说明"
    assert shown.loc[A, "名次"] == "1" and shown.loc[A, "得分"] == "90.00"
    assert shown.loc[A, "按时办结率"] == "66.7%" and shown.loc[C, "满意率"] == "—"
    assert shown.loc[C, "黄灯数"] == 2
