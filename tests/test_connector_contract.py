"""The ledger contract, run against both backends: read, write, append, init, people editing, bad workbooks."""
import random

import openpyxl
import pytest

from connector.base import ROW_ID_HEADER, CellWrite, LedgerError, ServiceOnlyError
from connector.setup import ColumnSpec, SheetSpec, WorkbookSpec, column_letter
from connector.xlsx import XlsxLedger

LEDGER = "台账"
HUMAN = ("受理时间", "诉求企业", "诉求类别", "主要诉求")
SERVICE = ("诉求编号", "督办状态", "校验结果")
SPEC = WorkbookSpec((
    SheetSpec(LEDGER, (ColumnSpec("诉求编号", True), ColumnSpec("受理时间"), ColumnSpec("诉求企业"),
                       ColumnSpec("诉求类别", choices=("咨询", "求助", "投诉", "举报", "意见建议")),
                       ColumnSpec("主要诉求"), ColumnSpec("督办状态", True), ColumnSpec("校验结果", True),
                       ColumnSpec("承办单位"))),
    SheetSpec("督办记录", (ColumnSpec("诉求编号", True), ColumnSpec("内容", True))),
))
SERVICE_HEADERS = SPEC.service_headers


# -- a person at the keyboard, per backend ------------------------------------------------------------
class XlsxWorld:
    """A ledger file plus a person editing it with a spreadsheet program (openpyxl saving the same file)."""

    name = "xlsx"

    def __init__(self, tmp_path):
        self.path = tmp_path / "ledger.xlsx"

    def ledger(self):
        return XlsxLedger(self.path, SERVICE_HEADERS)

    def _edit(self, fn):
        wb = openpyxl.load_workbook(self.path)
        fn(wb)
        wb.save(self.path)

    def grid(self, sheet=LEDGER):
        wb = openpyxl.load_workbook(self.path)
        return [["" if v is None else v for v in r] for r in wb[sheet].iter_rows(values_only=True)]

    def type_rows(self, rows, sheet=LEDGER):
        """Rows typed at the bottom: {header: value}, no 记录标识."""
        def fn(wb):
            ws = wb[sheet]
            header = [c.value for c in ws[1]]
            last = max([r for r in range(1, ws.max_row + 1) if any(c.value for c in ws[r])] or [1])
            for i, rec in enumerate(rows, start=last + 1):
                for h, v in rec.items():
                    ws.cell(i, header.index(h) + 1).value = v
        self._edit(fn)

    def insert_row(self, at, rec, sheet=LEDGER):
        def fn(wb):
            ws = wb[sheet]
            header = [c.value for c in ws[1]]
            ws.insert_rows(at)
            for h, v in rec.items():
                ws.cell(at, header.index(h) + 1).value = v
        self._edit(fn)

    def delete_row(self, at, sheet=LEDGER):
        self._edit(lambda wb: wb[sheet].delete_rows(at))

    def sort(self, header, reverse=False, sheet=LEDGER):
        def fn(wb):
            ws = wb[sheet]
            head = [c.value for c in ws[1]]
            rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_col=len(head))]
            rows = [r for r in rows if any(v not in (None, "") for v in r)]
            rows.sort(key=lambda r: str(r[head.index(header)] or ""), reverse=reverse)
            for i, r in enumerate(rows, start=2):
                for j, v in enumerate(r, start=1):
                    ws.cell(i, j).value = v
        self._edit(fn)

    def set_cell(self, row, header, value, sheet=LEDGER):
        def fn(wb):
            ws = wb[sheet]
            head = [c.value for c in ws[1]]
            ws.cell(row, head.index(header) + 1).value = value
        self._edit(fn)

    def insert_column(self, at, header, sheet=LEDGER):
        def fn(wb):
            wb[sheet].insert_cols(at)
            wb[sheet].cell(1, at).value = header
        self._edit(fn)

    def merge(self, ref, sheet=LEDGER):
        self._edit(lambda wb: wb[sheet].merge_cells(ref))

    def rename_header(self, old, new, sheet=LEDGER):
        self.set_cell(1, old, new, sheet)

    def remove_sheet(self, sheet):
        self._edit(lambda wb: wb.remove(wb[sheet]))

    def make_empty_workbook(self):
        wb = openpyxl.Workbook()
        wb.save(self.path)

    def snapshot_bytes(self):
        return self.path.read_bytes() if self.path.exists() else None


class GSheetsWorld:
    """A spreadsheet on the local Sheets server plus a person editing it in the browser (the server's Person,
    or their own gspread client for what Person does not offer)."""

    name = "gsheets"

    def __init__(self, server):
        self.server = server
        self.key = server.client().create("台账").id
        self.person = server.person(self.key)

    def ledger(self):
        from connector.gsheets import GSheetsLedger
        from connector.http import open_client
        return GSheetsLedger(open_client(api_base=self.server.url, base_delay=0.01), self.key, SERVICE_HEADERS)

    def _ws(self, sheet):
        return self.server.client().open_by_key(self.key).worksheet(sheet)

    def grid(self, sheet=LEDGER):
        rows = self.person.values(sheet)
        width = max([len(r) for r in rows] or [0])
        return [list(r) + [""] * (width - len(r)) for r in rows]

    def _line(self, rec, sheet):
        head = self.person.values(sheet)[0]
        line = [""] * len(head)
        for h, v in rec.items():
            line[head.index(h)] = v
        return line

    def type_rows(self, rows, sheet=LEDGER):
        at = len([r for r in self.person.values(sheet) if any(r)]) + 1
        self.person.insert_rows(sheet, at, [self._line(r, sheet) for r in rows])

    def insert_row(self, at, rec, sheet=LEDGER):
        self.person.insert_rows(sheet, at, [self._line(rec, sheet)] if rec else 1)

    def delete_row(self, at, sheet=LEDGER):
        self.person.delete_rows(sheet, at)

    def sort(self, header, reverse=False, sheet=LEDGER):
        self.person.sort(sheet, self.person.values(sheet)[0].index(header) + 1, descending=reverse)

    def set_cell(self, row, header, value, sheet=LEDGER):
        col = self.person.values(sheet)[0].index(header)
        self.person.type(sheet, f"{column_letter(col)}{row}", value)

    def insert_column(self, at, header, sheet=LEDGER):
        ws = self._ws(sheet)
        ws.insert_cols([[header]], col=at)

    def merge(self, ref, sheet=LEDGER):
        self._ws(sheet).merge_cells(ref)

    def rename_header(self, old, new, sheet=LEDGER):
        self.set_cell(1, old, new, sheet)

    def remove_sheet(self, sheet):
        ss = self.server.client().open_by_key(self.key)
        ss.del_worksheet(ss.worksheet(sheet))

    def make_empty_workbook(self):
        self.key = self.server.client().create("空表").id
        self.person = self.server.person(self.key)

    def snapshot_bytes(self):
        ss = self.server.client().open_by_key(self.key)
        return repr({ws.title: self.person.values(ws.title) for ws in ss.worksheets()})


@pytest.fixture(scope="module")
def local_sheets():
    from connector.sheets_server import serve_in_thread
    with serve_in_thread() as server:
        yield server


@pytest.fixture(params=["xlsx", "gsheets"])
def world(request, tmp_path):
    if request.param == "xlsx":
        return XlsxWorld(tmp_path)
    return GSheetsWorld(request.getfixturevalue("local_sheets"))


@pytest.fixture
def ready(world):
    """A freshly initialised ledger with three stamped rows and two rows typed by a clerk."""
    led = world.ledger()
    led.init(SPEC)
    led.append(LEDGER, [{"诉求企业": f"甲{i}公司", "诉求类别": "投诉", "主要诉求": f"诉求{i}"} for i in range(3)])
    world.type_rows([{"诉求企业": "乙公司", "受理时间": "2026-03-05 09:30", "主要诉求": "请求协调"},
                     {"诉求企业": "丙公司", "诉求类别": "咨询"}])
    return world, led


def _rows(world, sheet=LEDGER):
    g = world.grid(sheet)
    head = [str(h) for h in g[0]]
    return [dict(zip(head, r)) for r in g[1:] if any(v != "" for v in r)]


# -- read ----------------------------------------------------------------------------------------------
def test_read_gives_header_rows_and_row_numbers(ready):
    world, led = ready
    snap = led.read([LEDGER])
    g = snap[LEDGER]
    assert g.header[:3] == ["诉求编号", "受理时间", "诉求企业"] and ROW_ID_HEADER in g.header
    assert [r.number for r in g.rows] == [2, 3, 4, 5, 6]
    recs = g.records()
    assert [r["诉求企业"] for r in recs] == ["甲0公司", "甲1公司", "甲2公司", "乙公司", "丙公司"]
    assert all(recs[i][ROW_ID_HEADER].startswith("R") for i in range(3))
    assert recs[3][ROW_ID_HEADER] == "" and recs[3]["主要诉求"] == "请求协调"


def test_columns_found_by_header_after_a_person_adds_one(ready):
    world, led = ready
    g0 = led.read([LEDGER])[LEDGER]
    ref = g0.ref(g0.rows[3], SERVICE_HEADERS)  # 乙公司, typed by the clerk, no id yet
    world.insert_column(1, "我的备注")  # every column shifts right by one
    g = led.read([LEDGER])[LEDGER]
    assert g.header[0] == "我的备注" and g.records()[3]["诉求企业"] == "乙公司"
    res = led.write([CellWrite(ref, {"督办状态": "黄灯"})])
    assert [l.number for l in res.landed] == [5]
    row = _rows(world)[3]
    assert row["督办状态"] == "黄灯" and row["我的备注"] == "" and row["诉求企业"] == "乙公司"


def test_a_sheet_without_header_row_is_a_clear_error(ready):
    world, led = ready
    world.insert_row(1, {})
    with pytest.raises(LedgerError, match="没有表头"):
        led.read([LEDGER])


# -- write ---------------------------------------------------------------------------------------------
def test_write_service_cells_lands_and_stamps_new_rows(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    writes = [CellWrite(g.ref(r, SERVICE_HEADERS), {"督办状态": f"黄灯:{g.value(r, '诉求企业')}",
                                                    "校验结果": "=通过"}) for r in g.rows]
    res = led.write(writes)
    assert len(res.landed) == 5 and not res.missed
    after = _rows(world)
    for row in after:
        assert row["督办状态"] == f"黄灯:{row['诉求企业']}"
        assert row["校验结果"] == "=通过"  # formula-looking text kept as text
        assert str(row[ROW_ID_HEADER]).startswith("R")
    assert len({r[ROW_ID_HEADER] for r in after}) == 5
    assert after[3]["主要诉求"] == "请求协调"  # the clerk's cell untouched


def test_a_new_row_is_stamped_with_the_identity_the_write_names(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    new = [r for r in g.rows if not g.row_id(r)]
    reserved = [f"Rreserved{i}" for i in range(len(new))]
    res = led.write([CellWrite(g.ref(r, SERVICE_HEADERS), {ROW_ID_HEADER: rid, "督办状态": "正常"})
                     for r, rid in zip(new, reserved)])
    assert sorted(l.row_id for l in res.landed) == sorted(reserved) and not res.missed
    assert [r[ROW_ID_HEADER] for r in _rows(world)[3:]] == reserved


def test_digest_changes_with_any_cell_and_only_then(ready):
    world, led = ready
    first = led.read([LEDGER])[LEDGER]
    assert led.read([LEDGER])[LEDGER].digest() == first.digest()
    world.type_rows([])  # typing nothing changes nothing
    assert led.read([LEDGER])[LEDGER].digest() == first.digest()
    world.set_cell(3, "主要诉求", "改过的诉求")
    edited = led.read([LEDGER])[LEDGER]
    assert edited.digest() != first.digest()
    g = edited
    led.write([CellWrite(g.ref(g.rows[0], SERVICE_HEADERS), {"督办状态": "正常"})])
    assert led.read([LEDGER])[LEDGER].digest() != edited.digest()


def test_dispatch_fills_a_blank_unit_but_never_a_persons_choice(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    first, second = g.rows[0], g.rows[1]          # stamped rows: found by 记录标识 whatever people type
    world.set_cell(2, "承办单位", "区住建局")   # a coordinator types 甲0公司's unit after the read
    res = led.write([CellWrite(g.ref(r, SERVICE_HEADERS), {"承办单位": "区营商办"}, only_if_blank=True)
                     for r in (first, second)])
    assert len(res.landed) == 2 and not res.missed
    after = _rows(world)
    assert after[0]["承办单位"] == "区住建局" and after[1]["承办单位"] == "区营商办"
    with pytest.raises(ServiceOnlyError):
        led.write([CellWrite(g.ref(first, SERVICE_HEADERS), {"主要诉求": "x"}, only_if_blank=True)])
    assert _rows(world)[0]["主要诉求"] == "诉求0"


def test_write_refuses_human_columns_and_writes_nothing(ready):
    world, led = ready
    before = world.grid()
    g = led.read([LEDGER])[LEDGER]
    with pytest.raises(ServiceOnlyError, match="诉求企业"):
        led.write([CellWrite(g.ref(g.rows[0], SERVICE_HEADERS), {"督办状态": "红灯"}),
                   CellWrite(g.ref(g.rows[1], SERVICE_HEADERS), {"诉求企业": "改名公司"})])
    assert world.grid() == before


# -- append --------------------------------------------------------------------------------------------
def test_append_puts_rows_after_the_last_with_ids(ready):
    world, led = ready
    ids = led.append("督办记录", [{"诉求编号": "〔2026〕第0001号", "内容": "黄灯提醒"},
                                  {"诉求编号": "〔2026〕第0002号", "内容": "+红灯"}])
    assert len(ids) == 2 and len(set(ids)) == 2
    rows = _rows(world, "督办记录")
    assert [(r["诉求编号"], r["内容"], r[ROW_ID_HEADER]) for r in rows] == [
        ("〔2026〕第0001号", "黄灯提醒", ids[0]), ("〔2026〕第0002号", "+红灯", ids[1])]
    with pytest.raises(LedgerError, match="没有这些列"):
        led.append("督办记录", [{"不存在的列": "x"}])
    assert len(_rows(world, "督办记录")) == 2


# -- init ----------------------------------------------------------------------------------------------
def test_init_is_idempotent_and_adds_missing_without_deleting(ready):
    world, led = ready
    world.remove_sheet("督办记录")
    before = _rows(world)
    bigger = WorkbookSpec((SheetSpec(LEDGER, SPEC.sheet(LEDGER).columns + (ColumnSpec("备注"),)),
                           SPEC.sheet("督办记录")))
    rep = led.init(bigger)
    assert rep.created_sheets == ["督办记录"] and rep.added_columns == {LEDGER: ["备注"]}
    after = _rows(world)
    assert [{k: v for k, v in r.items() if k != "备注"} for r in after] == before
    assert led.init(bigger).created_sheets == [] and led.init(bigger).added_columns == {}
    assert _rows(world) == after


# -- people editing between the read and the write --------------------------------------------------
@pytest.mark.parametrize("seed", [20260305, 7, 2024])
def test_rows_followed_or_reported_under_random_edits(ready, seed):
    world, led = ready
    rng = random.Random(seed)
    serial = 0
    moved = missed_total = 0
    for it in range(12):
        g = led.read([LEDGER])[LEDGER]
        chosen = rng.sample(g.rows, k=min(len(g.rows), rng.randint(1, 5)))
        names = {r.number: g.value(r, "诉求企业") for r in chosen}
        stamped = {r.number: bool(g.row_id(r)) for r in chosen}
        writes = [CellWrite(g.ref(r, SERVICE_HEADERS), {"督办状态": f"{it}#{names[r.number]}"}) for r in chosen]
        deleted, edited = set(), set()
        for _ in range(rng.randint(1, 4)):
            rows = _rows(world)
            op = rng.choice(["insert", "delete", "sort", "edit"])
            if op == "insert" or len(rows) < 4:
                serial += 1
                world.insert_row(rng.randint(2, len(rows) + 2), {"诉求企业": f"新{serial}公司", "主要诉求": "新增"})
            elif op == "delete":
                at = rng.randint(2, len(rows) + 1)
                deleted.add(rows[at - 2]["诉求企业"])
                world.delete_row(at)
            elif op == "sort":
                world.sort(rng.choice(["诉求企业", "主要诉求", "督办状态"]), reverse=rng.random() < 0.5)
            else:
                at = rng.randint(2, len(rows) + 1)
                edited.add(rows[at - 2]["诉求企业"])
                world.set_cell(at, "主要诉求", f"改{it}")
        before = _rows(world)
        res = led.write(writes)
        after = _rows(world)
        assert len(res.landed) + len(res.missed) == len(writes)
        # Nothing but service cells changed, and no row moved.
        strip = lambda rows: [{k: v for k, v in r.items() if k not in ("督办状态", ROW_ID_HEADER)} for r in rows]
        assert strip(after) == strip(before)
        # Every mark sits on the row it was meant for.
        for row in after:
            mark = str(row["督办状态"])
            if mark.startswith(f"{it}#"):
                assert mark == f"{it}#{row['诉求企业']}"
        landed = {names[l.ref.number] for l in res.landed}
        missed = {names[m.ref.number] for m in res.missed}
        for name in missed:
            assert name in deleted or (name in edited and not stamped_by_name(stamped, names, name)), name
        for name in landed:
            assert name not in deleted
            assert any(r["督办状态"] == f"{it}#{name}" for r in after)
        for name in set(names.values()) - deleted - edited:
            assert name in landed, f"{name} should have been followed"
        moved += sum(l.number != l.ref.number for l in res.landed)
        missed_total += len(res.missed)
    assert moved and missed_total  # the edits really moved rows and really removed some


def stamped_by_name(stamped, names, name):
    return any(stamped[n] for n, v in names.items() if v == name)


def test_duplicated_row_id_is_reported_not_guessed(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    first = g.rows[0]
    ref = g.ref(first, SERVICE_HEADERS)
    copy = {h: g.value(first, h) for h in HUMAN + (ROW_ID_HEADER,) if g.value(first, h) != ""}
    world.insert_row(4, copy)  # a clerk copies the whole row, hidden id included
    res = led.write([CellWrite(ref, {"督办状态": "红灯"})])
    assert not res.landed and "重复" in res.missed[0].reason
    assert all(r["督办状态"] == "" for r in _rows(world))


# -- bad workbooks: a clear error and nothing touched ----------------------------------------------
@pytest.mark.parametrize("damage, match", [
    (lambda w: w.remove_sheet(LEDGER), "缺少工作表"),
    (lambda w: w.rename_header("诉求企业", "企业名称"), None),
    (lambda w: w.merge("B3:C3"), "合并单元格"),
])
def test_bad_workbooks_give_clear_errors_and_touch_nothing(ready, damage, match):
    world, led = ready
    damage(world)
    fresh = world.ledger()  # a new process: no cached layout
    before = world.snapshot_bytes()
    if match is None:  # a renamed human header: reading works, writing a service cell still lands
        g = fresh.read([LEDGER])[LEDGER]
        assert "企业名称" in g.header and g.col("诉求企业") is None
        return
    with pytest.raises(LedgerError, match=match):
        fresh.read([LEDGER])
    assert world.snapshot_bytes() == before


def test_renamed_service_header_is_reported_per_write(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    world.rename_header("督办状态", "督办")
    res = led.write([CellWrite(g.ref(g.rows[0], SERVICE_HEADERS), {"督办状态": "红灯"})])
    assert not res.landed and "缺少列" in res.missed[0].reason
    assert all(r.get("督办", "") == "" for r in _rows(world))


def test_empty_workbook_is_a_clear_error(world):
    world.make_empty_workbook()
    before = world.snapshot_bytes()
    with pytest.raises(LedgerError, match="缺少工作表「台账」"):
        world.ledger().read([LEDGER])
    assert world.snapshot_bytes() == before


def test_a_worksheet_deleted_between_read_and_write_is_reported(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    world.remove_sheet(LEDGER)
    before = world.snapshot_bytes()
    res = led.write([CellWrite(g.ref(r, SERVICE_HEADERS), {"督办状态": "红灯"}) for r in g.rows])
    assert not res.landed and len(res.missed) == len(g.rows)
    assert all("已不存在" in m.reason for m in res.missed)
    if world.name == "gsheets":
        assert world.snapshot_bytes() == before


def test_optional_sheets_are_read_when_present_and_skipped_when_not(ready):
    world, led = ready
    snap = led.read([LEDGER], optional=["督办记录", "没有这张表"])
    assert set(snap.grids) == {LEDGER, "督办记录"}
    with pytest.raises(LedgerError, match="没有这张表"):
        led.read(["没有这张表"])
