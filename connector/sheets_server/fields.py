"""Google's field masks: `fields` selectors that trim a response, and masks that say which fields to update."""
from __future__ import annotations

import copy


def _split_fields(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _field_tree(fields: str) -> dict:
    """'kind,files(id,name),sheets/properties/title' → {kind: None, files: {id: None, …}, sheets: {…}}."""
    tree: dict = {}
    for part in _split_fields(fields):
        inner = None
        if part.endswith(")") and "(" in part:
            part, inner = part[:part.index("(")], part[part.index("(") + 1:-1]
        node = tree
        keys = part.split("/")
        for key in keys[:-1]:
            if key in node and node[key] is None:
                break  # the whole of it is already selected
            node = node.setdefault(key, {})
        else:
            last = keys[-1]
            sub = _field_tree(inner) if inner is not None else None
            if sub is None or node.get(last, {}) is None:
                node[last] = None
            else:
                node.setdefault(last, {}).update(sub)
    return tree


def _select(obj, tree: dict):
    if isinstance(obj, list):
        return [_select(item, tree) for item in obj]
    if not isinstance(obj, dict):
        return obj
    return {key: obj[key] if sub is None else _select(obj[key], sub) for key, sub in tree.items() if key in obj}


def select_fields(obj, fields: str):
    """Apply a `fields` selector ('kind,nextPageToken,files(id,name)', 'sheets/properties/title') to a response."""
    if fields.strip() == "*":
        return obj
    return _select(obj, _field_tree(fields))


def apply_fields(target: dict, source: dict, fields: str) -> None:
    """Copy the field paths a FieldMask names ('gridProperties/rowCount', 'title', '*') from source to target."""
    if fields.strip() == "*":
        for key, value in source.items():
            if key != "sheetId":
                target[key] = copy.deepcopy(value)
        return
    for path in (p.strip() for p in fields.split(",") if p.strip()):
        keys = path.replace(".", "/").split("/")
        src, dst = source, target
        for key in keys[:-1]:
            src = src.get(key, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(key, {})
        if keys[-1] in src:
            dst[keys[-1]] = copy.deepcopy(src[keys[-1]])
        else:
            dst.pop(keys[-1], None)
