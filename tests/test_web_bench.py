"""bench_intake still runs end to end (small numbers): a second process posts /intake, one append per cycle."""
from bench import bench_intake


def test_bench_intake_smoke(capsys):
    bench_intake.run(requests=40, connections=2, naive_rows=2)
    out = capsys.readouterr().out
    assert "40 posts over 2 connections" in out and "0 not accepted" in out
    assert "40 of 40 submissions appended with 1 append call" in out
