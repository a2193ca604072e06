"""`make bench`'s validation figure keeps working: a small run prints both timings (no time is asserted)."""
from bench import bench_validate


def test_bench_runs_and_reports_beside_the_naive_loop(capsys):
    bench_validate.run(rows=300)
    out = capsys.readouterr().out
    assert "validate 300 ledger rows:" in out and "naive per-cell loop, same rows:" in out


def test_bench_data_is_a_ledger_the_validator_mostly_accepts():
    from sheets_schema import validate_workbook
    workbook = bench_validate.make_workbook(2000)
    problems = validate_workbook(workbook, bench_validate.PROFILE)
    bad_rows = {p.row for p in problems if p.level == "error"}
    assert 0 < len(bad_rows) < 200   # the planted ~2 % mistakes, not a wall of errors from bad test data
