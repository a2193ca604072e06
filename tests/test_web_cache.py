"""The dashboard's per-process ticket cache: another process's writes show on the next request, a unit never
sees a ticket that is no longer its, a removed row's cells go, and the cached pages equal a fresh read."""
import threading
from dataclasses import replace

import pytest
from store import Store
from web import tickets
from web.auth import Viewer

from web_setup import NOW, build, login, ticket_of

COORD = Viewer("coord", "coordinator", None, None)
ZJ = Viewer("zj", "unit", "区住建局", None)
RS = Viewer("rs", "unit", "区人社局", None)


@pytest.fixture
def district(tmp_path):
    app, cfg, store = build(tmp_path)
    other = Store.from_config(cfg)     # "another process": its own engine on the same database file
    yield app, cfg, store, other
    other.close()


def _client(app, name):
    client = app.test_client()
    login(client, name=name)
    return client


def _listing(client, query=""):
    return {(t["ledger"], t["row_id"]): t for t in client.get(f"/api/tickets{query}").get_json()["tickets"]}


def _same_as_fresh(store, user):
    """The cached view equals reading and decoding everything again."""
    fresh = tickets.load_uncached(store, user)
    got = tickets.view(store, user)
    def shown(t):   # what the dashboard's row and /api/tickets show of a ticket
        return (tickets.as_json(t), t.cells.get("诉求企业"), t.state.get("errors"), t.urgency, t.month)
    assert [shown(t) for t in got.tickets] == [shown(t) for t in tickets.apply_filters(fresh, {})]
    assert got.counts == tickets.counts(fresh) and got.choices == tickets.choices(fresh)


def test_another_process_writes_show_on_the_next_request(district):
    app, _, store, other = district
    coord, zj, rs = _client(app, "coord"), _client(app, "zj"), _client(app, "rs")
    key = ticket_of(store, "峄城某机械")
    assert _listing(coord)[key]["status"] == "已超期" and key in _listing(zj) and key not in _listing(rs)

    # The other process reassigns the ticket to 区人社局 and lights it red, with a clock that went backwards.
    rec = store.ticket_state_of(*key)
    moved = replace(rec, unit="区人社局", status="红灯", state={**rec.state, "unit": "区人社局", "light": "红灯"})
    other.save_ticket_states([moved], NOW.replace(year=2025))
    assert _listing(coord)[key]["light"] == "红灯"
    assert key not in _listing(zj), "a unit must not keep seeing a ticket that is no longer its"
    assert _listing(rs)[key]["unit"] == "区人社局"
    assert "红灯" in coord.get("/?light=红灯").get_data(as_text=True)
    assert coord.get("/api/summary").get_json()["by_light"]["红灯"] == 1
    for user in (COORD, ZJ, RS):
        _same_as_fresh(store, user)


def test_a_removed_row_loses_its_cells_and_an_edit_shows(district):
    app, _, store, other = district
    coord = _client(app, "coord")
    key = ticket_of(store, "峄城某食品厂")
    assert _listing(coord)[key]["township"] == "台账"
    before = coord.get("/?category=求助").get_data(as_text=True)
    assert "峄城某食品厂" in before
    snaps = store.snapshots("台账")
    # A cycle sees the ledger without that row; another row's 诉求类别 was edited.
    edited_key = ticket_of(store, "峄城某机械")
    rows = {rid: dict(c) for rid, c in snaps.items() if rid != key[1]}
    rows[edited_key[1]]["主要诉求"] = "道路已修复一半"
    other.record_rows("台账", rows, NOW, cycle_id=99, complete=True)
    assert "峄城某食品厂" not in coord.get("/?category=求助").get_data(as_text=True)
    assert tickets.view(store, COORD).tickets and "道路已修复一半" in \
        coord.get(f"/tickets/{edited_key[0]}/{edited_key[1]}").get_data(as_text=True)
    _same_as_fresh(store, COORD)


def test_concurrent_requests_while_another_process_writes(district):
    app, _, store, other = district
    key = ticket_of(store, "峄城某机械")
    rec = store.ticket_state_of(*key)
    errors = []

    def read():
        client = _client(app, "zj")
        for _ in range(15):
            resp = client.get("/api/tickets")
            if resp.status_code != 200:
                errors.append(resp.status_code)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for th in threads:
        th.start()
    for n in range(15):
        other.save_ticket_states([replace(rec, state={**rec.state, "round": n})], NOW)
    for th in threads:
        th.join()
    assert errors == []
    assert _listing(_client(app, "zj"))[key]["round"] == 14
    _same_as_fresh(store, ZJ)


def test_incremental_updates_equal_a_fresh_read_for_every_scope(db_url):
    """Many tickets, a few changed at a time by another Store (the cache's incremental path, not a rebuild), on
    SQLite and PostgreSQL: after each change, every scope's list, counts and choices equal a fresh read."""
    import random
    from store import TicketStateRecord
    url = db_url
    rng = random.Random(3)
    units, towns = ["区住建局", "区人社局", "区商务局"], ["镇A", "镇B"]

    def ticket(i, n=0):
        unit, status = rng.choice(units + [None]), rng.choice(["正常", "即将到期", "已超期", "已办结", "红灯", ""])
        state = {"township": towns[i % 2], "category": rng.choice(["投诉", "咨询"]), "round": n,
                 "received": f"2026-{rng.randint(1, 11):02d}-0{rng.randint(1, 9)}T09:00:00",
                 "co_units": [rng.choice(units)] if rng.random() < 0.3 else [],
                 "flags": [{"kind": "returned", "message": "退回"}] if rng.random() < 0.1 else [],
                 "light": rng.choice([None, None, "黄灯"])}
        rec = TicketStateRecord(towns[i % 2], f"r{i}", f"N{i:03d}" if i % 5 else None, unit, status, state)
        return rec, {"诉求企业": f"企业{i}-{n}", "校验结果": rng.choice(["✔", "疑似重复"])}

    users = [COORD, ZJ, RS, Viewer("t", "township", None, "镇A"), Viewer("x", "unit", "区交通局", None)]
    with Store(url) as store, Store(url) as other:
        made = [ticket(i) for i in range(120)]
        for town in towns:
            other.record_rows(town, {r.row_id: c for r, c in made if r.ledger_id == town}, NOW, cycle_id=1)
        other.save_ticket_states([r for r, _ in made], NOW)
        tickets.warm(store)     # loaded before any request, up to the last write
        assert tickets._cache_of(store).version == store.ticket_changes(None).version
        assert len(tickets._cache_of(store).tickets) == 120
        for user in users:
            _same_as_fresh(store, user)
        for n in range(1, 7):
            picked = [ticket(i, n) for i in rng.sample(range(120), 5)]
            other.save_ticket_states([r for r, _ in picked], NOW)
            if n % 2:
                other.record_rows(towns[0], {r.row_id: c for r, c in picked if r.ledger_id == towns[0]}, NOW)
            if n == 4:   # a row leaves its ledger
                snaps = other.snapshots(towns[1])
                other.record_rows(towns[1], dict(list(snaps.items())[1:]), NOW, cycle_id=n, complete=True)
            for user in users:
                _same_as_fresh(store, user)
        assert tickets.view(store, Viewer("x", "unit", "区交通局", None)).tickets == []


def test_serve_warms_the_cache_in_a_thread_before_the_first_request(district):
    from cli.web_cmds import _warm_in_background
    _, _, store, _ = district
    assert tickets._cache_of(store).version is None
    warming = _warm_in_background(store)
    warming.join(timeout=60)
    assert not warming.is_alive()
    cache = tickets._cache_of(store)
    assert cache.version is not None and len(cache.states) == len(store.ticket_states())
    _same_as_fresh(store, COORD)
