"""Operation names: the quoted-name rule, lists of names, folding, and slang that must not count."""

from __future__ import annotations

import pytest

from searchapp.ingest.operations import canonical_operation
from searchapp.ingest.operations import extract_operations


@pytest.mark.parametrize(
    ("text", "operations"),
    [
        ("警方部署开展“净网”专项行动。", ("净网",)),
        ("深入开展“斩链”“清源”“利剑”三大战役。", ("斩链", "清源", "利剑")),
        ("部署开展“断流”“拔钉”“斩链”等专项行动。", ("断流", "拔钉", "斩链")),
        ("纵深推进“云剑”、“断流”和“拔钉”行动。", ("云剑", "断流", "拔钉")),
        ("开展“猎狐”及“天网”行动。", ("猎狐", "天网")),
        ("纵深推进“云剑”、“断流”、“拔钉”等专项行动。", ("云剑", "断流", "拔钉")),
        ("强力推进“断流”专案，组织“夏收”会战。", ("断流", "夏收会战")),
        ("开展“猎狐”系列行动和“长城”集中行动。", ("猎狐", "长城")),
        ("开展“昆仑2023”专项行动。", ("昆仑2023",)),
        ("工信部持续推进“断卡行动2.0”。", ("断卡",)),
        ("全市断卡行动成效明显。", ("断卡",)),
        ("开展「斷卡」行動。", ("断卡",)),
        ('开展"清朗"专项行动。', ("清朗",)),
        ("延续“云剑－2023”行动成果。", ("云剑-2023",)),
        ("开展“天网 2024”专项行动。", ("天网2024",)),
        ("开展“护航”行动，又开展“春雷”专项行动。", ("护航行动", "春雷行动")),
        ("部署夏季治安打击整治“百日行动”。", ("百日行动",)),
        ("开展“百日行动”。", ("百日行动",)),
        ("深化“云剑-2022”行动和净网2023专项行动。", ("云剑-2022", "净网2023")),
        ("开展「護航」行動。", ("护航行动",)),
        ("开展“断卡”行动，部署“断卡2.0”专项行动，推进断卡行动2.0。", ("断卡",)),
        ("“拔钉”行动之后，又开展“断流”行动，再次开展“拔钉”行动。", ("拔钉", "断流")),
    ],
)
def test_operations_found(text, operations):
    assert extract_operations(text) == operations


@pytest.mark.parametrize(
    "text",
    [
        "抓获诈骗集团幕后“金主”和骨干。",
        "打掉“两卡”违法犯罪团伙，惩戒“两卡”失信人员。",
        "对“杀猪盘”、冒充客服等诈骗实施集群打击。",
        "按照“四专两合力”工作思路推进工作。",
        "推动“厦门经验”在全国落地生效。",
        "摧毁“四大家族”犯罪集团，“四大家族”专案进入诉讼。",
        "组织开展“全民反诈在行动”集中宣传月活动。",
        "组织开展“五进”活动。",
        "聚焦“黄赌毒”、“盗抢骗”、“食药环”等多发性案件。",
        "举行“中国这十年”系列主题新闻发布会。",
        "不间断组织集群战役和区域会战，坚持深入推进专案行动。",
        "人民银行深入推进“资金链”治理，开展“不良APP安全治理”。",
        "先后组织20余次集中收网行动。",
        "",
    ],
)
def test_not_operations(text):
    assert extract_operations(text) == ()


def test_declared_operations_come_first_and_fold():
    text = "同期开展“净网”专项行动，并延续“云剑－2023”行动成果。"
    assert extract_operations(text, declared=("云剑-2023", "断卡行动")) == ("云剑-2023", "断卡", "净网")


def test_declared_slang_is_dropped():
    assert extract_operations("", declared=("金主", "  ")) == ()


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("断卡", "断卡"),
        ("断卡2.0", "断卡"),
        ("断卡行动2.0", "断卡"),
        ("断卡 V3.1", "断卡"),
        ("断卡专项行动", "断卡"),
        ("斷卡行動", "断卡"),
        ("云剑－2023", "云剑-2023"),
        ("  天网   2024 ", "天网2024"),
        ("行动", "行动"),
        ("护航行动", "护航行动"),
        ("護航行動", "护航行动"),
        ("百日行动", "百日行动"),
        ("夏季治安打击整治百日行动", "百日行动"),
        ("净网2023", "净网2023"),
        ("云剑 2022", "云剑-2022"),
    ],
)
def test_canonical_operation(name, canonical):
    assert canonical_operation(name) == canonical


def test_canonical_keeps_the_operation_word_of_unknown_names():
    assert canonical_operation("护航", "专项行动") == "护航行动"
    assert canonical_operation("夏收", "会战") == "夏收会战"
    assert canonical_operation("断卡", "专项行动") == "断卡"


def test_data_file_is_versioned_and_consistent():
    from searchapp.ingest.operations import known_operations

    known = known_operations()
    assert known.version == "2026-01"
    assert {"断卡", "云剑", "净网", "昆仑", "百日行动"} <= set(known.names)
    # every spelling maps to a listed canonical name, and no slang is a known name
    assert set(known.lookup.values()) <= set(known.names)
    assert not known.not_operations & set(known.names)


def test_quoted_english_operation_counts_alone():
    text = "这一系列执法调查行动被称为“Operation Serengeti”，共逮捕1006人。"
    assert extract_operations(text) == ("Operation Serengeti",)
