"""Similar requests grouped into themes, and knowledge-base answers for 咨询 tickets."""
import numpy as np
import pytest

from reports import similar
from reports.similar import suggest, suggestion_cell, themes

# Three recurring matters, each told in different words, and requests that belong to none.
LAMPS = ["厂区门前道路路灯损坏多日,夜间出行不便,希望尽快维修。",
         "公司门口路灯坏了好几天,晚上员工下班很黑,请维修路灯。",
         "工业园主干道路灯不亮,夜间员工出行有安全隐患,请维修。"]
SUBSIDY = ["高新技术企业认定补贴资金迟迟未到账,请协调财政部门拨付。",
           "申请的高新技术企业补贴资金一直没有到账。",
           "去年高新技术企业认定奖励补贴资金至今未拨付到账。"]
WATER = ["园区供水管道破裂,生产用水中断,请求尽快抢修。",
         "园区自来水管爆裂停水,无法生产,请抢修供水管道。"]
OTHERS = ["咨询小微企业社保费减免政策的申请条件。",
          "附近工地夜间施工噪音扰民,影响员工休息。",
          "营业执照变更登记材料被多次退回。"]


def _groups(found, n_of):
    return [sorted(n_of[m] for m in t.members) for t in found]


def test_similar_requests_form_themes_and_different_ones_do_not():
    texts = [LAMPS[0], SUBSIDY[0], OTHERS[0], WATER[0], LAMPS[1], SUBSIDY[1], OTHERS[1], LAMPS[2], WATER[1],
             SUBSIDY[2], OTHERS[2]]
    numbers = [f"N{i:02d}" for i in range(len(texts))]
    found = themes(texts, numbers)
    by_text = {tuple(sorted(texts[m] for m in t.members)) for t in found}
    assert by_text == {tuple(sorted(LAMPS)), tuple(sorted(SUBSIDY)), tuple(sorted(WATER))}
    # largest first, examples are the first numbers received, keywords say what it is about
    assert [t.count for t in found] == [3, 3, 2]
    lamps = next(t for t in found if LAMPS[0] in [texts[m] for m in t.members])
    assert lamps.examples == ("N00", "N04", "N07") and "路灯" in lamps.keywords
    assert any("补贴" in t.keywords for t in found)


def test_themes_edge_cases():
    assert themes([]) == []
    assert themes(["", "", None]) == []                       # blank requests are no theme
    twice = themes(["园区停水无法生产", "园区停水无法生产", "咨询社保政策"], ["A", "B", "C"])
    assert [(t.count, t.examples) for t in twice] == [(2, ("A", "B"))]  # a request filed twice is counted twice
    assert themes(LAMPS + SUBSIDY, min_count=4) == []


def test_bucketed_grouping_matches_on_a_larger_ledger(monkeypatch):
    # Buckets (k-means) are used past 2 × BUCKET_SIZE distinct texts; shrink it so the test stays small.
    from bench.bench_bulletin import MATTERS, synth_texts
    monkeypatch.setattr(similar, "BUCKET_SIZE", 60)
    rng = np.random.default_rng(3)
    texts = synth_texts(600, rng)
    found = themes(texts.tolist(), top=None)
    # every recurring matter is found, and no theme mixes two matters
    matter_of = {}
    for i, t in enumerate(texts):
        for k, pair in enumerate(MATTERS):
            if pair[0] in t or pair[1] in t:
                matter_of[i] = k
    for t in found:
        assert len({matter_of.get(m) for m in t.members}) == 1, t.label
    covered = {matter_of[t.members[0]] for t in found if t.members[0] in matter_of}
    assert covered == set(range(len(MATTERS)))
    themed = sum(t.count for t in found if t.members[0] in matter_of)
    assert themed >= 0.8 * len(matter_of)


KB = [
    {"问题": "小微企业社保费减免政策的申请条件是什么", "答案": "符合小型微型企业划型标准的可向社保中心申请减免。",
     "依据文件": "人社部发〔2025〕12号", "关键词": "社保 减免 小微企业"},
    {"问题": "高新技术企业认定补贴如何申领", "答案": "认定后向区科技局提交申领表和证书复印件。", "关键词": "高新技术 补贴"},
    {"问题": "路灯损坏向哪个部门报修", "答案": "城市道路路灯由区城管局路灯所维护,电话 12319。", "关键词": "路灯 报修"},
    {"问题": "", "答案": "没有问题的条目不参与匹配"},
]


def test_suggest_best_answers_first():
    got = suggest(KB, ["请问小微企业社保费减免需要什么申请条件?", "厂门口路灯坏了找哪个部门报修", "今天天气很好"],
                  top=2)
    assert got[0][0].question.startswith("小微企业社保费减免") and got[0][0].basis == "人社部发〔2025〕12号"
    assert got[1][0].answer.startswith("城市道路路灯")
    assert got[2] == []                                   # nothing relevant: no suggestion rather than noise
    assert all(len(g) <= 2 for g in got)
    assert all(a.score >= b.score for g in got for a, b in zip(g, g[1:]))
    assert suggest([], ["路灯"]) == [[]] and suggest(KB, []) == []


def test_suggestion_cell_fits_the_column():
    [s] = suggest(KB, ["小微企业社保费减免政策申请条件"], top=1)
    cell = suggestion_cell(s)
    assert cell.startswith("1. 小微企业社保费减免政策的申请条件是什么 → 符合小型微型企业") and "依据:人社部发" in cell
    long = [similar.Suggestion(0, "问" * 300, "答" * 300, "", 0.9)]
    assert len(suggestion_cell(long)) == 500 and suggestion_cell(long).endswith("…")
    assert suggestion_cell([]) == ""


@pytest.mark.parametrize("text", ["", "   ", "12345", "!!!"])
def test_tokenize_leaves_no_noise(text):
    assert similar.tokenize(text) == []


def test_kb_cells_only_for_consultations():
    cells = similar.kb_cells(KB, {"r1": ("咨询", "小微企业社保费减免申请条件"), "r2": ("投诉", "路灯坏了报修"),
                                  "r3": ("咨询", "今天天气很好")})
    assert set(cells) == {"r1", "r3"}
    assert cells["r1"].startswith("1. 小微企业社保费减免政策") and cells["r3"] == ""
