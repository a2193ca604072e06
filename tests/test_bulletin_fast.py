"""The bulletin's cheaper paths keep what it prints: fixed table columns sized to their text."""
from reports.bulletin import HtmlTable, column_widths


def test_column_widths_follow_each_columns_widest_text():
    headers = ["序号", "主题关键词"]
    rows = [["1", "路灯、维修"], ["12", "供水管、抢修、园区、生产"]]
    # widest texts: 序号 (2 CJK = 4) and the 12-character keywords (24), each plus 2 for the padding
    assert column_widths(headers, rows) == (round(100 * 6 / 32, 2), round(100 * 26 / 32, 2))
    assert column_widths(["a", "b"], []) == (50.0, 50.0)   # an empty table: the headers decide
    assert HtmlTable(headers, rows).widths == ()          # the metrics page keeps automatic layout
