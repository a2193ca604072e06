"""One sample notice per kind (tests, bench and docs use them); `python -m notices.samples DIR` writes PDFs and PNGs."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from notices.facts import KINDS, Notice, build_notice

# A complaint whose text names the complainant and his phone, to show the privacy rule at work.
MATTER = "企业反映厂区门前道路施工围挡三个月未拆除，影响货车进出，联系人王建国（13912345678）多次反映未果"

_COMMON = dict(
    ticket_number="〔2026〕第0012号", matter=MATTER,
    received=datetime(2026, 3, 2, 9, 30), due=date(2026, 3, 11), issued=date(2026, 3, 13),
    reply_by=date(2026, 3, 18), enterprise="枣阳市汉江机械制造有限公司",
    enterprise_address="枣阳市北城街道光武大道88号", contact_name="王建国", contact_phone="13912345678",
    complained_units=("枣阳市住房和城乡建设局",),
)

_PER_KIND = {
    "reminder_letter": dict(number="港营商函〔2026〕7号", issuer="港南区优化营商环境工作小组办公室",
                            addressee="港南区交通运输局", lateness="超期2个工作日"),
    "supervision_form": dict(number="枣营商督〔2026〕12号", issuer="枣阳市发展和改革局",
                             addressee="枣阳市住房和城乡建设局", lateness="超期2个工作日",
                             title="枣阳市营商环境投诉问题督办单", reply_to="市营商办",
                             basis="《枣阳市企业诉求“直通车”工作方案》"),
    "rectification_notice": dict(number="港营商整改〔2026〕3号", issuer="港南区优化营商环境工作小组督查督办专责组",
                                 addressee="港南区交通运输局",
                                 situation="该诉求经两次办理，企业回访评价均为不满意；"
                                           "办理中与港南区住房和城乡建设局相互推诿，未明确牵头责任。"),
    "interview_notice": dict(number="港营商约〔2026〕1号", issuer="港南区优化营商环境工作小组",
                             addressee="港南区交通运输局",
                             situation="办理过程中反馈“已联系企业”，经回访核实企业未被联系，存在弄虚作假情形，造成不良影响。",
                             meeting_time=datetime(2026, 3, 20, 9, 30), meeting_place="区政务服务中心三楼会议室"),
    "assignment_form": dict(number="枣营商交〔2026〕12号", issuer="枣阳市发展和改革局",
                            addressee="枣阳市交通运输局", co_units=("枣阳市城市管理执法局", "北城街道办事处"),
                            title="枣阳市营商环境投诉问题交办单", reply_to="市营商办", limit="5个工作日",
                            remarks="附受理承办单、诉求材料", issued=date(2026, 3, 2), reply_by=date(2026, 3, 9),
                            due=date(2026, 3, 9), attachments=("枣阳市营商环境投诉问题受理承办单", "诉求材料")),
    "transfer_form": dict(number="亭办转〔2026〕5号", issuer="山亭区政务服务管理办公室",
                          addressee="山亭区市场监督管理局", problem_type="一般事项", limit="2个工作日办结",
                          title="“办不成事”登记窗口转办单", issued=date(2026, 3, 2), reply_by=date(2026, 3, 4),
                          due=date(2026, 3, 4)),
}


def sample(kind: str) -> Notice:
    """The sample notice of one kind."""
    return build_notice(kind, **{**_COMMON, **_PER_KIND[kind]})


def main(argv=None) -> None:
    from notices.render import render_pdf
    out = Path((argv or sys.argv[1:] or ["docs/notices"])[0])
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        pdf = out / f"{kind}.pdf"
        pdf.write_bytes(render_pdf(sample(kind)))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(out / kind)], check=True)
        pdf.unlink()
        print(out / f"{kind}.png")


if __name__ == "__main__":
    main()
