"""The Google Sheets backend through gspread 6: one batchGet per read, one batchUpdate per write, RAW values."""
from __future__ import annotations

import time
from typing import Iterable, Mapping

from gspread.exceptions import APIError

from connector import setup
from connector.base import (
    ROW_ID_HEADER, CellWrite, Grid, InitReport, Ledger, LedgerError, Snapshot, WriteResult, append_matrix,
    cell_text, checked_batch, grid_from_values, plan_writes,
)
from connector.http import SheetsUnavailable

READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING",
               "majorDimension": "ROWS"}
PROTECTION_DESCRIPTION = "jiesu: 服务列 / service-owned column"


def a1_sheet(title: str) -> str:
    """A sheet title quoted for A1 notation ('It''s' style)."""
    return "'" + title.replace("'", "''") + "'"


def _api_error(exc: APIError, what: str) -> LedgerError:
    code = getattr(exc, "code", None)
    return LedgerError(f"Google 表格拒绝{what}(HTTP {code}): {exc} / Sheets refused {what}", permanent=True)


class GSheetsLedger(Ledger):
    """A ledger kept in one Google spreadsheet (or the local Sheets server), read and written in batches."""

    def __init__(self, client, key: str, service_headers: Iterable[str] = (), *, metadata_ttl: float = 3600.0,
                 append_attempts: int = 3):
        self.client = client
        self.http = client.http_client
        self.key = key
        self.service_headers = frozenset(service_headers) | {ROW_ID_HEADER}
        self.metadata_ttl = metadata_ttl
        self.append_attempts = append_attempts
        self._meta = None
        self._meta_at = 0.0

    # -- metadata (cached: titles, sheet ids, merges, protections) -------------------------------
    def metadata(self, refresh: bool = False) -> dict:
        if refresh or self._meta is None or time.monotonic() - self._meta_at > self.metadata_ttl:
            try:
                self._meta = self.http.fetch_sheet_metadata(self.key)
            except APIError as exc:
                if getattr(exc, "code", None) == 404:
                    raise LedgerError(f"找不到 Google 表格 {self.key} / spreadsheet not found: {self.key}") from exc
                raise _api_error(exc, "读取表格信息") from exc
            self._meta_at = time.monotonic()
        return self._meta

    def _sheet_meta(self, title: str, refresh=False) -> dict | None:
        for s in self.metadata(refresh).get("sheets", []):
            if s["properties"]["title"] == title:
                return s
        return None

    def _check_titles(self, titles):
        """Explain a failed range read: which worksheet is missing (costs one metadata request)."""
        present = [s["properties"]["title"] for s in self.metadata(refresh=True).get("sheets", [])]
        for t in titles:
            if t not in present:
                raise LedgerError(f"表格缺少工作表「{t}」(现有: {'、'.join(present) or '(无)'});可运行 jiesu init "
                                  f"补齐 / spreadsheet has no worksheet {t!r}")

    def _check_merges(self, titles):
        for t in titles:
            meta = self._sheet_meta(t)
            merges = (meta or {}).get("merges") or []
            if merges:
                refs = []
                for m in merges[:5]:
                    refs.append(f"{setup.column_letter(m.get('startColumnIndex', 0))}{m.get('startRowIndex', 0) + 1}:"
                                f"{setup.column_letter(m.get('endColumnIndex', 1) - 1)}{m.get('endRowIndex', 1)}")
                raise LedgerError(f"工作表「{t}」有合并单元格 {'、'.join(refs)},请取消合并 / worksheet {t!r} has "
                                  f"merged cells ({', '.join(refs)}); unmerge them")

    # -- reading ---------------------------------------------------------------------------------
    def _batch_get(self, titles: list[str]) -> dict[str, Grid]:
        try:
            resp = self.http.values_batch_get(self.key, [a1_sheet(t) for t in titles], params=dict(READ_PARAMS))
        except APIError as exc:
            if getattr(exc, "code", None) == 400:
                self._check_titles(titles)
            if getattr(exc, "code", None) == 404:
                raise LedgerError(f"找不到 Google 表格 {self.key} / spreadsheet not found: {self.key}") from exc
            raise _api_error(exc, "读取") from exc
        ranges = resp.get("valueRanges", [])
        return {t: grid_from_values(t, vr.get("values", [])) for t, vr in zip(titles, ranges)}

    def read(self, sheets: Iterable[str], optional: Iterable[str] = ()) -> Snapshot:
        titles = list(dict.fromkeys(sheets))
        titles += [t for t in dict.fromkeys(optional) if t not in titles and self._sheet_meta(t) is not None]
        self._check_merges(titles)  # from cached metadata: no request in a steady cycle
        return Snapshot(self._batch_get(titles))

    # -- writing ---------------------------------------------------------------------------------
    def write(self, writes: Iterable[CellWrite], appends: Mapping[str, list[Mapping]] | None = None,
              *, owner: str = "service") -> WriteResult:
        writes, appends = checked_batch(writes, appends, self.service_headers, owner)
        if not writes and not appends:
            return WriteResult()
        wanted = list(dict.fromkeys([w.ref.sheet for w in writes] + list(appends)))
        if any(self._sheet_meta(t) is None for t in wanted):
            self.metadata(refresh=True)  # the cache may predate a sheet someone added since
        present = {t for t in wanted if self._sheet_meta(t) is not None}
        for t in appends:
            if t not in present:
                self._check_titles([t])
        titles = [t for t in wanted if t in present]
        try:
            grids = self._batch_get(titles) if titles else {}  # re-locate rows immediately before writing
        except LedgerError:
            # A sheet deleted since the metadata was cached: its writes are reported, the others go ahead.
            self.metadata(refresh=True)
            titles = [t for t in titles if self._sheet_meta(t) is not None]
            self._check_titles([t for t in appends if t not in titles])
            grids = self._batch_get(titles) if titles else {}
        planned, result = plan_writes(grids, writes, self.service_headers)
        data = []
        for grid, row, values, _ in planned:
            cols = sorted((grid.col(h), v) for h, v in values.items())
            run_start, run = None, []
            for c, v in cols + [(None, None)]:  # contiguous service cells of a row go in one range
                if run and (c is None or c != run_start + len(run)):
                    data.append({"range": f"{a1_sheet(grid.title)}!{setup.column_letter(run_start)}{row.number}",
                                 "values": [[_raw(x) for x in run]]})
                    run = []
                if c is not None:
                    if not run:
                        run_start = c
                    run.append(v)
        if data:
            try:
                self.http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})
            except APIError as exc:
                raise _api_error(exc, "写入") from exc
        for title, rows in appends.items():
            result.appended[title] = self._append(grids[title], rows)
        return result

    def _append(self, grid: Grid, rows: list[Mapping]) -> list[str]:
        """One values:append; after an append of unknown outcome, re-read ids and append only what is missing."""
        matrix, ids = append_matrix(grid, rows)
        id_col = grid.col(ROW_ID_HEADER)
        for attempt in range(1, self.append_attempts + 1):
            try:
                self.http.values_append(self.key, f"{a1_sheet(grid.title)}!A1",
                                        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                                        body={"values": [[_raw(x) for x in line] for line in matrix]})
                return ids
            except APIError as exc:
                raise _api_error(exc, "追加行") from exc
            except SheetsUnavailable:
                if id_col is None or attempt == self.append_attempts:
                    raise
                fresh = self._batch_get([grid.title])[grid.title]
                there = {fresh.row_id(r) for r in fresh.rows}
                matrix = [line for line in matrix if cell_text(line[id_col]) not in there]
                if not matrix:
                    return ids
        return ids

    # -- setting up ------------------------------------------------------------------------------
    def init(self, spec: "setup.WorkbookSpec | None" = None) -> InitReport:
        spec = spec or setup.default_spec()
        report = InitReport()
        meta = self.metadata(refresh=True)
        present = {s["properties"]["title"] for s in meta.get("sheets", [])}
        adds = []
        for sheet in spec.sheets:
            if sheet.title not in present:
                adds.append({"addSheet": {"properties": {"title": sheet.title, "gridProperties": {
                    "rowCount": 1000, "columnCount": max(26, len(sheet.headers())), "frozenRowCount": 1}}}})
                report.created_sheets.append(sheet.title)
        if adds:
            # A brand-new spreadsheet's lone empty "Sheet1" goes once the ledger's sheets exist (never with data).
            others = [s for s in meta.get("sheets", []) if s["properties"]["title"] not in
                      {sh.title for sh in spec.sheets}]
            if len(others) == 1 and len(present) == 1:
                title = others[0]["properties"]["title"]
                got = self.http.values_get(self.key, a1_sheet(title))
                if not got.get("values"):
                    adds.append({"deleteSheet": {"sheetId": others[0]["properties"]["sheetId"]}})
                    report.notes.append(f"删除了新表格中的空白工作表「{title}」")
            self._batch_update(adds)
            meta = self.metadata(refresh=True)
        titles = [s.title for s in spec.sheets]
        heads = self.http.values_batch_get(self.key, [f"{a1_sheet(t)}!1:1" for t in titles],
                                           params=dict(READ_PARAMS)).get("valueRanges", [])
        header_by_title, data, grow = {}, [], []
        for sheet, vr in zip(spec.sheets, heads):
            header = [cell_text(v) for v in (vr.get("values") or [[]])[0]]
            while header and not header[-1]:
                header.pop()
            added = [h for h in sheet.headers() if h not in header]
            if added:
                data.append({"range": f"{a1_sheet(sheet.title)}!{setup.column_letter(len(header))}1",
                             "values": [added]})
                if sheet.title not in report.created_sheets:
                    report.added_columns[sheet.title] = added
                header = header + added
            header_by_title[sheet.title] = header
            props = self._sheet_meta(sheet.title)["properties"]
            have = props.get("gridProperties", {}).get("columnCount", 26)
            if len(header) > have:
                grow.append({"appendDimension": {"sheetId": props["sheetId"], "dimension": "COLUMNS",
                                                 "length": len(header) - have}})
        if grow:
            self._batch_update(grow)
        if data:
            self.http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})
        requests = []
        for sheet in spec.sheets:
            requests += self._format_requests(sheet, header_by_title[sheet.title])
        if requests:
            self._batch_update(requests)
        self.metadata(refresh=True)
        return report

    def _batch_update(self, requests: list[dict]):
        try:
            return self.http.batch_update(self.key, {"requests": requests})
        except APIError as exc:
            raise _api_error(exc, "更新表格设置") from exc

    def _format_requests(self, sheet: "setup.SheetSpec", header: list[str]) -> list[dict]:
        """Frozen header, header styles and notes, dropdowns, hidden id column, protections, status colours."""
        meta = self._sheet_meta(sheet.title)
        sid = meta["properties"]["sheetId"]
        service = sheet.service_headers
        by_header = {c.header: c for c in sheet.columns}
        out = [{"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {"frozenRowCount": 1}},
                                          "fields": "gridProperties.frozenRowCount"}}]
        protected = {(p.get("range", {}).get("startColumnIndex"))
                     for p in meta.get("protectedRanges") or [] if p.get("description") == PROTECTION_DESCRIPTION}
        for i, h in enumerate(header):
            own = h in service
            col = {"sheetId": sid, "startColumnIndex": i, "endColumnIndex": i + 1}
            fill = setup.SERVICE_HEADER_FILL if own else setup.HUMAN_HEADER_FILL
            cell = {"userEnteredFormat": {"backgroundColor": _rgb(fill),
                                          "textFormat": {"bold": True, "italic": own}}}
            fields = "userEnteredFormat(backgroundColor,textFormat)"
            if own:
                cell["note"] = setup.ROW_ID_NOTE if h == ROW_ID_HEADER else setup.SERVICE_NOTE
                fields += ",note"
            out.append({"repeatCell": {"range": dict(col, startRowIndex=0, endRowIndex=1), "cell": cell,
                                       "fields": fields}})
            spec_col = by_header.get(h)
            if spec_col and spec_col.choices:
                out.append({"setDataValidation": {"range": dict(col, startRowIndex=1), "rule": {
                    "condition": {"type": "ONE_OF_LIST",
                                  "values": [{"userEnteredValue": v} for v in spec_col.choices]},
                    "inputMessage": "请从下拉列表中选择", "strict": spec_col.strict, "showCustomUi": True}}})
            if h == ROW_ID_HEADER:
                out.append({"updateDimensionProperties": {"range": {"sheetId": sid, "dimension": "COLUMNS",
                                                                    "startIndex": i, "endIndex": i + 1},
                                                          "properties": {"hiddenByUser": True},
                                                          "fields": "hiddenByUser"}})
            if own and i not in protected:
                out.append({"addProtectedRange": {"protectedRange": {
                    "range": dict(col, startRowIndex=0), "description": PROTECTION_DESCRIPTION,
                    "warningOnly": True}}})
        if setup.STATUS_HEADER in header:
            letter = setup.column_letter(header.index(setup.STATUS_HEADER))
            existing = str(meta.get("conditionalFormats") or "")
            for n, (word, colour) in enumerate(setup.STATUS_COLOURS):
                if f'SEARCH("{word}"' in existing:
                    continue
                out.append({"addConditionalFormatRule": {"index": n, "rule": {
                    "ranges": [{"sheetId": sid, "startRowIndex": 1, "startColumnIndex": 0,
                                "endColumnIndex": len(header)}],
                    "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [
                        {"userEnteredValue": f'=ISNUMBER(SEARCH("{word}",${letter}2))'}]},
                        "format": {"backgroundColor": _rgb(colour)}}}}})
        return out


def _rgb(hex6: str) -> dict:
    return {"red": int(hex6[0:2], 16) / 255, "green": int(hex6[2:4], 16) / 255, "blue": int(hex6[4:6], 16) / 255}


def _raw(value):
    """A value for valueInputOption RAW: text stays text (even '=1+1'), numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def create_spreadsheet(client, title: str) -> str:
    """Create an empty spreadsheet (Drive v3, as gspread does) and return its key."""
    try:
        return client.create(title).id
    except APIError as exc:
        raise _api_error(exc, "新建表格") from exc
