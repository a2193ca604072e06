"""The cached, block-wise tokenizer gives exactly what jieba gives on the whole text."""
import jieba
from hypothesis import given, settings, strategies as st

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
