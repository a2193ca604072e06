"""docs/ledger.md's column tables are the schema itself, regenerated; every worksheet and header is there."""
from pathlib import Path

from sheets_schema import SHEETS
from sheets_schema.docs import BEGIN, END, tables_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "ledger.md"


def test_doc_tables_match_the_schema():
    text = DOC.read_text(encoding="utf-8")
    generated = text[text.index(BEGIN): text.index(END) + len(END)]
    assert generated == tables_markdown(), "run: python -m sheets_schema.docs"


def test_every_worksheet_and_column_is_documented_with_its_owner():
    text = DOC.read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"### {sheet.name}" in text
        for column in sheet.columns:
            assert f"| {column.header} | " in text and f"({column.owner})" in text
