"""The fast paths of reports.similar give exactly what the plain ones give: tokens, and pairs within a bucket."""
import jieba
import numpy as np
from hypothesis import given, settings, strategies as st

from bench.bench_bulletin import synth_texts
from reports import similar

_PIECES = ["路灯损坏", "路灯坏了", "供水管道破裂", ",", ":", "?", " ", "\r\n", "第123号", "A-1", "abc", "3.5%",
           "企业", "的", "高新技术企业补贴", "—", "\u9fe0", "自10月3日起", "请尽快", "ⅰ", "#&_", ""]


def _reference(text: str) -> list[str]:
    """The tokenizer as first written: jieba on the whole (cut) text, then the same filters."""
    words = [w for w in jieba.lcut((text or "")[:similar.MAX_CHARS], HMM=False)
             if w not in similar.STOP_WORDS and similar._WORD.match(w) and not similar._DIGITS.match(w)]
    return words + [c for w in words if len(w) > 1 for c in w if c >= "\u4e00"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=12))
def test_block_cache_matches_whole_text_cut(pieces):
    text = "".join(pieces)
    assert similar.tokenize(text) == _reference(text)
    assert similar.tokenize(text) == _reference(text)  # again, now from the cache


def test_long_request_is_cut_at_max_chars_like_before():
    text = "园区供水管道破裂,生产用水中断。" * 40
    assert similar.tokenize(text) == _reference(text)
    assert "供水管" in similar.tokenize(text)


def _pairs_reference(X, rows, threshold, k=similar.NEIGHBOURS):
    """_pairs_above as first written: sparse times sparse, densified."""
    sub = X[rows]
    sims = (sub @ sub.T).toarray()
    nearest = np.argpartition(-sims, k, axis=1)[:, :k]
    picked = np.take_along_axis(sims, nearest, axis=1)
    r, c = np.nonzero(picked >= threshold)
    return rows[r], rows[nearest[r, c]]


def test_bucket_pairs_are_exactly_those_of_sparse_products():
    texts = synth_texts(1200, np.random.default_rng(7)).tolist()
    _, X = similar.vectorize(sorted(set(texts)))
    rows = np.random.default_rng(3).permutation(X.shape[0])[:700]  # a bucket is any subset, in any order
    got, want = similar._pairs_above(X, rows, similar.THRESHOLD), _pairs_reference(X, rows, similar.THRESHOLD)
    assert len(got[0]) > 700  # the matters repeat, so there are many pairs to get right
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_bucket_pairs_without_room_for_a_dense_transpose_are_the_same(monkeypatch):
    texts = synth_texts(600, np.random.default_rng(11)).tolist()
    _, X = similar.vectorize(sorted(set(texts)))
    rows = np.arange(X.shape[0])
    dense = similar._pairs_above(X, rows, similar.THRESHOLD)
    monkeypatch.setattr(similar, "DENSE_MAX", 0)
    sparse = similar._pairs_above(X, rows, similar.THRESHOLD)
    assert len(dense[0]) > 0
    assert np.array_equal(dense[0], sparse[0]) and np.array_equal(dense[1], sparse[1])


def test_prefix_dict_read_from_jiebas_cache_is_the_one_jieba_builds(tmp_path):
    built, fast = jieba.Tokenizer(), jieba.Tokenizer()
    built.tmp_dir = fast.tmp_dir = str(tmp_path)
    assert not similar._load_prefix_dict(fast)         # no cache file yet: jieba's own loading builds it
    built.initialize()                                   # builds the dict and writes tmp_path/jieba.cache
    assert (tmp_path / "jieba.cache").is_file()
    assert similar._load_prefix_dict(fast) and fast.initialized
    assert fast.total == built.total and fast.FREQ == built.FREQ
    text = "高新区第12号企业反映:园区自来水管爆裂停水,无法生产,请抢修供水管道。"
    assert fast.lcut(text, HMM=False) == built.lcut(text, HMM=False)
    (tmp_path / "jieba.cache").write_bytes(b"not marshal")  # a damaged cache: jieba's own loading again
    damaged = jieba.Tokenizer()
    damaged.tmp_dir = str(tmp_path)
    assert not similar._load_prefix_dict(damaged) and not damaged.initialized


_HAN = st.text(alphabet=st.sampled_from(list("路灯损坏了供水管道破裂自来水企业补贴高新技术的一二三第号反映停电排污许可证")
                                       + list("abcXYZ0123456789+#&._%-")), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(_HAN)
def test_han_block_cut_is_jiebas(block):
    assert similar._cut_han(block) == jieba.lcut(block, HMM=False)


def test_han_block_cut_is_jiebas_on_a_ledgers_requests():
    texts = synth_texts(3000, np.random.default_rng(5))
    blocks = {b for t in texts for b in jieba.re_han_default.split(t) if b and jieba.re_han_default.match(b)}
    assert len(blocks) > 1000
    for block in blocks:
        assert similar._cut_han(block) == jieba.lcut(block, HMM=False), block
