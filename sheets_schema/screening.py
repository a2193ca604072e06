"""Acceptance screening (疑似不予受理) and likely duplicates (疑似重复) among a ledger's open requests."""
from __future__ import annotations

import functools
import re

from sheets_schema.parse import normalize, text_key

DUPLICATE_SIMILARITY = 0.85   # Dice coefficient of character bigrams; 1.0 = the same text
_COMPARE_LAST = 50            # compare with at most this many earlier open requests of one enterprise


def match_exclusions(texts: list, exclusions) -> dict[int, list[str]]:
    """{index: [reason, …]} for texts that contain a keyword of one of the profile's exclusions."""
    keyword_reasons: dict[str, list[str]] = {}
    for exclusion in exclusions:
        for keyword in exclusion.keywords:
            key = normalize(keyword).lower()
            if key:
                keyword_reasons.setdefault(key, []).append(exclusion.reason)
    if not keyword_reasons:
        return {}
    # One alternation, longest first, so a scan finds every keyword with a single pass per text.
    pattern = re.compile("|".join(re.escape(k) for k in sorted(keyword_reasons, key=len, reverse=True)))
    found = {}
    for i, text in enumerate(texts):
        if text is None:
            continue
        plain = normalize(text).lower()
        hits = pattern.findall(plain)
        if not hits:
            continue
        reasons = []
        for hit in hits:
            for reason in keyword_reasons[hit]:
                if reason not in reasons:
                    reasons.append(reason)
        # A shorter keyword hidden inside a longer hit is still a match: look for the rest directly.
        for key, key_reasons in keyword_reasons.items():
            if key not in hits and key in plain:
                reasons.extend(r for r in key_reasons if r not in reasons)
        found[i] = reasons
    return found


@functools.lru_cache(maxsize=65536)
def enterprise_keys(name, code) -> tuple[str, ...]:
    """Keys under which one enterprise is recognised: its normalised name and its credit code."""
    keys = []
    if name is not None and text_key(name):
        keys.append("n:" + text_key(name))
    if code is not None:
        plain = normalize(code).replace(" ", "").upper()
        if len(plain) == 18:
            keys.append("c:" + plain)
    return tuple(keys)


def _bigrams(key: str) -> frozenset:
    return frozenset(key[i:i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset((key,))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams of two already reduced texts (text_key)."""
    if a == b:
        return 1.0
    ga, gb = _bigrams(a), _bigrams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


# The sync job validates the same ledgers every few minutes: keep the reduced text of the requests it saw.
_text_key = functools.lru_cache(maxsize=1 << 18)(text_key)


def find_duplicates(order: list[int], names: list, codes: list, texts: list) -> dict[int, int]:
    """{index: earlier index} for open requests whose enterprise has an earlier open, near-identical request.

    `order` lists the open requests' indices in order of acceptance; only those are compared, and each
    only with earlier requests of the same enterprise, so the work grows with the ledger, not its square."""
    buckets: dict[str, list[list]] = {}   # enterprise key -> [[position, index, text key, bigrams or None]]
    found = {}
    for pos, i in enumerate(order):
        text = texts[i]
        key = (_text_key(text) if text.__class__ is str else text_key(text)) if text is not None else ""
        if not key:
            continue
        try:
            keys = enterprise_keys(names[i], codes[i])
        except TypeError:  # unhashable cell from a foreign reader
            keys = enterprise_keys.__wrapped__(names[i], codes[i])
        entry = [pos, i, key, None]
        match = None
        for ek in keys:
            for other in buckets.get(ek, ())[-_COMPARE_LAST:]:
                if other[2] == key or _similar(entry, other):
                    if match is None or other[0] < match[0]:
                        match = other
                    break
        if match is not None:
            found[i] = match[1]
        for ek in keys:
            buckets.setdefault(ek, []).append(entry)
    return found


def _similar(a: list, b: list) -> bool:
    # Bigram sets are built only when an enterprise has an earlier open request to compare with.
    if a[3] is None:
        a[3] = _bigrams(a[2])
    if b[3] is None:
        b[3] = _bigrams(b[2])
    return 2 * len(a[3] & b[3]) / (len(a[3]) + len(b[3])) >= DUPLICATE_SIMILARITY
