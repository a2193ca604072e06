"""The coordinator's write path through the connector, on both backends (xlsx and Google Sheets through
the local server): coordinator-owned cells only, nothing else, no appends."""
import pytest
from connector.base import CellWrite, ServiceOnlyError, coordinator_headers

from test_connector_contract import LEDGER, SERVICE_HEADERS, _rows, local_sheets, ready, world  # noqa: F401


def test_coordinator_writes_its_own_cells_and_nothing_else(ready):
    world, led = ready
    g = led.read([LEDGER])[LEDGER]
    first = g.rows[0]
    before = _rows(world)[0]
    res = led.write([CellWrite(g.ref(first, SERVICE_HEADERS), {"承办单位": "=区住建局"})], owner="coordinator")
    assert len(res.landed) == 1 and not res.missed
    after = _rows(world)[0]
    assert after["承办单位"] == "=区住建局"            # formula-looking text stays text
    assert after["主要诉求"] == before["主要诉求"]
    for cells in ({"联系电话": "13900000000"}, {"督办状态": "红灯"}, {"承办单位": "区住建局", "主要诉求": "x"}):
        with pytest.raises(ServiceOnlyError):
            led.write([CellWrite(g.ref(first, SERVICE_HEADERS), cells)], owner="coordinator")
    with pytest.raises(ValueError):
        led.write([], {LEDGER: [{"诉求企业": "x"}]}, owner="coordinator")
    with pytest.raises(ValueError):
        led.write([], owner="anyone")
    assert _rows(world)[0]["主要诉求"] == before["主要诉求"] and _rows(world)[0]["督办状态"] == before["督办状态"]
    assert {"承办单位", "配合单位", "延期批准", "延期天数", "是否办结归档"} <= coordinator_headers()
    assert not coordinator_headers() & set(SERVICE_HEADERS)
