"""Ranking invariants on random unit tables: competition ranks follow the score, equal units share a rank."""
from hypothesis import given, settings, strategies as st

from domain.ranking import rank_units, scores
from tests.test_ranking import RATES, table

small_rate = st.integers(0, 4).flatmap(lambda den: st.tuples(st.integers(0, den), st.just(den)))
unit = st.fixed_dictionaries({**{r: small_rate for r in RATES},
                              "yellow_lights": st.integers(0, 2), "red_lights": st.integers(0, 1)})


@settings(max_examples=60, deadline=None)
@given(units=st.lists(unit, min_size=1, max_size=8), score_only=st.booleans())
def test_competition_ranks_follow_the_score(units, score_only):
    t = table(**{f"U{i}": u for i, u in enumerate(units)})
    ranking = rank_units(t, tie_break=() if score_only else None)
    ranked = ranking[ranking["rank"].notna()]
    score = scores(t).round(6)
    assert ranked["score"].round(6).is_monotonic_decreasing  # scores are compared to 6 decimals
    assert set(ranking.index[ranking["rank"].isna()]) == set(score.index[score.isna()])
    for u in ranked.index:
        better = (score > score[u]).sum()
        same = (score == score[u]).sum()
        # with ties broken further the rank can only move within the block of equal scores
        assert better + 1 <= ranked.loc[u, "rank"] <= better + same
        if score_only:
            assert ranked.loc[u, "rank"] == better + 1
        if same == 1:
            assert ranked.loc[u, "tie_break"] is None and ranked.loc[u, "note"] == ""
    # competition style: a rank r shared by k units is followed by r + k
    ranks = list(ranked["rank"])
    for i in range(1, len(ranks)):
        assert ranks[i] == ranks[i - 1] or ranks[i] == i + 1
    # units with identical metrics always share a rank
    rows = t.apply(tuple, axis=1)
    for u in ranked.index:
        twins = rows.index[rows == rows[u]]
        assert ranked.loc[twins, "rank"].nunique() == 1
