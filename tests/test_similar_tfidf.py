"""reports.similar's own TF-IDF, row normalising and k-means buckets: the same matrix as scikit-learn's
TfidfVectorizer (the reference, a test dependency only), and buckets that keep similar requests together."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bench.bench_bulletin import MATTERS, synth_texts
from reports import similar

ROOT = Path(__file__).resolve().parents[1]

# Words and clauses that recur (so counts > 1 and shared words), blanks, punctuation and numbers (no words).
_PIECES = ["路灯损坏", "路灯坏了", "供水管道破裂", "高新技术企业补贴", "社保费减免", "噪音", "营业执照", "排污许可证",
           "停电", "积水", "abc", "第123号", ",", "。", " ", "", "!!!", "12345", "企业", "请尽快"]
_text = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


def _reference(texts, fit_on=None):
    ref = TfidfVectorizer(analyzer=similar._analyzer(), sublinear_tf=True, dtype=np.float32)
    if fit_on is None:
        return ref, ref.fit_transform(texts)
    ref.fit(fit_on)
    return ref, ref.transform(texts)


def _assert_same(ours, ref, X, R):
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    assert np.array_equal(ours.idf_, ref.idf_)
    assert X.dtype == np.float32 and X.shape == R.shape
    assert np.array_equal(X.toarray(), R.toarray())  # to the last bit, not merely close


@settings(max_examples=150, deadline=None)
@given(st.lists(_text, min_size=1, max_size=12))
def test_vectorize_equals_tfidfvectorizer(texts):
    try:
        ref, R = _reference(texts)
    except ValueError:
        with pytest.raises(ValueError):
            similar.vectorize(texts)
        return
    ours, X = similar.vectorize(texts)
    _assert_same(ours, ref, X, R)


@settings(max_examples=150, deadline=None)
@given(st.lists(_text, min_size=1, max_size=8), st.lists(_text | st.text(max_size=5), min_size=1, max_size=8))
def test_vectorize_fitted_on_other_texts_equals_tfidfvectorizer(fit_on, texts):
    try:
        ref, R = _reference(texts, fit_on)
    except ValueError:
        with pytest.raises(ValueError):
            similar.vectorize(texts, fit_on=fit_on)
        return
    ours, X = similar.vectorize(texts, fit_on=fit_on)
    _assert_same(ours, ref, X, R)
    assert np.array_equal(ours.transform(fit_on).toarray(), ref.transform(fit_on).toarray())


def test_vectorize_on_a_ledger_equals_tfidfvectorizer():
    texts = sorted(set(synth_texts(3000, np.random.default_rng(5)).tolist()))
    ours, X = similar.vectorize(texts)
    ref, R = _reference(texts)
    _assert_same(ours, ref, X, R)
    assert X.has_sorted_indices
    # fitted on one part, applied to another with words the first never had: those words weigh nothing
    fit_on, other = texts[:200], texts[200:600] + ["Zebra Quokka", ""]
    ours, X = similar.vectorize(other, fit_on=fit_on)
    ref, R = _reference(other, fit_on)
    _assert_same(ours, ref, X, R)
    assert X[-1].nnz == 0 and X[-2].nnz == 0
    assert ours.transform([]).shape == (0, len(ours.get_feature_names_out()))  # where sklearn raises


def test_no_words_at_all_is_a_value_error_and_unknown_words_a_zero_row():
    with pytest.raises(ValueError, match="empty vocabulary"):
        similar.vectorize(["", "!!!", "12345"])
    vec, X = similar.vectorize(["路灯损坏", "停电"])
    assert vec.transform(["", "噪音扰民"]).nnz == 0
    assert np.allclose(np.sqrt(X.multiply(X).sum(axis=1)), 1.0)


def test_unit_rows_equals_sklearns_normalize_and_leaves_its_input_alone():
    rng = np.random.default_rng(4)
    dense = rng.random((300, 40)).astype(np.float32) * (rng.random((300, 40)) < 0.3)
    dense[::7] = 0  # rows with nothing stay zero
    X = csr_matrix(dense)
    before = X.data.copy()
    got = similar.unit_rows(X)
    assert got.dtype == np.float32
    assert np.array_equal(got.toarray(), normalize(X).toarray())
    assert np.array_equal(X.data, before)
    unsorted = csr_matrix((np.array([3, 4, 1], np.float32), [1, 0, 2], [0, 2, 3]), shape=(2, 3))
    assert np.array_equal(similar.unit_rows(unsorted).toarray(), normalize(unsorted).toarray())


def _matter_of(texts):
    """(matter, variant) of each synthetic request, None for the one-off ones."""
    out = []
    for t in texts:
        out.append(next(((k, v) for k, pair in enumerate(MATTERS) for v in (0, 1) if pair[v] in t), None))
    return out


def test_buckets_keep_similar_requests_together_and_are_the_same_every_time(monkeypatch):
    monkeypatch.setattr(similar, "BUCKET_SIZE", 100)
    texts = sorted(set(synth_texts(2000, np.random.default_rng(9)).tolist()))
    _, X = similar.vectorize(texts)
    buckets = similar._buckets(X)
    again = similar._buckets(X)
    assert len(buckets) == len(again) and all(np.array_equal(a, b) for a, b in zip(buckets, again))
    assert np.array_equal(np.sort(np.concatenate(buckets)), np.arange(len(texts)))  # each row exactly once
    assert max(map(len, buckets)) <= 4 * 100 and len(buckets) >= len(texts) // 100 // 2
    bucket_of = np.empty(len(texts), dtype=int)
    for b, rows in enumerate(buckets):
        bucket_of[rows] = b
    matter = _matter_of(texts)
    # One phrasing of one matter (a place and a number apart) is ~100 rows: nearly all of it in one bucket.
    for key in {m for m in matter if m is not None}:
        where = bucket_of[[i for i, m in enumerate(matter) if m == key]]
        assert np.bincount(where).max() >= 0.9 * len(where), key


def test_kmeans_with_more_centres_than_distinct_rows_and_a_blank_row():
    # Three centres for two distinct requests: one cluster empties and is reseeded; the blank row (no words)
    # is no centre of nothing. Every row still gets a cluster, the same one every time.
    _, X = similar.vectorize(["路灯损坏", "路灯损坏", "园区停电", "!!!"])
    labels = similar._kmeans(X, 3, seed=0)
    assert labels.shape == (4,) and labels.min() >= 0 and labels.max() < 3
    assert labels[0] == labels[1] != labels[2]
    assert np.array_equal(labels, similar._kmeans(X, 3, seed=0))


def test_themes_import_neither_scikit_learn_nor_csgraph():
    code = ("import sys; from reports import similar; similar.BUCKET_SIZE = 2; "
            "assert similar.themes([f'园区停水{i}次无法生产' for i in range(9)] + ['路灯损坏'] * 3); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'threadpoolctl')"
            " or m.startswith('scipy.sparse.csgraph')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))))
def test_components_are_numbered_as_scipys_connected_components(graph):
    from scipy.sparse.csgraph import connected_components
    n, edges = graph
    i, j = (np.array([e[k] for e in edges], dtype=np.int64) for k in (0, 1))
    want = connected_components(csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n)), directed=False)[1]
    assert np.array_equal(similar.components(n, i, j), want)


def test_components_of_a_long_chain_in_scrambled_order():
    order = np.random.default_rng(2).permutation(5000)  # a path visiting the nodes in random order
    got = similar.components(5001, order[:-1], order[1:])
    assert np.array_equal(got, np.r_[np.zeros(5000, dtype=got.dtype), 1])
