"""Chinese date wording for letters, and turning a rendered HTML body into plain text."""
from __future__ import annotations

from datetime import date, datetime, time
from html.parser import HTMLParser


def zh_date(value: date | datetime) -> str:
    """2026年3月5日: Arabic numerals without leading zeros, as GB/T 9704-2012 asks for 成文日期."""
    return f"{value.year}年{value.month}月{value.day}日"


def zh_moment(value: date | datetime) -> str:
    """A date, plus the clock time when it is not midnight or the end of the day (zibo's 12:00 noon)."""
    if isinstance(value, datetime):
        t = value.time().replace(tzinfo=None)
        if t not in (time(0, 0), time(23, 59, 59), time(23, 59), time(23, 59, 59, 999999)):
            return f"{zh_date(value)}{t.hour}时{t.minute:02d}分" if t.minute else f"{zh_date(value)}{t.hour}时"
    return zh_date(value)


INDENT = "\u3000\u3000"  # two ideographic spaces: a paragraph's first-line indent in Chinese plain text
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "li", "tr", "table", "section", "ol", "ul", "header", "footer"}


class _Text(HTMLParser):
    """Paragraphs become lines; a table row becomes one line of 'label：value' pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.cur: list[str] = []
        self.cell: list[str] | None = None
        self.row: list[tuple[str, str]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag in ("td", "th"):
            self.cell = []
            self.cell_tag = tag
        elif tag == "br":
            self._flush()
        elif tag in _BLOCK:
            self._flush()
            if tag == "p":
                self.cur.append(INDENT)

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append((self.cell_tag, " ".join("".join(self.cell).split())))
            self.cell = None
        elif tag == "tr":
            parts = []
            for kind, text in self.row:
                parts.append(f"{text}：" if kind == "th" else f"{text}  ")
            self.lines.append("".join(parts).rstrip())
            self.row = []
        elif tag in _BLOCK:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        (self.cell if self.cell is not None else self.cur).append(data)

    def _flush(self):
        raw = "".join(self.cur)
        text = " ".join(raw.split())
        if raw.startswith(INDENT) and text:
            text = INDENT + text
        if text:
            self.lines.append(text)
        self.cur = []


def html_to_text(html: str) -> str:
    """Plain-text rendering of a letter body: one paragraph per line, blank line between paragraphs."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n".join(line for line in parser.lines if line.strip()) + "\n"
