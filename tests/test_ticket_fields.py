from datetime import datetime

from domain.workflow import Ticket
from sheets_schema import LEDGER, read_records
from sheets_schema.tickets import TICKET_FIELDS, ticket_from_values


def test_every_mapped_header_is_a_ledger_column_and_every_field_a_ticket_field():
    assert set(TICKET_FIELDS) <= set(LEDGER.headers)
    assert set(TICKET_FIELDS.values()) <= set(Ticket.__dataclass_fields__)


def test_a_typed_row_becomes_a_ticket_with_its_lead_unit():
    header = list(LEDGER.headers)
    row = [""] * len(header)
    for h, v in {"受理时间": "2026年11月2日 9:30", "诉求类别": "投诉", "承办单位": "区住建局、区发改局",
                 "延期批准": "同意", "延期天数": "5", "诉求企业": "某公司"}.items():
        row[header.index(h)] = v
    record = read_records(LEDGER, [header, row])[0]
    t = ticket_from_values(record.values)
    assert t.received == datetime(2026, 11, 2, 9, 30) and t.category == "投诉"
    assert t.unit == "区住建局" and t.extension_approval == "同意" and t.extension_days == 5


def test_rows_without_category_or_time_have_no_ticket():
    assert ticket_from_values({"诉求类别": "投诉"}) is None
    assert ticket_from_values({"受理时间": datetime(2026, 11, 2)}) is None
