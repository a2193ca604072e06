"""Real gspread over HTTP against the local server: what the gsheets connector will rely on."""
import gspread
import pytest
from gspread.utils import ValueInputOption, ValueRenderOption

HEADER = ["编号", "企业", "联系电话", "承办单位"]


@pytest.fixture
def ledger(sheets_server):
    """A spreadsheet with a header and three tickets, opened through gspread: (server, spreadsheet, worksheet)."""
    ss = sheets_server.model.create("台账", {"台账": [HEADER, ["〔2026〕第0001号", "甲公司", "13800138000", "住建局"],
                                                      ["〔2026〕第0002号", "乙公司", "", "市场监管局"],
                                                      ["〔2026〕第0003号", "丙公司", "010-1234", ""]]})
    spreadsheet = sheets_server.client().open_by_key(ss.id)
    ws = spreadsheet.worksheet("台账")
    sheets_server.reset_counts()
    return sheets_server, spreadsheet, ws


def test_drive_calls_create_find_by_title_and_delete(sheets_server):
    gc = sheets_server.client()
    created = gc.create("接诉即办 台账")
    assert gc.open("接诉即办 台账").id == created.id
    files = gc.list_spreadsheet_files(title="接诉即办 台账")
    assert [f["id"] for f in files] == [created.id]
    assert {"createdTime", "modifiedTime"} <= set(gc.get_file_drive_metadata(created.id))
    gc.del_spreadsheet(created.id)
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open("接诉即办 台账")
    with pytest.raises(gspread.SpreadsheetNotFound):
        gc.open_by_key(created.id)


def test_get_all_values_trims_like_google(ledger):
    server, spreadsheet, ws = ledger
    values = ws.get_all_values()
    assert values[0] == HEADER
    assert values[2] == ["〔2026〕第0002号", "乙公司", "", "市场监管局"]
    assert values[3] == ["〔2026〕第0003号", "丙公司", "010-1234", ""]  # gspread pads the trimmed cell back
    raw = spreadsheet.values_get("台账")
    assert raw["values"][3] == ["〔2026〕第0003号", "丙公司", "010-1234"]
    assert raw["range"] == "'台账'!A1:Z1000"
    assert server.counts["values.get"] == 2


def test_raw_keeps_text_and_user_entered_parses_it(ledger):
    _, spreadsheet, ws = ledger
    ws.update([["007", "=1+1", "13800138000", "TRUE"]], "A6", value_input_option=ValueInputOption.raw)
    ws.update([["007", "=1+1", "13800138000", "TRUE"]], "A7", value_input_option=ValueInputOption.user_entered)
    formatted = ws.get("A6:D7")
    assert formatted == [["007", "=1+1", "13800138000", "TRUE"], ["7", "2", "13800138000", "TRUE"]]
    unformatted = ws.get("A6:D7", value_render_option=ValueRenderOption.unformatted)
    assert unformatted == [["007", "=1+1", "13800138000", "TRUE"], [7, 2, 13800138000, True]]
    formulas = ws.get("A7:B7", value_render_option=ValueRenderOption.formula)
    assert formulas == [[7, "=1+1"]]


def test_batch_get_reads_every_range_in_one_request(ledger):
    server, spreadsheet, ws = ledger
    got = ws.batch_get(["A1:B1", "C:C", "A3:D3"])
    assert got[0] == [["编号", "企业"]]
    assert got[1] == [["联系电话"], ["13800138000"], [], ["010-1234"]]
    assert got[2] == [["〔2026〕第0002号", "乙公司", "", "市场监管局"]]
    assert got[1].range == "'台账'!C1:C1000"
    assert dict(server.counts) == {"values.batchGet": 1}


def test_batch_update_writes_all_ranges_in_one_request_and_is_atomic(ledger):
    server, spreadsheet, ws = ledger
    reply = ws.batch_update([{"range": "D3", "values": [["住建局"]]}, {"range": "B4:C4", "values": [["丁", "1"]]}])
    assert reply["totalUpdatedCells"] == 3 and len(reply["responses"]) == 2
    assert reply["responses"][1]["updatedRange"] == "'台账'!B4:C4"
    assert ws.get("B3:D4") == [["乙公司", "", "住建局"], ["丁", "1"]]
    assert server.counts["values.batchUpdate"] == 1
    with pytest.raises(gspread.exceptions.APIError) as caught:
        ws.batch_update([{"range": "A2", "values": [["改"]]}, {"range": "不存在!A1", "values": [["x"]]}])
    assert caught.value.code == 400
    assert "Unable to parse range" in caught.value.error["message"]
    assert ws.acell("A2").value == "〔2026〕第0001号"


def test_update_beyond_the_grid_is_refused_and_nulls_are_skipped(ledger):
    _, spreadsheet, ws = ledger
    with pytest.raises(gspread.exceptions.APIError) as caught:
        ws.update([["x"]], "A1001")
    assert caught.value.error["status"] == "INVALID_ARGUMENT"
    assert "exceeds grid limits. Max rows: 1000, max columns: 26" in caught.value.error["message"]
    spreadsheet.values_update("'台账'!A2", params={"valueInputOption": "RAW"}, body={"values": [[None, "新"]]})
    assert ws.row_values(2)[:2] == ["〔2026〕第0001号", "新"]
    with pytest.raises(gspread.exceptions.APIError, match="tried writing to column"):
        spreadsheet.values_update("'台账'!A2:B2", params={"valueInputOption": "RAW"},
                                  body={"values": [["a", "b", "c"]]})


def test_append_rows_goes_after_the_table_in_one_request(ledger):
    server, spreadsheet, ws = ledger
    reply = ws.append_rows([["〔2026〕第0004号", "丁公司", "0755", "税务局"], ["〔2026〕第0005号", "戊公司"]],
                           value_input_option=ValueInputOption.raw)
    assert reply["tableRange"] == "'台账'!A1:D4"
    assert reply["updates"]["updatedRange"] == "'台账'!A5:D6"
    assert reply["updates"]["updatedCells"] == 6
    assert ws.get_all_values()[4:] == [["〔2026〕第0004号", "丁公司", "0755", "税务局"],
                                       ["〔2026〕第0005号", "戊公司", "", ""]]
    assert dict(server.counts) == {"values.append": 1, "values.get": 1}


def test_append_grows_the_grid_and_insert_rows_shifts_what_is_below(sheets_server):
    ss = sheets_server.model.create("小表", {"Sheet1": [["a"], ["b"]]}, rows=2, cols=1)
    sheet = sheets_server.client().open_by_key(ss.id).sheet1
    sheet.append_rows([["c", "d"]], value_input_option="RAW")
    assert (ss.sheets[0].row_count, ss.sheets[0].col_count) == (3, 2)
    reply = sheet.spreadsheet.values_append("Sheet1!A1", params={"valueInputOption": "RAW",
                                            "insertDataOption": "INSERT_ROWS"}, body={"values": [["e"]]})
    assert reply["updates"]["updatedRange"] == "Sheet1!A4"
    assert sheet.get_all_values() == [["a", ""], ["b", ""], ["c", "d"], ["e", ""]]
    assert ss.sheets[0].row_count == 4


def test_insert_and_delete_rows(ledger):
    _, spreadsheet, ws = ledger
    ws.insert_rows([["新行", "x"]], row=2, value_input_option="RAW")
    assert ws.col_values(1)[:3] == ["编号", "新行", "〔2026〕第0001号"]
    assert ws.row_count == 1001
    ws.delete_rows(2, 3)
    assert ws.col_values(1) == ["编号", "〔2026〕第0002号", "〔2026〕第0003号"]
    assert spreadsheet.worksheet("台账").row_count == 999


def test_sort_orders_numbers_before_text_and_empty_cells_last(sheets_server):
    ss = sheets_server.model.create("排序", {"S": [["k"], ["b"], [None], ["A"], [None], ["c"]]}, rows=6, cols=1)
    ws = sheets_server.client().open_by_key(ss.id).sheet1
    ws.batch_update([{"range": "A3", "values": [[10]]}, {"range": "A5", "values": [[2]]}],
                    value_input_option="RAW")
    ws.sort((1, "asc"), range="A2:A6")
    assert ws.col_values(1) == ["k", "2", "10", "A", "b", "c"]
    ws.update([[""]], "A4", value_input_option="RAW")
    ws.sort((1, "des"), range="A2:A6")
    assert ws.col_values(1) == ["k", "c", "b", "10", "2"]


def test_add_rename_resize_freeze_and_delete_worksheets(ledger):
    _, spreadsheet, ws = ledger
    added = spreadsheet.add_worksheet("督办", rows=50, cols=8)
    assert [w.title for w in spreadsheet.worksheets()] == ["台账", "督办"]
    added.update_title("督办记录")
    added.resize(rows=20, cols=5)
    added.freeze(rows=1)
    fresh = spreadsheet.worksheet("督办记录")
    assert (fresh.row_count, fresh.col_count, fresh.frozen_row_count) == (20, 5, 1)
    with pytest.raises(gspread.exceptions.APIError, match="already exists"):
        spreadsheet.add_worksheet("台账", rows=1, cols=1)
    spreadsheet.del_worksheet(fresh)
    assert [w.title for w in spreadsheet.worksheets()] == ["台账"]
    with pytest.raises(gspread.exceptions.APIError, match="can't remove all the sheets"):
        spreadsheet.del_worksheet(spreadsheet.sheet1)


def test_formatting_validation_protection_and_metadata_are_recorded(ledger):
    server, spreadsheet, ws = ledger
    sheet_id = spreadsheet.sheet1.id
    rows = {"sheetId": sheet_id, "startRowIndex": 1, "endRowIndex": 1000}
    reply = spreadsheet.batch_update({"requests": [
        {"repeatCell": {"range": {"sheetId": sheet_id, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"setDataValidation": {"range": dict(rows, startColumnIndex=3, endColumnIndex=4),
                               "rule": {"condition": {"type": "ONE_OF_LIST",
                                                      "values": [{"userEnteredValue": "住建局"}]}}}},
        {"addProtectedRange": {"protectedRange": {"range": dict(rows, startColumnIndex=0, endColumnIndex=1),
                                                  "description": "服务专用", "warningOnly": True}}},
        {"addConditionalFormatRule": {"index": 0, "rule": {"ranges": [rows], "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": '=$E2="红灯"'}]},
            "format": {"backgroundColor": {"red": 1}}}}}},
        {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "jiesu.ledger", "metadataValue": "v1",
                                                           "location": {"sheetId": sheet_id},
                                                           "visibility": "DOCUMENT"}}},
    ]})
    assert reply["replies"][2]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    assert reply["replies"][4]["createDeveloperMetadata"]["developerMetadata"]["metadataId"]
    sheet = server.model.get(spreadsheet.id).sheets[0]
    assert sheet.data_validations[0]["rule"]["condition"]["type"] == "ONE_OF_LIST"
    assert [kind for kind, _ in sheet.recorded] == ["repeatCell"]
    meta = spreadsheet.fetch_sheet_metadata()["sheets"][0]
    assert meta["protectedRanges"][0]["warningOnly"] is True
    assert meta["conditionalFormats"][0]["booleanRule"]["format"] == {"backgroundColor": {"red": 1}}
    assert meta["developerMetadata"][0]["metadataKey"] == "jiesu.ledger"


def test_a_failing_request_in_a_batch_undoes_the_ones_before_it(ledger):
    server, spreadsheet, ws = ledger
    with pytest.raises(gspread.exceptions.APIError, match=r"requests\[1\].deleteSheet: No grid with id: 999"):
        spreadsheet.batch_update({"requests": [
            {"insertDimension": {"range": {"sheetId": spreadsheet.sheet1.id, "dimension": "ROWS",
                                           "startIndex": 1, "endIndex": 3}}},
            {"deleteSheet": {"sheetId": 999}}]})
    assert spreadsheet.sheet1.col_values(1)[:2] == ["编号", "〔2026〕第0001号"]
    assert server.model.get(spreadsheet.id).sheets[0].row_count == 1000


def test_unknown_and_unmodelled_requests_are_refused(ledger):
    _, spreadsheet, ws = ledger
    with pytest.raises(gspread.exceptions.APIError) as unknown:
        spreadsheet.batch_update({"requests": [{"makeCoffee": {}}]})
    assert unknown.value.code == 400 and "Unknown name" in unknown.value.error["message"]
    with pytest.raises(gspread.exceptions.APIError) as unmodelled:
        spreadsheet.batch_update({"requests": [{"cutPaste": {}}]})
    assert unmodelled.value.code == 501 and unmodelled.value.error["status"] == "UNIMPLEMENTED"


def test_row_metadata_follows_its_row_through_person_edits_and_can_be_searched(ledger):
    server, spreadsheet, ws = ledger
    sheet_id = ws.id
    reply = spreadsheet.batch_update({"requests": [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": "jiesu.number", "metadataValue": "〔2026〕第0002号", "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 2,
                                        "endIndex": 3}}}}}]})
    metadata_id = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]["metadataId"]
    person = server.person(spreadsheet.id)
    person.insert_rows("台账", 2, 2)
    person.sort("台账", column=2, descending=True)  # by code point: 甲, 乙, 丙, then the two empty rows
    person.delete_rows("台账", 2)
    lookup = {"dataFilters": [{"developerMetadataLookup": {"metadataKey": "jiesu.number"}}]}
    found = requests_post(server, spreadsheet.id, "developerMetadata:search", lookup)
    span = found["matchedDeveloperMetadata"][0]["developerMetadata"]["location"]["dimensionRange"]
    assert ws.row_values(span["startIndex"] + 1)[0] == "〔2026〕第0002号"
    assert span["endIndex"] == span["startIndex"] + 1
    row = ws.row_values(span["startIndex"] + 1)
    person.delete_rows("台账", span["startIndex"] + 1)
    assert row[1] == "乙公司"
    assert requests_post(server, spreadsheet.id, "developerMetadata:search", lookup) == {}
    assert "developerMetadata" not in spreadsheet.fetch_sheet_metadata()["sheets"][0]
    missing = server.client().http_client.session.get(
        f"https://sheets.googleapis.com/v4/spreadsheets/{spreadsheet.id}/developerMetadata/{metadata_id}")
    assert missing.status_code == 404


def requests_post(server, spreadsheet_id, suffix, body):
    import requests
    return requests.post(f"{server.url}/v4/spreadsheets/{spreadsheet_id}/{suffix}", json=body, timeout=5).json()


def test_titles_with_slashes_colons_and_quotes_route_correctly(sheets_server):
    ss = sheets_server.model.create("特殊", {"a/b: O'Brien 台账": [["x"]]})
    ws = sheets_server.client().open_by_key(ss.id).sheet1
    ws.update([["1", "2"]], "A2:B2", value_input_option="RAW")
    ws.append_rows([["3"]], value_input_option="RAW")
    assert ws.get_all_values() == [["x", ""], ["1", "2"], ["3", ""]]
    assert ws.batch_get(["A2:B2"])[0].range == "'a/b: O''Brien 台账'!A2:B2"


def test_grid_data_shows_values_formulas_and_data_validation(ledger):
    _, spreadsheet, ws = ledger
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "住建局"}]}, "strict": True}
    spreadsheet.batch_update({"requests": [{"setDataValidation": {"range": {
        "sheetId": ws.id, "startRowIndex": 1, "endRowIndex": 6, "startColumnIndex": 3, "endColumnIndex": 4},
        "rule": rule}}]})
    ws.update([["=2*3"]], "E2", value_input_option="USER_ENTERED")
    got = spreadsheet.client.spreadsheets_get(spreadsheet.id, params={"includeGridData": "true",
                                                                      "ranges": "'台账'!C2:E6"})
    block = got["sheets"][0]["data"][0]
    assert (block["startRow"], block["startColumn"]) == (1, 2)
    first = block["rowData"][0]["values"]
    assert first[0]["userEnteredValue"] == {"stringValue": "13800138000"}
    assert first[1]["dataValidation"] == rule and first[1]["formattedValue"] == "住建局"
    assert first[2] == {"userEnteredValue": {"formulaValue": "=2*3"}, "effectiveValue": {"numberValue": 6},
                        "formattedValue": "6"}
    assert block["rowData"][4] == {"values": [{}, {"dataValidation": rule}]}  # validation alone keeps a row
    assert len(block["rowData"]) == 5
    only = spreadsheet.client.spreadsheets_get(spreadsheet.id, params={
        "includeGridData": "true", "fields": "sheets.data.rowData.values.formattedValue"})
    assert only["sheets"][0]["data"][0]["rowData"][0]["values"][0] == {"formattedValue": "编号"}
