"""Notices: facts from plain values, the seeds' wording, the privacy rule, and letters that really render."""
import io
import re
from datetime import date, datetime

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notices import KINDS, NoticeError, build_notice, render
from notices.privacy import may_carry_contact, scrub
from notices.render import render_pdf
from notices.samples import MATTER, sample
from notices.text import html_to_text, zh_moment

BASE = dict(number="督〔2026〕12号", issuer="枣阳市发展和改革局", addressee="枣阳市住房和城乡建设局",
            ticket_number="〔2026〕第0012号", matter="道路围挡未拆除", received=date(2026, 3, 2),
            due=date(2026, 3, 11), reply_by=date(2026, 3, 18), issued=date(2026, 3, 13))


def flat(s: str) -> str:
    return "".join(s.split())


def pdf_text(data: bytes) -> str:
    return flat("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))


def test_supervision_form_follows_zaoyang_wording():
    n = build_notice("supervision_form", **BASE, lateness="超期2个工作日", reply_to="市营商办",
                     basis="《枣阳市企业诉求“直通车”工作方案》")
    text = flat(render(n, pdf=False).text)
    assert "贵单位在办理编号〔2026〕第0012号企业诉求问题时出现以下情况：" in text
    assert "现予以提醒并进行督办，请于5日内（2026年3月18日前）将办理结果向市营商办反馈" in text
    assert "超期2个工作日" in text and "根据《枣阳市企业诉求“直通车”工作方案》规定" in text


@pytest.mark.parametrize("kind, phrase", [
    ("reminder_letter", "现予以提醒敦促"), ("rectification_notice", "挂牌督办"),
    ("interview_notice", "约谈贵单位主要负责人"), ("assignment_form", "牵头办理"),
    ("transfer_form", "转交贵单位办理"),
])
def test_each_kind_says_what_it_is_and_when_to_reply(kind, phrase):
    r = render(build_notice(kind, **BASE), pdf=False)
    for body in (flat(r.text), flat(html_to_text(r.html))):
        assert phrase in body and "2026年3月18日" in body and "〔2026〕第0012号" in body
    assert r.subject.startswith(f"【{KINDS[kind].label}】督〔2026〕12号") and "〔2026〕第0012号" in r.subject
    assert r.filename == f"{KINDS[kind].label}_督〔2026〕12号.pdf"


@pytest.mark.parametrize("field, value, words", [
    ("number", "督[2026]12号", "六角括号"), ("number", "", "缺少发文字号"),
    ("addressee", "  ", "缺少主送单位"), ("reply_by", date(2026, 3, 1), "早于成文日期"),
])
def test_bad_values_are_refused_in_chinese(field, value, words):
    with pytest.raises(NoticeError, match=words):
        build_notice("reminder_letter", **{**BASE, field: value})


def test_unknown_kind_names_the_choices():
    with pytest.raises(NoticeError, match="supervision_form"):
        build_notice("warning", **BASE)


def test_html_escapes_what_people_typed():
    r = render(build_notice("reminder_letter", **{**BASE, "matter": "<script>alert(1)</script>&"}), pdf=False)
    assert "<script>" not in r.html and "&lt;script&gt;" in r.html


def test_moments_in_letter_wording():
    assert zh_moment(date(2026, 3, 5)) == "2026年3月5日"
    assert zh_moment(datetime(2026, 3, 5, 12, 0)) == "2026年3月5日12时"
    assert zh_moment(datetime(2026, 3, 5, 23, 59, 59)) == "2026年3月5日"
    assert zh_moment(datetime(2026, 3, 5, 9, 5)) == "2026年3月5日9时05分"


# --- the privacy rule ---------------------------------------------------------------------------------

def test_contact_only_on_dispatch_forms_to_units_not_complained_about():
    assert may_carry_contact("assignment_form", "交通运输局", ["住建局"])
    assert may_carry_contact("transfer_form", "交通运输局", [])
    assert not may_carry_contact("assignment_form", "住建局", ["住 建局"])
    for kind in ("reminder_letter", "supervision_form", "rectification_notice", "interview_notice"):
        assert not may_carry_contact(kind, "交通运输局", [])


def test_assignment_form_carries_the_contact_the_unit_must_call():
    r = render(sample("assignment_form"), pdf=False)
    assert "王建国" in r.text and "13912345678" in r.text and "枣阳市汉江机械制造有限公司" in r.text


def test_assignment_form_to_the_complained_unit_withholds_the_contact():
    n = build_notice("assignment_form", **{**BASE, "addressee": "枣阳市住房和城乡建设局",
                                           "matter": "王建国反映：电话13912345678"},
                     contact_name="王建国", contact_phone="139 1234 5678",
                     complained_units=["枣阳市住房和城乡建设局"])
    r = render(n, pdf=False)
    for body in (r.text, r.html):
        assert "王建国" not in body and "5678" not in body
    assert "不向本单位提供" in r.text


names = st.builds(lambda s, g: s + g, st.sampled_from("赵钱孙李周吴郑冯褚卫蒋沈韩杨朱秦尤许何吕施孔曹严金魏陶姜"),
                  st.text(alphabet="伟芳娜秀敏静丽强磊洋艳勇军杰娟涛超霞平刚桂英华玉萍红娥玲", min_size=1, max_size=2))
phones = st.one_of(st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
                   st.from_regex(r"0\d{2,3}-\d{7,8}", fullmatch=True),
                   st.from_regex(r"1[3-9]\d \d{4} \d{4}", fullmatch=True))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(KINDS)), name=names, phone=phones,
       before=st.text(alphabet="企业反映道路施工围挡未拆除影响进出，。", max_size=15),
       complained=st.booleans())
def test_a_notice_to_the_complained_unit_never_names_the_complainant(kind, name, phone, before, complained):
    addressee = "区住建局"
    n = build_notice(kind, **{**BASE, "addressee": addressee, "matter": f"{before}{name}{phone}{before}",
                              "situation": f"{name}多次来电{phone}" if not KINDS[kind].dispatch else None},
                     contact_name=name, contact_phone=phone,
                     complained_units=[addressee] if complained else ["区交通局"])
    r = render(n, pdf=False)
    digits = re.sub(r"\D", "", phone)
    if KINDS[kind].dispatch and not complained:
        assert name in r.text and phone in r.text  # the unit that must call back gets the contact
        return
    for body in (r.text, r.html, r.subject):
        assert name not in body and phone not in body and digits not in body


def test_scrub_keeps_dates_and_ticket_numbers():
    assert scrub("〔2026〕第0012号 3月5日 王五 010-88886666", ["王五"]) == "〔2026〕第0012号 3月5日 某某 ×××"


# --- the PDF ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_pdf_is_an_a4_letter_with_the_ticket_and_reply_by_date(kind):
    n = sample(kind)
    data = render_pdf(n)
    reader = pypdf.PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert len(reader.pages) == 1, "a sample notice fits on one page, signature included"
    text = pdf_text(data)
    for must in (n.ticket_number, n.reply_by, n.number, n.issuer, n.issued, n.addressee + "："):
        assert flat(must) in text
    if not KINDS[kind].dispatch:
        assert "王建国" not in text and "13912345678" not in text
    assert MATTER[:10] in text


def test_pdf_embeds_only_subset_fonts():
    data = render_pdf(sample("reminder_letter"))
    assert len(data) < 400_000, f"PDF is {len(data)} bytes: fonts were not subset"
    fonts = {str(f.get_object().get("/BaseFont"))
             for p in pypdf.PdfReader(io.BytesIO(data)).pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    assert fonts and all(re.match(r"/[A-Z]{6}\+", f) for f in fonts), fonts


def test_zibo_noon_deadline_and_a_datetime_issue_date():
    n = build_notice("reminder_letter", **{**BASE, "due": datetime(2026, 3, 5, 12, 0),
                                           "issued": datetime(2026, 3, 6, 8, 0), "reply_by": datetime(2026, 3, 9, 12)})
    assert n.due == "2026年3月5日12时" and n.issued == "2026年3月6日" and "2026年3月9日12时前" in n.demand


def test_a_long_letter_numbers_its_pages_from_the_second_on():
    n = build_notice("rectification_notice", **{**BASE, "situation": "推诿扯皮，" * 180 + "情况属实。"})
    pages = [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(render_pdf(n))).pages]
    assert len(pages) >= 2
    assert "—1—" not in pages[0] and "—2—" in pages[1]
    assert "2026年3月13日" in pages[-1] and "枣阳市发展和改革局" in pages[-1]


def test_every_kind_has_its_picture_in_the_docs():
    from pathlib import Path
    docs = Path(__file__).resolve().parent.parent / "docs" / "notices"
    assert sorted(p.stem for p in docs.glob("*.png")) == sorted(KINDS)


def test_letters_render_from_several_threads_at_once():
    from concurrent.futures import ThreadPoolExecutor
    kinds = ["supervision_form", "assignment_form", "reminder_letter", "transfer_form"]
    with ThreadPoolExecutor(4) as pool:
        pdfs = list(pool.map(lambda k: render_pdf(sample(k)), kinds))
    for kind, data in zip(kinds, pdfs):
        assert sample(kind).number in pdf_text(data)


def test_every_supervision_event_of_the_profiles_has_a_situation():
    from notices.situations import SITUATIONS, situation
    events = ("overdue", "yellow_light", "red_light", "not_signed", "repeat_request", "unsatisfied",
              "improper_close_request", "shirking", "false_feedback", "falsification", "irregular_handling",
              "dereliction", "confidentiality_breach", "retaliation", "long_unresolved")
    assert set(events) <= set(SITUATIONS)
    s = situation("not_signed", reply_to="区营商办", due=datetime(2026, 3, 3, 17, 30), lateness="超期1个工作日")
    assert s == "该诉求已派发至贵单位，签收时限为2026年3月3日17时30分，贵单位无故未签收，超期1个工作日。"
    assert situation("unsatisfied", reply_to="x") == "该诉求经2次办理，企业回访评价仍为不满意。"
    n = build_notice("rectification_notice", **BASE, situation=situation("shirking", reply_to="x", count=2))
    assert "推诿扯皮" in render(n, pdf=False).text
    with pytest.raises(KeyError, match="overdue"):
        situation("late", reply_to="x")
