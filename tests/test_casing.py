"""Case conversion, rule for rule as wx-server-sdk's convertCase."""

from __future__ import annotations

import pytest

from cloudfn.casing import camel_to_snake, snake_to_camel, to_camel_keys, to_snake_keys


@pytest.mark.parametrize(
    ("camel", "snake"),
    [
        ("updateType", "update_type"),
        ("tagidList", "tagid_list"),
        ("openid", "openid"),
        ("UpdateType", "update_type"),  # index 0: only lowered
        ("bizID", "biz_i_d"),  # every capital, no acronym handling
        ("a1B2", "a1_b2"),
        ("already_snake", "already_snake"),
        ("中文Key", "中文_key"),  # only ASCII capitals change
    ],
)
def test_camel_to_snake(camel: str, snake: str) -> None:
    assert camel_to_snake(camel) == snake


@pytest.mark.parametrize(
    ("snake", "camel"),
    [
        ("tagid_list", "tagidList"),
        ("update_type", "updateType"),
        ("_private", "Private"),  # `_x` anywhere, even first
        ("a__b", "a_B"),
        ("a_1", "a_1"),  # `_` before a non-letter stays
        ("a_B", "a_B"),  # `_` before a capital stays
        ("trailing_", "trailing_"),
    ],
)
def test_snake_to_camel(snake: str, camel: str) -> None:
    assert snake_to_camel(snake) == camel


def test_nested_objects_and_arrays_are_converted_values_are_not() -> None:
    data = {
        "sender": {"mobilePhone": "138", "nameText": "ZhangSan"},
        "cargo": {"detailList": [{"goodsName": "book", "goodsCount": 1}]},
        "matrix": [[{"innerKey": 1}], "plainValue"],
        "tagidList": "camelCase,value",
    }

    assert to_snake_keys(data) == {
        "sender": {"mobile_phone": "138", "name_text": "ZhangSan"},
        "cargo": {"detail_list": [{"goods_name": "book", "goods_count": 1}]},
        "matrix": [[{"inner_key": 1}], "plainValue"],
        "tagid_list": "camelCase,value",
    }


def test_renamed_keys_move_to_the_end_as_in_node() -> None:
    # Node assigns the new key (appended) then deletes the old one.
    converted = to_snake_keys({"aB": 1, "c": 2, "dE": 3})
    assert list(converted) == ["c", "a_b", "d_e"]
    assert list(to_camel_keys({"count": 1, "tagid_list": [], "openid": []})) == [
        "count",
        "openid",
        "tagidList",
    ]


def test_colliding_keys_resolve_as_in_node() -> None:
    # {aB, a_b}: aB overwrites a_b in place, then aB is deleted.
    assert to_snake_keys({"aB": 1, "a_b": 2}) == {"a_b": 1}
    assert to_snake_keys({"a_b": 2, "aB": 1}) == {"a_b": 1}


def test_input_is_not_modified() -> None:
    data = {"outerKey": {"innerKey": [1, {"deepKey": 2}]}}
    to_snake_keys(data)
    assert data == {"outerKey": {"innerKey": [1, {"deepKey": 2}]}}
