"""The sync cycle over Google Sheets: real gspread over HTTP against the local Sheets server, two township
spreadsheets numbered as one district, and the request count a cycle costs."""
import pytest

import config
from connector import open_ledger
from connector.setup import default_spec
from jobs import clock
from jobs.cycle import run_cycle
from tests.ledgers import RULES, UNITS, request


def at(text):
    return clock.parse_now(text, "Asia/Shanghai")


def _type(person, sheet, rows):
    head = person.values(sheet)[0]
    at_row = len([r for r in person.values(sheet) if any(r)]) + 1
    person.insert_rows(sheet, at_row, [[rec.get(h, "") for h in head] for rec in rows])


@pytest.fixture
def district(tmp_path, sheets_server):
    keys = {}
    for name in ("坛山街道", "吴林街道"):
        key = sheets_server.client().create(f"{name}台账").id
        open_ledger("gsheets", key=key, api_base=sheets_server.url).init(default_spec())
        keys[name] = key
    person = sheets_server.person(keys["坛山街道"])
    _type(person, "承办单位", UNITS)
    _type(person, "派单目录", RULES)
    lines = "\n".join(f'"{n}" = "{k}"' for n, k in keys.items())
    (tmp_path / "jiesu.toml").write_text(
        f'profile = "zibo"\n[ledger]\nbackend = "gsheets"\napi_base = "{sheets_server.url}"\n'
        f'[ledger.keys]\n{lines}\n[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
    return config.load(tmp_path / "jiesu.toml"), keys


def test_two_townships_numbered_as_one_district_in_few_requests(district, sheets_server):
    cfg, keys = district
    tan, wu = sheets_server.person(keys["坛山街道"]), sheets_server.person(keys["吴林街道"])
    _type(tan, "台账", [request(受理时间="2026-11-02 09:00"), request(诉求企业="乙公司", 受理时间="2026-11-02 11:00")])
    _type(wu, "台账", [request(诉求企业="丙公司", 所属镇街="吴林街道", 受理时间="2026-11-02 10:00")])
    sheets_server.reset_counts()
    report = run_cycle(cfg, now=at("2026-11-02T12:00"))
    # numbers across the district in order of acceptance: 09:00 坛山, 10:00 吴林, 11:00 坛山
    assert report.numbered == ["淄〔2026〕第0001号", "淄〔2026〕第0002号", "淄〔2026〕第0003号"]
    t_rows, w_rows = tan.values("台账"), wu.values("台账")
    h = t_rows[0]
    assert [r[h.index("诉求编号")] for r in t_rows[1:3]] == ["淄〔2026〕第0001号", "淄〔2026〕第0003号"]
    assert w_rows[1][w_rows[0].index("诉求编号")] == "淄〔2026〕第0002号"
    # zibo: reply before 12:00 of the 3rd WD (11-05), resolve before 12:00 of the 15th WD (11-03 is WD 1, so 11-23)
    assert t_rows[1][h.index("应答复时限")] == "2026-11-05 12:00"
    assert t_rows[1][h.index("应办结时限")] == "2026-11-23 12:00"
    # per spreadsheet with new rows: the read, then one write (re-locate + update) of identities, numbers and
    # service cells together: the identities were claimed in the store before they were numbered
    assert sheets_server.counts["values.batchGet"] == 2 * len(keys), sheets_server.counts
    assert sheets_server.counts["values.batchUpdate"] == len(keys), sheets_server.counts
    sheets_server.reset_counts()
    again = run_cycle(cfg, now=at("2026-11-02T12:05"))
    assert again.write_calls == 0 and again.events == 0
    # a quiet cycle only reads: one request per spreadsheet, the metadata kept from the cycle before
    assert sheets_server.total(exclude_drive=True) == len(keys), sheets_server.counts
    h = tan.values("台账")[0]
    tan.type("台账", f"{chr(ord('A') + h.index('首次联系时间'))}2", "2026-11-02 14:00")
    sheets_server.reset_counts()
    edited = run_cycle(cfg, now=at("2026-11-02T14:05"))
    assert edited.events >= 1
    # an edit: at most 3 requests for that spreadsheet (read, re-locate, update), 1 for the other
    assert sheets_server.total(exclude_drive=True) - sheets_server.counts["spreadsheets.get"] <= 3 + 1


def test_a_person_sorting_between_read_and_write_cannot_misplace_a_number(district, sheets_server):
    cfg, keys = district
    tan = sheets_server.person(keys["坛山街道"])
    _type(tan, "台账", [request(诉求企业=f"企业{i}", 受理时间=f"2026-11-02 0{i}:00") for i in range(1, 6)])
    run_cycle(cfg, now=at("2026-11-02T12:00"))
    h = tan.values("台账")[0]
    by_company = {r[h.index("诉求企业")]: r[h.index("诉求编号")] for r in tan.values("台账")[1:] if any(r)}
    tan.sort("台账", h.index("诉求企业") + 1, descending=True)
    tan.type("台账", f"{chr(ord('A') + h.index('诉求编号'))}3", "")   # and wipes one number
    run_cycle(cfg, now=at("2026-11-02T13:00"))
    after = {r[h.index("诉求企业")]: r[h.index("诉求编号")] for r in tan.values("台账")[1:] if any(r)}
    assert after == by_company and by_company["企业1"] == "淄〔2026〕第0001号"


def test_web_submissions_go_to_the_township_they_name(district, sheets_server):
    from store import Store
    cfg, keys = district
    with Store(cfg.state.url) as store:
        store.intake_add(request(诉求企业="网上企业甲", 所属镇街="吴林街道"), at("2026-11-02T09:00"))
        store.intake_add(request(诉求企业="网上企业乙", 所属镇街="不存在的镇"), at("2026-11-02T09:10"))
    run_cycle(cfg, now=at("2026-11-02T10:00"))
    run_cycle(cfg, now=at("2026-11-02T10:05"))
    def companies(key):
        rows = sheets_server.person(key).values("台账")
        return [r[rows[0].index("诉求企业")] for r in rows[1:] if any(r)]
    assert companies(keys["吴林街道"]) == ["网上企业甲"] and companies(keys["坛山街道"]) == ["网上企业乙"]
    with Store(cfg.state.url) as store:
        assert all(s.number for s in store.ticket_states().values()) and not store.intake_unnumbered()
