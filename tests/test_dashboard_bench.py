"""bench_dashboard still runs end to end (small numbers): cached pages, a cycle's changes, the naive baseline."""
from bench import bench_dashboard


def test_bench_dashboard_smoke(capsys):
    bench_dashboard.run(ledgers=2, per_ledger=60)
    out = capsys.readouterr().out
    assert "120 tickets in 2 ledgers" in out and "GET /api/tickets" in out
    assert "cycle 2 changed 1% of the tickets" in out and "naive (read and decode everything" in out
