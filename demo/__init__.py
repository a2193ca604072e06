"""Demo data for `make run`: a district workbook with units, a dispatch catalogue, a knowledge base and
requests at every stage, dated relative to today so the dashboard always has something due and overdue."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

UNITS = [
    ("区住建局", "区直部门", "王伟", "13905321234", "zhujian@demo.gov.cn", "刘强", "liuqiang@demo.gov.cn"),
    ("区市场监管局", "区直部门", "陈静", "0632-7711401", "scjg@demo.gov.cn", "赵敏", "zhaomin@demo.gov.cn"),
    ("区人社局", "区直部门", "孙丽", "13705321111", "renshe@demo.gov.cn", "周涛", "zhoutao@demo.gov.cn"),
    ("区自然资源局", "区直部门", "吴刚", "13605322222", "ziran@demo.gov.cn", "郑华", "zhenghua@demo.gov.cn"),
    ("区行政审批服务局", "区直部门", "冯雪", "13505323333", "shenpi@demo.gov.cn", "何平", "heping@demo.gov.cn"),
    ("坛山街道办事处", "镇街", "朱琳", "13405324444", "tanshan@demo.gov.cn", "马军", "majun@demo.gov.cn"),
]
RULES = [
    ("投诉", "", "区市场监管局", ""),
    ("", "施工许可、竣工验收、工程款", "区住建局", "区市场监管局"),
    ("", "社保、招工、稳岗", "区人社局", ""),
    ("", "用地、规划、不动产", "区自然资源局", ""),
    ("", "营业执照、审批、许可证", "区行政审批服务局", ""),
]
KNOWLEDGE = [
    ("稳岗返还政策怎么申请？", "符合条件的企业无需申请，人社部门通过大数据比对“免申即享”，资金直接拨付至企业账户。",
     "鲁人社字〔2023〕12号", "区人社局", "稳岗、返还、社保"),
    ("营业执照经营范围如何变更？", "可通过山东省政务服务网“一网通办”在线提交变更登记，材料齐全的当日办结。",
     "《市场主体登记管理条例》", "区行政审批服务局", "营业执照、变更、经营范围"),
    ("招用高校毕业生有哪些补贴？", "招用离校2年内未就业高校毕业生并签订1年以上劳动合同的，可申请一次性扩岗补助。",
     "人社部发〔2023〕27号", "区人社局", "招工、补贴、高校毕业生"),
]
COMPANIES = ["枣庄鑫源机械有限公司", "峄城恒达商贸有限公司", "山东榴园食品有限公司", "枣庄华瑞新材料有限公司",
             "峄城区宏图建筑安装有限公司", "枣庄顺通物流有限公司", "山东石榴红农业科技有限公司",
             "枣庄市峄州印务有限公司", "峄城区明达汽车维修中心", "枣庄润泽环保科技有限公司"]
CONTACTS = ["李明", "张伟", "王芳", "刘洋", "陈杰", "杨敏", "赵磊", "黄婷", "周强", "吴静"]
MATTERS = [
    ("求助", "厂房施工许可办理进度慢，请求协调加快审批"),
    ("投诉", "执法检查中被要求缴纳不合理罚款，请求核查"),
    ("咨询", "稳岗返还政策怎么申请，需要哪些材料"),
    ("求助", "新厂区用地规划调整，请求协调自然资源部门"),
    ("意见建议", "建议在工业园区增设公交站点，方便职工通勤"),
    ("求助", "项目竣工验收迟迟未安排，影响投产"),
    ("投诉", "工程款被拖欠半年，多次催要无果"),
    ("咨询", "营业执照经营范围如何变更"),
    ("求助", "招工困难，请求人社部门组织专场招聘会"),
    ("投诉", "有中介以“包过审批”为名收取费用，请求查处"),
]


def requests(today: date, profile, n: int = 24, seed: int = 7) -> list[dict]:
    """Ledger rows ({header: value}) received over the last few weeks, at every stage of handling, in the
    profile's categories and problem types."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        category, matter = MATTERS[i % len(MATTERS)]
        received = datetime.combine(today - timedelta(days=rng.randint(0, 24)), time(rng.randint(8, 16), rng.choice((0, 30))))
        row = {"所属镇街": rng.choice(["坛山街道", "吴林街道", "古邵镇"]), "受理时间": received.strftime("%Y-%m-%d %H:%M"),
               "渠道": rng.choice(["12345热线", "电话", "窗口", "政府网站"]), "受理人": "赵晓",
               "诉求企业": COMPANIES[(3 * i + i // 10) % len(COMPANIES)], "联系人": CONTACTS[i % len(CONTACTS)],
               "联系电话": f"13{rng.randint(5, 9)}{rng.randint(10000000, 99999999)}", "诉求类别": category,
               "主要诉求": matter,
               "企业地址": "枣庄市峄城区榴园路" + str(rng.randint(1, 300)) + "号"}
        if category not in profile.categories:
            row["诉求类别"] = category = "求助"
        if profile.problem_types:
            row["问题类型"] = rng.choice([t for t in ("一般", "一般", "复杂") if t in profile.problem_types]
                                      or list(profile.problem_types))
        if category == "投诉":
            row["投诉对象"] = "某执法中队" if "罚款" in matter else "某建设单位"
        age = (today - received.date()).days
        stage = rng.random()
        if age >= 1 and stage > 0.2:
            row["签收时间"] = (received + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
            row["首次联系时间"] = (received + timedelta(hours=20)).strftime("%Y-%m-%d %H:%M")
        if age >= 4 and stage > 0.4:
            row["答复时间"] = (received + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
        if age >= 8 and stage > 0.5:
            row["办结时间"] = (received + timedelta(days=6)).strftime("%Y-%m-%d %H:%M")
            row["核查结论"] = rng.choice(["属实", "部分属实", "不属实"])
            row["办理情况"] = "已联系企业现场核实，协调相关科室办理完毕，企业表示认可。"
            row["回访时间"] = (received + timedelta(days=7)).strftime("%Y-%m-%d %H:%M")
            row["满意度"] = "不满意" if i % 7 == 0 else "满意"
            if row["满意度"] == "不满意":
                row["不满意原因"] = "问题未根本解决"
        if i % 9 == 4:
            row["延期申请"] = "涉及上级部门审批，申请延期"
        rows.append(row)
    rows.append({**rows[0], "联系电话": "1381234567", "诉求企业": "峄城区新兴商行", "主要诉求": "电话号码少写一位的示例"})
    return rows


def unit_rows():
    keys = ("单位名称", "单位层级", "经办人", "经办人电话", "经办人邮箱", "主要负责人", "负责人邮箱")
    return [dict(zip(keys, u)) for u in UNITS]


def rule_rows():
    return [{"诉求类别": c or None, "关键词": k or None, "牵头单位": lead, "配合单位": co or None} for c, k, lead, co in RULES]


def knowledge_rows():
    keys = ("问题", "答案", "依据文件", "单位", "关键词")
    return [dict(zip(keys, k)) for k in KNOWLEDGE]
