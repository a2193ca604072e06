from domain.dispatch import DispatchRule, choose

RULES = [
    DispatchRule("投诉", (), "区营商办"),
    DispatchRule(None, ("用电", "电费"), "区供电公司", ("区发改局",)),
    DispatchRule("投诉", ("消防",), "区消防救援大队", ("区应急局",)),
    DispatchRule("咨询", ("社保",), "区人社局"),
]


def test_keyword_and_category_beat_keyword_beat_category():
    assert choose(RULES, "投诉", "厂房消防验收拖延", None).lead == "区消防救援大队"
    assert choose(RULES, "求助", "企业用电扩容", None).lead == "区供电公司"
    assert choose(RULES, "投诉", "审批拖延", None).lead == "区营商办"
    assert choose(RULES, "咨询", "社保补贴怎么申请", None).co_units == ()


def test_no_match_leaves_it_blank():
    assert choose(RULES, "意见建议", "建议增设公交线路", None).lead is None


def test_never_sent_to_the_unit_it_complains_about():
    d = choose(RULES, "投诉", "厂房消防验收拖延", "区消防救援大队")
    assert d.lead is None and "不得交其本单位办理" in d.conflict
    d2 = choose(RULES, "投诉", "电费收费不合理", "区发改局")
    assert d2.lead == "区供电公司" and d2.co_units == ()
