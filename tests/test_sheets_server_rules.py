"""Google's limits, quota, errors and the 'person editing' hooks of the local Sheets server."""
import json
import subprocess
import sys
import threading

import gspread
import pytest
import requests

from connector.sheets_server import MAX_CELL_CHARS, Quota, serve_in_thread


class FakeClock:
    """Minutes pass when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_cell_over_50000_characters_is_refused_and_nothing_is_written(sheets_server):
    ss = sheets_server.model.create("长", {"S": [["旧"]]})
    ws = sheets_server.client().open_by_key(ss.id).sheet1
    with pytest.raises(gspread.exceptions.APIError) as caught:
        ws.update([["新", "字" * (MAX_CELL_CHARS + 1)]], "A1", value_input_option="RAW")
    assert caught.value.code == 400
    assert caught.value.error["message"] == ("Your input contains more than the maximum of 50000 characters "
                                             "in a single cell.")
    assert ws.acell("A1").value == "旧"
    ws.update([["字" * MAX_CELL_CHARS]], "B1", value_input_option="RAW")
    assert len(ws.acell("B1").value) == MAX_CELL_CHARS


def test_the_ten_million_cell_limit_applies_to_resize_add_sheet_and_append(sheets_server):
    ss = sheets_server.model.create("大", {"S": [["x"]]}, rows=1000, cols=26)
    spreadsheet = sheets_server.client().open_by_key(ss.id)
    ws = spreadsheet.sheet1
    with pytest.raises(gspread.exceptions.APIError, match="above the limit of 10000000 cells"):
        ws.resize(rows=400_000, cols=26)  # 10.4 million
    ws.resize(rows=384_000, cols=26)  # 9,984,000: allowed
    with pytest.raises(gspread.exceptions.APIError, match="above the limit of 10000000 cells"):
        spreadsheet.add_worksheet("再来", rows=1000, cols=26)
    with pytest.raises(gspread.exceptions.APIError, match="above the limit of 10000000 cells"):
        spreadsheet.values_append("S!A1", params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                                  body={"values": [["y"]] * 1000})
    assert (ss.sheets[0].row_count, len(ss.sheets)) == (384_000, 1)


def test_quota_answers_429_like_google_and_recovers_after_the_window(sheets_server):
    clock = FakeClock()
    sheets_server.quota = Quota(per_minute=3, clock=clock)
    ss = sheets_server.model.create("配额")
    url = f"{sheets_server.url}/v4/spreadsheets/{ss.id}/values/Sheet1"
    assert [requests.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = requests.get(url)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert "Read requests per minute per user" in error["message"]
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    # writes have their own bucket, as at Google
    write = requests.put(url + "!A1?valueInputOption=RAW", json={"values": [["w"]]})
    assert write.status_code == 200
    clock.now += 30
    assert requests.get(url).status_code == 429
    clock.now += 31
    assert requests.get(url).json()["values"] == [["w"]]
    assert [r.status for r in sheets_server.log].count(429) == 2


def test_quota_is_per_client(sheets_server):
    sheets_server.quota = Quota(per_minute=1, clock=FakeClock())
    ss = sheets_server.model.create("配额")
    url = f"{sheets_server.url}/v4/spreadsheets/{ss.id}"
    assert requests.get(url, headers={"Authorization": "Bearer a"}).status_code == 200
    assert requests.get(url, headers={"Authorization": "Bearer a"}).status_code == 429
    assert requests.get(url, headers={"Authorization": "Bearer b"}).status_code == 200


def test_errors_use_google_shapes(sheets_server):
    base = f"{sheets_server.url}/v4/spreadsheets"
    missing = requests.get(f"{base}/nope")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": 404, "message": "Requested entity was not found.",
                                        "status": "NOT_FOUND"}}
    ss = sheets_server.model.create("错")
    bad = requests.get(f"{base}/{ss.id}/values/%27Sheet9%27%21A1")
    assert bad.json()["error"] == {"code": 400, "message": "Unable to parse range: 'Sheet9'!A1",
                                   "status": "INVALID_ARGUMENT"}
    no_option = requests.put(f"{base}/{ss.id}/values/A1", json={"values": [["x"]]})
    assert no_option.status_code == 400 and "valueInputOption" in no_option.json()["error"]["message"]
    not_json = requests.post(f"{base}/{ss.id}:batchUpdate", data=b"{oops")
    assert not_json.status_code == 400 and "Invalid JSON payload" in not_json.json()["error"]["message"]
    drive_missing = requests.get(f"{sheets_server.url}/drive/v3/files/nope")
    assert drive_missing.status_code == 404 and drive_missing.json()["error"]["errors"][0]["reason"] == "notFound"


def test_requests_are_counted_by_kind_and_logged(sheets_server):
    ss = sheets_server.model.create("计数")
    gc = sheets_server.client()
    ws = gc.open_by_key(ss.id).sheet1
    ws.batch_get(["A1:B2"])
    ws.update([["a"]], "A1")
    gc.get_file_drive_metadata(ss.id)
    assert dict(sheets_server.counts) == {"spreadsheets.get": 2, "values.batchGet": 1, "values.update": 1,
                                          "drive.files.get": 1}
    assert sheets_server.total(exclude_drive=True) == 4
    assert [(r.method, r.kind, r.status) for r in sheets_server.log][-2:] == [
        ("PUT", "values.update", 200), ("GET", "drive.files.get", 200)]
    sheets_server.reset_counts()
    assert sheets_server.total() == 0 and sheets_server.log == []


def test_person_edits_land_between_the_service_calls(sheets_server):
    ss = sheets_server.model.create("台账", {"台账": [["编号", "企业"], ["3", "丙"], ["1", "甲"], ["2", "乙"]]})
    gc = sheets_server.client()
    ws = gc.open_by_key(ss.id).sheet1
    before = gc.get_file_drive_metadata(ss.id)["modifiedTime"]
    person = sheets_server.person(ss.id)
    person.sort("台账", column=1)
    assert ws.col_values(1) == ["编号", "1", "2", "3"]
    person.insert_rows("台账", 2, [["0", "新"]])
    person.delete_rows("台账", 4)
    person.type("台账", "C2", "=1+1")
    person.type("台账", "D2", "0755")
    assert ws.get_all_values() == [["编号", "企业", "", ""], ["0", "新", "2", "755"], ["1", "甲", "", ""],
                                   ["3", "丙", "", ""]]
    assert person.values("台账")[1] == ["0", "新", "2", "755"]
    assert ws.spreadsheet.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 1000
    assert gc.get_file_drive_metadata(ss.id)["modifiedTime"] > before


def test_concurrent_appends_and_person_edits_lose_nothing(sheets_server):
    ss = sheets_server.model.create("并发", {"S": [["编号"]]})
    person = sheets_server.person(ss.id)

    def service(worker):
        ws = sheets_server.client().open_by_key(ss.id).sheet1
        for i in range(15):
            ws.append_rows([[f"w{worker}-{i}"]], value_input_option="RAW", table_range="A1")

    threads = [threading.Thread(target=service, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    for i in range(15):
        person.type("S", f"C{i + 1}", f"p{i}")
    for t in threads:
        t.join()
    column = [row[0] for row in person.values("S")[1:] if row and row[0]]
    assert sorted(column) == sorted(f"w{w}-{i}" for w in range(3) for i in range(15))


def test_drive_listing_honours_fields_and_paging(sheets_server):
    for title in ("甲", "乙", "甲"):
        sheets_server.model.create(title)
    url = f"{sheets_server.url}/drive/v3/files"
    q = 'mimeType="application/vnd.google-apps.spreadsheet" and name = "甲"'
    page = requests.get(url, params={"q": q, "pageSize": 1, "fields": "nextPageToken,files(id,name)"}).json()
    assert set(page) == {"nextPageToken", "files"} and set(page["files"][0]) == {"id", "name"}
    rest = requests.get(url, params={"q": q, "pageSize": 1, "pageToken": page["nextPageToken"]}).json()
    assert len(rest["files"]) == 1 and "nextPageToken" not in rest
    assert rest["files"][0]["id"] != page["files"][0]["id"]


def test_sheets_create_with_sheet_properties(sheets_server):
    body = {"properties": {"title": "新建"}, "sheets": [{"properties": {"title": "台账", "gridProperties": {
        "rowCount": 10, "columnCount": 5, "frozenRowCount": 1}}}, {"properties": {"title": "督办"}}]}
    created = requests.post(f"{sheets_server.url}/v4/spreadsheets", json=body).json()
    sheets = [s["properties"] for s in created["sheets"]]
    assert [s["title"] for s in sheets] == ["台账", "督办"]
    assert sheets[0]["gridProperties"] == {"rowCount": 10, "columnCount": 5, "frozenRowCount": 1}


def test_the_cli_serves_on_the_port_it_prints():
    proc = subprocess.Popen([sys.executable, "-c", "from cli import main; main()", "sheets-server", "--port", "0",
                             "--no-access-log"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("sheets-server: http://127.0.0.1:")
        url = line.split()[1]
        created = requests.post(f"{url}/drive/v3/files", json={"name": "CLI"}, timeout=5).json()
        assert created["name"] == "CLI"
        assert json.loads(requests.get(f"{url}/drive/v3/files", timeout=5).text)["files"][0]["id"] == created["id"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_cli_reports_a_port_in_use_in_both_languages(sheets_server):
    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "sheets-server", "--port",
                           str(sheets_server.port)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "错误: 无法在 127.0.0.1" in done.stderr and "error: cannot listen on" in done.stderr


def test_servers_are_independent():
    with serve_in_thread() as one, serve_in_thread() as two:
        one.model.create("只在一")
        assert one.port != two.port and two.model.spreadsheets == {}


def test_redirect_rides_on_an_existing_session_and_leaves_other_hosts_alone(sheets_server):
    from connector.sheets_server import redirect_session

    session = requests.Session()
    session.headers["X-Mine"] = "kept"
    assert redirect_session(sheets_server.url, session) is session
    ss = sheets_server.model.create("重定向")
    got = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{ss.id}", timeout=5)
    assert got.json()["spreadsheetId"] == ss.id
    listed = session.get("https://www.googleapis.com/drive/v3/files", timeout=5).json()
    assert [f["id"] for f in listed["files"]] == [ss.id]
    assert session.get_adapter("https://example.org/") is not session.get_adapter("https://sheets.googleapis.com/")
    gc = gspread.Client(auth=None, session=session)
    assert gc.open_by_key(ss.id).title == "重定向"
