"""Similar requests grouped into themes (一件事到一类事) and knowledge-base answers suggested for 咨询 tickets."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from math import log
from functools import lru_cache
from itertools import chain, repeat
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy.sparse import csr_matrix

# Words every request shares; they would make unrelated requests look alike.
STOP_WORDS = frozenset("""
的 了 和 与 及 或 在 是 我 我们 我司 公司 企业 本 该 请 请求 希望 要求 反映 诉求 问题 情况 有关 相关 进行 一直
已经 目前 现在 尽快 能否 是否 如何 怎么 什么 哪些 为 对 被 把 将 给 让 由 从 到 向 以 于 等 也 都 还 就 又 并 但
因 因为 所以 导致 造成 影响 没有 不 无 未 一 个 多 很 这 那 其 之 这个 那个 协调 帮助 解决 处理 落实 办理
""".split())
_WORD = re.compile(r"^(?:[\u4e00-\u9fff]+|[A-Za-z0-9]{2,})$")  # a Chinese word, or a Latin/number token
_DIGITS = re.compile(r"^\d+$")

THRESHOLD = 0.3        # cosine similarity above which two requests are the same matter
MAX_CHARS = 300        # a request's gist is in its opening; tokenising 2,000 字 would only cost time
NEIGHBOURS = 8         # edges kept per request: enough to chain a theme, bounded on 100,000 rows
BUCKET_SIZE = 1500     # a k-means bucket is compared pairwise; buckets keep 100,000 rows linear
KMEANS_SAMPLE = 12_000  # rows k-means++ picks its initial centres from
KMEANS_ROUNDS = 10     # Lloyd rounds of bucketing; buckets only need to keep similar rows together
DENSE_MAX = 25_000_000  # entries (100 MB of float32) of a bucket's dense transpose; past it, sparse products


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    if not _load_prefix_dict(jieba.dt):
        jieba.initialize()  # builds the prefix dict and writes jieba's cache file for the next process
    return jieba


def _load_prefix_dict(dt) -> bool:
    """Fills a jieba tokenizer from jieba's own cache file (tempdir/jieba.cache, written by jieba.initialize)
    exactly as initialize() would; False when there is none yet. jieba reads it with marshal.load on the
    open file, which pulls it in tiny pieces (~1.5 s); marshal.loads on the whole bytes takes ~0.3 s."""
    import marshal
    import os
    import tempfile
    if dt.initialized or dt.dictionary is not None:  # a custom dictionary keeps jieba's own loading
        return dt.initialized
    path = os.path.join(dt.tmp_dir or tempfile.gettempdir(), dt.cache_file or "jieba.cache")
    try:
        with open(path, "rb") as f:
            freq, total = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return False
    if not isinstance(freq, dict) or not freq:
        return False
    with dt.lock:
        dt.FREQ, dt.total, dt.initialized = freq, total, True
    return True


# Tokens per jieba block (a run of Chinese/Latin/digits, or the text between): jieba cuts each block on its
# own, so caching blocks gives the very same words while clauses repeated across requests are cut once.
_BLOCKS: dict[str, tuple[list[str], list[str]]] = {}
_BLOCKS_MAX = 200_000  # bounded, so a long-running scheduler does not grow without end


_ENG = re.compile("[a-zA-Z0-9]")  # jieba's re_eng: single Latin letters and digits are joined into one word


def _cut_han(block: str) -> list[str]:
    """jieba's precise cut without HMM (Tokenizer.__cut_DAG_NO_HMM, what lcut(block, HMM=False) runs) of one
    block of 汉字/Latin/digits: the same dictionary words ending at each position (get_DAG), the same route
    (calc: the same sums in the same order, ties to the later end as jieba's max over (score, end) tuples),
    the same joining of single Latin letters and digits; one pass from the right instead of a DAG dict,
    generators and a second dictionary lookup per word."""
    dt = _jieba().dt
    freq = dt.FREQ
    logtotal = log(dt.total)
    n = len(block)
    score, end = [0.0] * (n + 1), [0] * (n + 1)
    score[n] = 0  # jieba's route[N] = (0, 0)
    for idx in range(n - 1, -1, -1):
        best = best_x = None
        i, f = idx, freq.get(block[idx])
        while f is not None:  # block[idx:i + 1] is a prefix of some dictionary word
            if f:  # ... and a word itself: log(f) - logtotal, as calc's log(FREQ.get(w) or 1) - logtotal
                s = log(f) - logtotal + score[i + 1]
                if best is None or s > best or (s == best and i > best_x):
                    best, best_x = s, i
            i += 1
            if i >= n:
                break
            f = freq.get(block[idx:i + 1])
        if best is None:  # no word starts here: the character alone, log(1) - logtotal
            best, best_x = log(1) - logtotal + score[idx + 1], idx
        score[idx], end[idx] = best, best_x
    words, buf, x = [], "", 0
    while x < n:
        y = end[x] + 1
        w = block[x:y]
        if len(w) == 1 and _ENG.match(w):
            buf += w
        else:
            if buf:
                words.append(buf)
                buf = ""
            words.append(w)
        x = y
    if buf:
        words.append(buf)
    return words


def _block_tokens(block: str) -> tuple[list[str], list[str]]:
    """(words, characters of multi-character words) of one jieba block, cached."""
    got = _BLOCKS.get(block)
    if got is None:
        jieba = _jieba()
        cut = _cut_han(block) if jieba.re_han_default.match(block) else jieba.lcut(block, HMM=False)
        words = [w for w in cut if w not in STOP_WORDS and _WORD.match(w) and not _DIGITS.match(w)]
        got = (words, [c for w in words if len(w) > 1 for c in w if c >= "\u4e00"])
        if len(_BLOCKS) < _BLOCKS_MAX:
            _BLOCKS[block] = got
    return got


def tokenize(text: str) -> list[str]:
    """Words of a Chinese request (jieba, precise mode without HMM for speed), minus stop words and numbers,
    followed by the characters of each multi-character word, so 路灯损坏 and 路灯坏了 or 供水管 and 自来水管
    still share something (paraphrases are the rule in ledgers)."""
    words: list[str] = []
    chars: list[str] = []
    for block in _jieba().re_han_default.split((text or "")[:MAX_CHARS]):
        if block:
            w, c = _block_tokens(block)
            words += w
            chars += c
    return words + chars


def _analyzer():
    cache: dict[str, list[str]] = {}

    def analyze(text):
        # A vectorizer tokenises on fit and again on transform; jieba is the slow part, so run it once a text.
        got = cache.get(text)
        if got is None:
            got = cache[text] = tokenize(text)
        return got
    return analyze


class Vectorizer:
    """TF-IDF rows as scikit-learn's TfidfVectorizer(analyzer=_analyzer(), sublinear_tf=True, dtype=np.float32)
    makes them: sorted vocabulary, tf = 1 + ln(count), smooth idf = ln((1 + n) / (1 + df)) + 1, rows of unit
    length (float32); without importing scikit-learn, whose text module alone costs ~1 s of a fresh process."""

    def __init__(self, analyzer=None):
        self.analyze = analyzer or _analyzer()
        self.vocabulary_: dict[str, int] = {}
        self.idf_ = np.zeros(0, dtype=np.float32)

    def fit(self, texts: Sequence[str]) -> "Vectorizer":
        self._fit_counts(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> csr_matrix:
        return self._weigh(self._fit_counts(texts))

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        docs = [self.analyze(t) for t in texts]
        lens = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        cols = np.fromiter(map(self.vocabulary_.get, chain.from_iterable(docs), repeat(-1)), dtype=np.int64,
                           count=int(lens.sum()))
        known = cols >= 0  # words never seen in fitting carry no weight
        rows = np.repeat(np.arange(len(docs)), lens)[known]
        lens = np.bincount(rows, minlength=len(docs))
        return self._weigh(_counts(cols[known], lens, len(self.vocabulary_)))

    def get_feature_names_out(self) -> np.ndarray:
        return np.array(list(self.vocabulary_), dtype=object)

    def _fit_counts(self, texts: Sequence[str]) -> csr_matrix:
        """Learns the vocabulary and idf from texts; their count matrix, so fit_transform counts once."""
        docs = [self.analyze(t) for t in texts]
        lens = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        # Ids in order of first sight (a C-level map, no Python loop per word), then ranked by the word.
        seen: defaultdict[str, int] = defaultdict()
        seen.default_factory = seen.__len__
        ids = np.fromiter(map(seen.__getitem__, chain.from_iterable(docs)), dtype=np.int64, count=int(lens.sum()))
        if not seen:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        words = sorted(seen)
        rank = np.empty(len(words), dtype=np.int64)
        rank[np.fromiter(map(seen.__getitem__, words), dtype=np.int64, count=len(words))] = np.arange(len(words))
        self.vocabulary_ = dict(zip(words, range(len(words))))
        counts = _counts(rank[ids], lens, len(words))
        # The very float32 steps of TfidfTransformer.fit, so the weights are the same to the last bit.
        df = np.bincount(counts.indices, minlength=len(words)).astype(np.float32)
        df += 1.0
        self.idf_ = np.full_like(df, len(docs) + 1, dtype=np.float32)
        self.idf_ /= df
        np.log(self.idf_, out=self.idf_)
        self.idf_ += 1.0
        return counts

    def _weigh(self, counts: csr_matrix) -> csr_matrix:
        """Counts (changed in place) to unit TF-IDF rows, in TfidfTransformer.transform's float32 steps."""
        data = counts.data
        np.log(data, out=data)
        data += 1.0
        data *= self.idf_[counts.indices]
        return unit_rows(counts)


def _counts(cols: np.ndarray, lens: np.ndarray, n_terms: int) -> csr_matrix:
    """Count matrix (float32 CSR, columns sorted within each row) of documents given as their words' columns
    one document after another, lens words each."""
    indptr = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=indptr[1:])
    index_type = np.int32 if len(cols) < 2 ** 31 and n_terms < 2 ** 31 else np.int64
    counts = csr_matrix((np.ones(len(cols), dtype=np.int32), cols.astype(index_type), indptr.astype(index_type)),
                        shape=(len(lens), n_terms))
    counts.sum_duplicates()  # sorts each row's columns and adds up repeated words (C++, no Python per cell)
    return csr_matrix((counts.data.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape)


def unit_rows(X: csr_matrix) -> csr_matrix:
    """X (CSR) with every row scaled to unit L2 length; zero rows stay zero. The sums are those of scikit-learn's
    normalize: float32 squares added one by one into a float64, each row in stored order."""
    X = csr_matrix(X)
    lens = np.diff(X.indptr)
    starts = X.indptr[:-1]
    squares = X.data * X.data
    sums = np.zeros(X.shape[0])
    # Position k of every row long enough at once: as many numpy steps as the longest row, the same order
    # of additions as a loop along each row.
    order = np.argsort(-lens, kind="stable")
    longer = len(lens) - np.searchsorted(lens[order][::-1], np.arange(lens.max(initial=0)), side="right")
    for k, m in enumerate(longer):
        rows = order[:m]
        sums[rows] += squares[starts[rows] + k]
    norms = np.sqrt(sums)
    norms[norms == 0] = 1.0
    return csr_matrix(((X.data / np.repeat(norms, lens)).astype(X.dtype), X.indices, X.indptr), shape=X.shape)


def vectorize(texts: Sequence[str], *, fit_on: Sequence[str] | None = None) -> tuple[Vectorizer, csr_matrix]:
    """L2-normalised TF-IDF rows for texts (sublinear tf), with the vectorizer fitted on fit_on or the texts."""
    vec = Vectorizer()
    if fit_on is None:
        return vec, vec.fit_transform(list(texts))
    vec.fit(list(fit_on))
    return vec, vec.transform(list(texts))


def _pairs_above(X: csr_matrix, rows: np.ndarray, threshold: float, k: int = NEIGHBOURS):
    """(i, j) pairs within rows: each row's k nearest rows with cosine ≥ threshold (X rows are unit length).
    Keeping only the nearest bounds the edges at k per row even when a whole bucket is one matter."""
    sub = X[rows]
    # Sparse times dense over the bucket's own columns: the very same sums in the same order (entries keep
    # their stored order; nothing is re-sorted) as sparse times sparse, and several times faster, since the
    # similarities within a bucket are mostly non-zero anyway.
    cols, local = np.unique(sub.indices, return_inverse=True)
    if len(cols) * len(rows) <= DENSE_MAX:
        sub = csr_matrix((sub.data, local.ravel(), sub.indptr), shape=(len(rows), len(cols)))
        other = np.zeros((len(cols), len(rows)), dtype=sub.dtype)
        other[sub.indices, np.repeat(np.arange(len(rows)), np.diff(sub.indptr))] = sub.data
    else:  # a bucket with a vast vocabulary: its dense transpose would not fit in memory
        other = sub.T
    chunk = max(1, 4_000_000 // len(rows))  # bounds one dense block even for a huge bucket
    out_i, out_j = [], []
    for s in range(0, len(rows), chunk):
        sims = sub[s:s + chunk] @ other
        sims = sims if isinstance(sims, np.ndarray) else sims.toarray()
        if sims.shape[1] > k:
            nearest = np.argpartition(-sims, k, axis=1)[:, :k]
        else:
            nearest = np.broadcast_to(np.arange(sims.shape[1]), sims.shape)
        picked = np.take_along_axis(sims, nearest, axis=1)
        r, c = np.nonzero(picked >= threshold)
        out_i.append(rows[r + s])
        out_j.append(rows[nearest[r, c]])
    return np.concatenate(out_i), np.concatenate(out_j)


def _buckets(X: csr_matrix, seed: int = 0) -> list[np.ndarray]:
    """Row index sets to compare pairwise: all rows when few, else k-means buckets of about BUCKET_SIZE."""
    n = X.shape[0]
    if n <= 2 * BUCKET_SIZE:
        return [np.arange(n)]
    k = max(2, n // BUCKET_SIZE)
    labels = _kmeans(X, k, seed)
    out = []
    for b in range(k):
        rows = np.flatnonzero(labels == b)
        if len(rows) > 4 * BUCKET_SIZE and len(rows) < n:
            # A bucket k-means left too big is split again, so no pairwise product grows quadratically.
            out.extend(rows[r] for r in _buckets(X[rows], seed + 1))
        elif len(rows):
            out.append(rows)
    return out


def _spread_rows(X: csr_matrix, k: int, rng: np.random.Generator) -> csr_matrix:
    """k rows of X far apart, as initial centres: greedy k-means++ (each next row drawn with odds of its
    distance 1 - cosine to the nearest row chosen, the best of a few draws kept) on a sample of rows. Random
    rows instead would often put two centres in one tight matter and cut it in two."""
    n = X.shape[0]
    S = X[np.sort(rng.choice(n, size=KMEANS_SAMPLE, replace=False))] if n > KMEANS_SAMPLE else X
    tries = 2 + int(log(k))

    def distances(row: int) -> np.ndarray:
        return np.maximum(1.0 - S @ S[row].toarray().ravel(), 0.0)

    chosen = [int(rng.integers(S.shape[0]))]
    nearest = distances(chosen[0])
    for _ in range(1, k):
        total = nearest.sum(dtype=np.float64)
        if total > 0:
            draws = np.searchsorted(np.cumsum(nearest, dtype=np.float64), rng.random(tries) * total, side="right")
            draws = np.minimum(draws, S.shape[0] - 1)
        else:  # every row is a copy of one chosen: any other row will do
            draws = rng.choice(np.setdiff1d(np.arange(S.shape[0]), chosen), size=1)
        options = [np.minimum(nearest, distances(int(r))) for r in draws]
        best = int(np.argmin([o.sum(dtype=np.float64) for o in options]))
        chosen.append(int(draws[best]))
        nearest = options[best]
    return S[chosen]


def _kmeans(X: csr_matrix, k: int, seed: int, rounds: int = KMEANS_ROUNDS) -> np.ndarray:
    """A cluster (0..k-1) per unit-length row: spherical k-means (the nearest centre by cosine, centres the
    normalised sums of their rows) from k-means++ centres, at most rounds rounds; an emptied cluster restarts
    from the row farthest from its centre. Sparse products and numpy only, seeded, no threads: the same
    buckets on every machine."""
    n = X.shape[0]
    rng = np.random.default_rng(seed)
    centres = _spread_rows(X, k, rng).toarray().T.copy()  # terms x k
    labels = np.full(n, -1)
    ones = np.ones(n, dtype=np.float32)
    for _ in range(rounds):
        sims = X @ centres
        new = sims.argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        sums = (csr_matrix((ones, (labels, np.arange(n))), shape=(k, n)) @ X).toarray()
        empty = np.flatnonzero(np.bincount(labels, minlength=k) == 0)
        if len(empty):
            closeness = sims[np.arange(n), labels]
            closeness[np.diff(X.indptr) == 0] = np.inf  # a row with no words would make a centre of nothing
            far = np.argsort(closeness, kind="stable")[:len(empty)]
            sums[empty] = X[far].toarray()
        norms = np.sqrt(np.einsum("ij,ij->i", sums, sums, dtype=np.float64))
        norms[norms == 0] = 1.0
        centres = (sums / norms[:, None]).astype(np.float32).T.copy()
    return labels


def _linked(X: csr_matrix, threshold: float) -> np.ndarray:
    """Connected components of the nearest-neighbour graph with edges of cosine ≥ threshold."""
    n = X.shape[0]
    ii, jj = [], []
    for rows in _buckets(X):
        i, j = _pairs_above(X, rows, threshold)
        ii.append(i)
        jj.append(j)
    return components(n, np.concatenate(ii), np.concatenate(jj))


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """A label per node of the undirected graph with edges (i[e], j[e]) on n nodes, components numbered by
    their smallest node as scipy.sparse.csgraph.connected_components numbers them; in numpy, as importing
    csgraph costs ~0.15 s of a fresh process. Each round, every root hooks under the smallest root next to
    it, then pointers jump to their roots; a parent is never above its node, so there are no cycles."""
    parent = np.arange(n)
    a, b = np.concatenate([i, j]), np.concatenate([j, i])
    while True:
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            break
        np.minimum.at(parent, ra[apart], rb[apart])
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    return np.unique(parent, return_inverse=True)[1].reshape(-1)


def group_labels(X: csr_matrix, threshold: float = THRESHOLD) -> np.ndarray:
    """A group id per row. First requests linked to near neighbours; then groups whose centroids are as
    similar are merged, so two phrasings of one matter join even when each has closer copies of itself."""
    n = X.shape[0]
    if n == 0:
        return np.array([], dtype=int)
    first = _linked(X, threshold)
    member = csr_matrix((np.ones(n, dtype=np.float32), (first, np.arange(n))), shape=(first.max() + 1, n))
    centroids = unit_rows(member @ X)
    return _linked(centroids, threshold)[first]


def _cohesive(X: csr_matrix, labels: np.ndarray, threshold: float) -> np.ndarray:
    """labels with -1 for rows less similar than threshold to their group's centroid: chains of loosely
    related requests (single linkage) do not make a theme of everything."""
    n = X.shape[0]
    member = csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(labels.max() + 1, n))
    centroids = unit_rows(member @ X)
    closeness = np.asarray(X.multiply(centroids[labels]).sum(axis=1)).ravel()
    return np.where(closeness >= threshold, labels, -1)


@dataclass(frozen=True)
class Theme:
    """A recurring problem: its keywords, how many requests, and example numbers (first ones received)."""
    keywords: tuple[str, ...]
    count: int
    examples: tuple[str, ...]
    members: tuple[int, ...]       # positions in the input

    @property
    def label(self) -> str:
        return "、".join(self.keywords)


def themes(texts: Sequence[str], numbers: Sequence[str] | None = None, *, min_count: int = 2,
           threshold: float = THRESHOLD, examples: int = 3, keywords: int = 4, top: int | None = None) -> list[Theme]:
    """Groups of similar requests with at least min_count members, largest first (ties: earliest first)."""
    texts = ["" if t is None else str(t).strip() for t in texts]
    numbers = list(numbers) if numbers is not None else [str(i + 1) for i in range(len(texts))]
    if len(texts) < min_count:
        return []
    # Identical texts (a request filed twice, a template) are one point: grouped once, counted each time.
    distinct, inverse = np.unique(np.array(texts, dtype=object), return_inverse=True)
    try:
        vec, X = vectorize(distinct.tolist())
    except ValueError:  # no words at all (blank or punctuation-only requests)
        return []
    labels = _cohesive(X, group_labels(X, threshold), threshold)[inverse]
    counts = np.bincount(labels[labels >= 0])
    big = np.flatnonzero(counts >= min_count)
    vocab = vec.get_feature_names_out()
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], big)  # -1 (no theme) sorts first and is never in big
    out = []
    for g, s in zip(big, starts):
        members = order[s:s + counts[g]]
        rows = X[inverse[members]]
        if not rows.nnz:
            continue  # requests with no words left (blank) are not a theme
        weight = np.asarray(rows.sum(axis=0)).ravel()
        words = [t for t in np.argsort(-weight, kind="stable") if len(vocab[t]) > 1][:keywords]
        out.append(Theme(tuple(vocab[t] for t in words if weight[t] > 0), int(counts[g]),
                         tuple(numbers[m] for m in members[:examples]), tuple(int(m) for m in members)))
    out.sort(key=lambda th: (-th.count, th.members[0]))
    return out[:top] if top else out


# --- knowledge base -----------------------------------------------------------------------------------------

KB_QUESTION, KB_ANSWER, KB_KEYWORDS, KB_BASIS, KB_UNIT = "问题", "答案", "关键词", "依据文件", "单位"


@dataclass(frozen=True)
class Suggestion:
    """One knowledge-base entry suggested for a request, with its cosine score (0..1)."""
    index: int
    question: str
    answer: str
    basis: str
    score: float


def _kb_text(entry: Mapping) -> str:
    return f"{entry.get(KB_QUESTION) or ''} {entry.get(KB_KEYWORDS) or ''}"


def suggest(kb_entries: Sequence[Mapping], texts: Iterable[str], top: int = 3,
            min_score: float = 0.15) -> list[list[Suggestion]]:
    """For each text, the best-matching knowledge-base entries (rows of the 知识库 worksheet keyed by header:
    问题, 答案, 关键词, 依据文件), best first, at most top, only those scoring at least min_score."""
    texts = ["" if t is None else str(t) for t in texts]
    entries = [e for e in kb_entries if (e.get(KB_QUESTION) or "").strip() and (e.get(KB_ANSWER) or "").strip()]
    if not entries or not texts:
        return [[] for _ in texts]
    kb_texts = [_kb_text(e) for e in entries]
    try:
        vec, K = vectorize(kb_texts, fit_on=kb_texts + texts)
    except ValueError:  # no words at all
        return [[] for _ in texts]
    T = vec.transform(texts)
    sims = (T @ K.T).toarray()
    out = []
    for row in sims:
        best = np.argsort(-row, kind="stable")[:top]
        out.append([Suggestion(int(i), str(entries[i][KB_QUESTION]).strip(), str(entries[i][KB_ANSWER]).strip(),
                               str(entries[i].get(KB_BASIS) or "").strip(), round(float(row[i]), 4))
                    for i in best if row[i] >= min_score])
    return out


def suggestion_cell(suggestions: Sequence[Suggestion], limit: int = 500) -> str:
    """The 知识库建议 cell: numbered question → answer lines, cut to the column's limit (500 字)."""
    lines = [f"{n}. {s.question} → {s.answer}" + (f"(依据:{s.basis})" if s.basis else "")
             for n, s in enumerate(suggestions, 1)]
    text = "\n".join(lines)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def kb_cells(kb_entries: Sequence[Mapping], requests: Mapping[str, tuple[str | None, str | None]],
             categories: Iterable[str] = ("咨询",), top: int = 3) -> dict[str, str]:
    """The 知识库建议 cell per row for the cycle: requests is {row_id: (诉求类别, 主要诉求)}; rows of other
    categories get no entry, 咨询 rows with no match get "" (so a stale suggestion is cleared)."""
    wanted = set(categories)
    rows = [(rid, text) for rid, (category, text) in requests.items() if category in wanted]
    found = suggest(kb_entries, [text or "" for _, text in rows], top=top)
    return {rid: suggestion_cell(s) for (rid, _), s in zip(rows, found)}
