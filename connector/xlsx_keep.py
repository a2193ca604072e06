"""A person's workbook kept aside before a rewrite that could drop what openpyxl cannot keep (charts, shapes…)."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

# Parts of an .xlsx that openpyxl drops or simplifies when it loads and saves a workbook, by what people call
# them. Plain cells, styles, data validation, comments, tables and freeze panes are kept and not listed.
LOSSY_PARTS = (
    ("xl/charts/", "图表"), ("xl/drawings/drawing", "图形、图片或图表"), ("xl/threadedComments/", "新式批注"),
    ("xl/slicers/", "切片器"), ("xl/slicerCaches/", "切片器"), ("xl/timelines/", "日程表"),
    ("xl/ctrlProps/", "表单控件"), ("xl/activeX/", "ActiveX 控件"), ("xl/embeddings/", "嵌入对象"),
    ("xl/vbaProject.bin", "宏"), ("xl/pivotTables/", "数据透视表"), ("xl/richData/", "单元格内图片"),
)
KEEP = 10  # copies kept per workbook, newest first; older ones are removed


def lossy_parts(data: bytes) -> list[str]:
    """What in this workbook a load-and-save by openpyxl could lose, as people call it (in order, once each)."""
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    found = [label for prefix, label in LOSSY_PARTS if any(n.startswith(prefix) for n in names)]
    return list(dict.fromkeys(found))


def copies_dir(path: Path) -> Path:
    """Where the copies of a workbook go: a folder beside it, 「<name>.备份」."""
    return path.with_name(f"{path.stem}.备份")


def marker(path: Path) -> Path:
    """The sidecar holding the digest of the file as the service last saved it."""
    return path.with_name(f".~{path.name}.jiesu-written")


def saved_by_service(path: Path, digest: str) -> bool:
    try:
        return marker(path).read_text(encoding="ascii").strip() == digest
    except OSError:
        return False


def note_saved(path: Path, digest: str) -> None:
    marker(path).write_text(digest, encoding="ascii")


def keep_copy(path: Path, data: bytes, now: datetime, keep: int = KEEP) -> Path:
    """Writes data as 「<name>.备份/<stem>-<YYYYmmdd-HHMMSS>.xlsx」 and removes all but the newest keep copies."""
    folder = copies_dir(path)
    folder.mkdir(exist_ok=True)
    copy = folder / f"{path.stem}-{now:%Y%m%d-%H%M%S}{path.suffix}"
    n = 1
    while copy.exists():  # two saves in one second
        n += 1
        copy = folder / f"{path.stem}-{now:%Y%m%d-%H%M%S}-{n}{path.suffix}"
    copy.write_bytes(data)
    copies = sorted(folder.glob(f"{path.stem}-*{path.suffix}"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)
    return copy
