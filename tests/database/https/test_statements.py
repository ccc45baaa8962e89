"""Statements of the HTTPS database API: parsed as the real Node SDK builds them, and generated back.

Every statement below is run through wx-server-sdk 4.0.2 under node (the
request it hands its transport is captured) and through ``parse_statement``;
the two must agree byte for byte. ``generate_statement`` must then turn the
request back into a statement that parses to the very same request.
"""

from __future__ import annotations

from typing import Any

import pytest

from cloudfn.dbstatement import StatementError, generate_statement, parse_statement
from tests.support.database_https import NodeRequests

C = 'db.collection("todos")'

STATEMENTS = [
    # the official examples
    'db.collection("geo").where({done:true}).limit(10).skip(1).get()',
    'db.collection("geo").where({age:14}).update({data:{age: _.inc(1)}})',
    'db.collection("geo").doc("56abd6d5-9daf-4fc7-af05-eca13933f1aa").update({data:{age: 10}})',
    'db.collection("geo").doc("be62d9c4-43ec-4dc6-8ca1-30b206eeed24").set({data: {description: "set", done: true}})',
    'db.collection("geo").where({done:false}).remove()',
    'db.collection("geo").doc("be62d9c4-43ec-4dc6-8ca1-30b206eeed24").remove()',
    'db.collection("geo").where({done:true}).count()',
    'db.collection("test_collection").aggregate().match({tags:"cloud"}).limit(10).end()',
    """db.collection("geo").add({
      data: [{description: "item1", due: new Date("2019-09-09"), tags: ["cloud", "database"],
              location: new db.Geo.Point(113, 23), done: false},
             {description: "item2", due: new Date("2019-09-09"), tags: ["cloud", "database"],
              location: new db.Geo.Point(113, 23), done: false}]
    })""",
    # query commands, one by one and chained
    f"{C}.where({{n: _.eq(1), m: _.neq('x'), a: _.lt(1), b: _.lte(2.5), c: _.gt(-3), d: _.gte(1e21)}}).limit(5).get()",
    f"{C}.where({{tags: _.in(['a', 'b']), t2: _.nin([1, 2]), t3: _.all(['x'])}}).limit(5).get()",
    f"{C}.where({{list: _.elemMatch({{x: _.gt(1), y: 'k'}}), e: _.exists(true), s: _.size(3)}}).limit(5).get()",
    f"{C}.where({{m1: _.mod(4, 0), m2: _.mod([5, 1])}}).limit(5).get()",
    f"{C}.where({{n: _.gt(1).lt(9), m: _.gte(0).and(_.lte(5)), k: _.eq(1).or(_.eq(2))}}).limit(5).get()",
    f"{C}.where({{n: _.in([1, 2]).nin([3]), s: _.neq(1).gte(0)}}).limit(5).get()",
    f"{C}.where(_.or([{{a: 1}}, {{b: _.gt(2)}}])).limit(5).get()",
    f"{C}.where(_.and({{a: 1}}, {{b: {{c: 2}}}})).limit(5).get()",
    f"{C}.where({{a: _.or(_.gt(5), _.lt(1))}}).limit(5).get()",
    f"{C}.where(_.nor([{{a: 1}}, {{b: 2}}])).limit(5).get()",
    f"{C}.where({{a: _.not(_.gt(3)), b: _.not(/x/i)}}).limit(5).get()",
    f"{C}.where({{name: /^li/i, other: db.RegExp({{regexp: 'a.c', options: 'im'}})}}).limit(5).get()",
    f"{C}.where({{when: _.gt(new Date('2019-09-09T08:00:00.000Z')), at: new Date(1567987200000)}}).limit(5).get()",
    f"{C}.where({{a: {{b: {{c: 1, d: _.gt(2)}}}}, e: {{}}, 'x.y': 3}}).limit(5).get()",
    f"{C}.where({{b: 1, 2: 'two', 10: 'ten', a: 3}}).limit(5).get()",
    f"{C}.where(_.expr($.gt(['$a', '$b']))).limit(5).get()",
    f"{C}.where({{s: 'quote \\\" and \\\\ and \\n and \\u00e9 and 中文', u: undefined, v: null}}).limit(5).get()",
    f"{C}.where({{big: 2147483648, neg: -2147483649, huge: 9007199254740993, dbl: 0.1, tiny: 0.000001}}).limit(5).get()",
    f"{C}.where({{loc: _.geoNear({{geometry: new db.Geo.Point(113.3, 23.1), maxDistance: 1000, minDistance: 0}})}}).limit(5).get()",
    f"{C}.where({{loc: _.geoWithin({{geometry: new db.Geo.Polygon([new db.Geo.LineString([new db.Geo.Point(0, 0), new db.Geo.Point(3, 2), new db.Geo.Point(2, 3), new db.Geo.Point(0, 0)])])}})}}).limit(5).get()",
    f"{C}.where({{loc: _.geoWithin({{centerSphere: [new db.Geo.Point(-88, 30), 10 / 6378.1]}})}}).limit(5).get()".replace(
        "10 / 6378.1", "0.0015678"
    ),
    f"{C}.where({{loc: _.geoWithin({{centerSphere: [[-88, 30], 0.0015]}})}}).limit(5).get()",
    f"{C}.where({{loc: _.geoIntersects({{geometry: new db.Geo.LineString([new db.Geo.Point(0, 0), new db.Geo.Point(1, 1)])}})}}).limit(5).get()",
    f"{C}.where({{loc: new db.Geo.Point(113, 23)}}).limit(5).get()",
    f"{C}.where({{a: _['in']([1]), b: db.command.gt(2)}}).limit(5).get()",
    # query options
    f"{C}.orderBy('a', 'asc').orderBy('b.c', 'desc').skip(20).limit(5).get()",
    f"{C}.limit(2000).get()",
    f"{C}.skip(0).limit(1).field({{a: true, b: false, c: 1, d: 0, e: _.project.slice(5), f: _.project.elemMatch({{x: 1}}), g: 'dropped'}}).get()",
    f"{C}.where({{a: 1}}).where({{b: 2}}).limit(3).get()",
    # documents
    f"{C}.doc('id-1').get()",
    f"{C}.doc(42).field({{a: true}}).get()",
    f"{C}.doc('id-2').set({{data: {{a: 1, when: db.serverDate(), nested: {{x: [1, {{y: 2}}]}}, re: /a/g}}}})",
    f"{C}.doc('id-3').update({{data: {{a: 1, b: {{c: 2}}, n: _.inc(1)}}}})",
    f"{C}.doc('id-4').remove()",
    # update operators
    f"{C}.where({{a: 1}}).update({{data: {{s: _.set({{x: 1}}), r: _.remove(), i: _.inc(2), m: _.mul(1.5)}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{p1: _.push(1), p2: _.push([1, 2]), p3: _.push(1, 2, 3)}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{p: _.push({{each: [1, 2], position: 0, sort: -1, slice: 5}})}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{p: _.pull(3), q: _.pull(_.in([1, 2])), r: _.pullAll([1, 2])}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{a: _.pop(), b: _.shift(), c: _.unshift(1, 2), d: _.unshift([3])}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{s: _.addToSet(1), t: _.addToSet({{each: [1, 2]}})}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{a: _.rename('b'), c: _.max(5), d: _.min(1), e: _.bit({{and: 5}})}}}})",
    f"{C}.where({{a: 1}}).update({{data: {{when: db.serverDate({{offset: 60000}}), a: {{b: _.inc(1), c: 2}}, d: new Date(0)}}, multi: false}})",
    f"{C}.where({{a: 1}}).remove({{multi: false}})",
    f"{C}.remove()",
    f"{C}.count()",
    # add
    f"{C}.add({{data: {{a: 1, loc: new db.Geo.MultiPoint([new db.Geo.Point(1, 2), new db.Geo.Point(3, 4)])}}}})",
    f"{C}.add({{data: {{l: new db.Geo.MultiLineString([new db.Geo.LineString([new db.Geo.Point(0, 0), new db.Geo.Point(1, 1)])])}}}})",
    f"{C}.add({{data: {{when: new Date(2020, 0, 15, 10, 30), tags: [], obj: {{}}, t: true}}}})",
    # aggregate
    f"{C}.aggregate().match({{a: _.gt(1), b: {{c: 1}}}}).group({{_id: '$a', n: $.sum(1), avg: $.avg('$v')}}).sort({{n: -1}}).skip(1).limit(3).end()",
    f"{C}.aggregate().project({{a: 1, total: $.add(['$x', '$y']), big: $.gt(['$a', 1])}}).unwind('$tags').sortByCount('$tags').end()",
    f"{C}.aggregate().addFields({{d: $.dateToString({{date: '$when', format: '%Y'}})}}).count('n').sample({{size: 2}}).end()",
    f"{C}.aggregate().bucket({{groupBy: '$p', boundaries: [0, 10, 20], default: 'x', output: {{c: $.sum(1)}}}}).end()",
    f"{C}.aggregate().bucketAuto({{groupBy: '$p', buckets: 3}}).replaceRoot({{newRoot: '$doc'}}).end()",
    f"{C}.aggregate().lookup({{from: 'b', localField: 'x', foreignField: 'y', as: 'z'}}).end()",
    f"{C}.aggregate().lookup({{from: 'b', let: {{k: '$k'}}, pipeline: $.pipeline().match(_.expr($.eq(['$k', '$$k']))).project({{_id: 0}}).done(), as: 'z'}}).end()",
    f"{C}.aggregate().geoNear({{distanceField: 'd', spherical: true, near: new db.Geo.Point(113, 23), query: {{a: _.gt(1)}}, key: 'loc'}}).end()",
    f"{C}.aggregate().group({{_id: null, m: db.command.aggregate.max('$n'), f: $.first('$a'), neq: $.neq(['$a', 1])}}).end()",
    # syntax variety
    f"{C}.where({{a: 1,}}) /* a comment */ .limit(5).get();",
    "db.collection('todos').where({'quoted-key': 1, [\"computed\"]: 2, 0x1F: 'hex', 1.5: 'x'}).limit(5).get()",
    "(db.collection(`todos`)).where({a: +1, b: -0, c: .5}).limit(5).get()",
]


@pytest.fixture(scope="module")
def node_answers(node_requests: NodeRequests) -> list[dict[str, Any]]:
    return node_requests(STATEMENTS)


@pytest.mark.parametrize("index", range(len(STATEMENTS)))
def test_parse_matches_node(index: int, node_answers: list[dict[str, Any]]) -> None:
    expected = node_answers[index]
    assert "error" not in expected, expected
    parsed = parse_statement(STATEMENTS[index])
    if (
        expected["action"] == "database.getDocument"
        and "limit(" not in STATEMENTS[index]
        and parsed.params.get("queryType") == "WHERE"
    ):
        pytest.fail("statements here give an explicit limit (the defaults differ, see test_default_limit)")
    assert (parsed.action, parsed.params) == (expected["action"], expected["params"])


@pytest.mark.parametrize("index", range(len(STATEMENTS)))
def test_generate_then_parse_gives_the_same_request(index: int) -> None:
    parsed = parse_statement(STATEMENTS[index])
    statement = generate_statement(parsed.action, parsed.params)
    again = parse_statement(statement)
    assert (again.action, again.params) == (parsed.action, parsed.params), statement


def test_generated_statements_run_in_node_to_the_same_request(node_requests: NodeRequests) -> None:
    """The generated text is real JavaScript the Node SDK itself accepts, with the same outcome."""
    parsed = [parse_statement(s) for s in STATEMENTS]
    generated = [generate_statement(p.action, p.params) for p in parsed]
    answers = node_requests(generated)
    for statement, request, answer in zip(generated, parsed, answers, strict=True):
        assert answer == {"action": request.action, "params": request.params}, statement


def test_default_limit_is_the_documented_ten(node_requests: NodeRequests) -> None:
    statement = f"{C}.where({{a: 1}}).get()"
    assert parse_statement(statement).params["limit"] == 10  # the HTTPS API's documented default
    assert node_requests([statement])[0]["params"]["limit"] == 100  # the Node SDK's own


def test_generated_statement_reads_like_the_documentation() -> None:
    parsed = parse_statement(
        'db.collection("geo").where({done:true, n: _.gt(3)}).orderBy("n","desc").limit(10).skip(1).field({a:true}).get()'
    )
    assert generate_statement(parsed.action, parsed.params) == (
        'db.collection("geo").where({"done":true,"n":_.gt(3)}).orderBy("n","desc").skip(1).limit(10)'
        '.field({"a":1}).get()'
    )
    updated = parse_statement(
        'db.collection("geo").where({age:14}).update({data:{age: _.inc(1), b: {c: 2}}})'
    )
    assert generate_statement(updated.action, updated.params) == (
        'db.collection("geo").where({"age":14}).update({data:{"age":_.inc(1),"b.c":2}})'
    )


# Refused by the SDK itself: the same statements fail under node.
SDK_REFUSALS = [
    (f"{C}.limit(1.5).get()", "limitmust be integer"),
    (f"{C}.skip('a').limit(1).get()", "offsetmust be integer"),
    (f"{C}.doc('x').update({{data: {{}}}})", "options.data must not be empty"),
    (f"{C}.orderBy('a', 'up').limit(1).get()", "排序字符不合法"),
    (f"{C}.where([1]).limit(1).get()", "查询参数必须为对象"),
    (f"{C}.where({{a: undefined}}).limit(1).get()", "查询参数对象值不能均为undefined"),
    (f"{C}.doc(true).get()", "docId必须为字符串或数字"),
    (f"{C}.doc('x').set({{data: {{a: _.inc(1)}}}})", "update operator complicit"),
    (f"{C}.where({{a: 1}}).update({{data: {{_id: 'x'}}}})", "不能更新_id的值"),
    ("db.collection('').limit(1).get()", "Collection name is required"),
    (f"{C}.where({{a: db.RegExp({{options: 'i'}})}}).limit(1).get()", "regexp must be a string"),
]


@pytest.mark.parametrize(("statement", "message"), SDK_REFUSALS)
def test_sdk_refusals_are_refused_alike(statement: str, message: str, node_requests: NodeRequests) -> None:
    (answer,) = node_requests([statement])
    assert "error" in answer and message in answer["error"], answer
    with pytest.raises(StatementError) as caught:
        parse_statement(statement)
    assert message in caught.value.errmsg
    assert caught.value.errcode == 40097


# Outside the db subset: never evaluated, refused with what and where.
OUTSIDE = [
    (f"{C}.where({{a: x}}).get()", "unknown name 'x'"),
    (f"{C}.where({{a: 1 + 2}}).get()", "`1 + 2` (binary_expression)"),
    (f"{C}.where({{a: (() => 1)()}}).get()", "arrow_function"),
    (f"{C}.where({{a: function () {{ return 1 }}}}).get()", "function_expression"),
    ("require('fs').readFileSync('/etc/passwd')", "unknown name 'require'"),
    ("process.exit(1)", "unknown name 'process'"),
    (f"{C}.where({{a: `x${{1}}`}}).get()", "template substitutions are not allowed"),
    (f"{C}.get().then(r => r)", ".then is not allowed on the result of collection.get()"),
    (f"{C}.where({{a: 1}})", "must end in a database call"),
    (f"{C}.get(); {C}.remove()", "exactly one expression"),
    ("const _ = db.command; db.collection('x').get()", "exactly one expression"),
    (C + ".where({a: 1).get()", "not valid JavaScript: syntax error at line 1"),
    (f"{C}.where({{...{{a: 1}}}}).get()", "spread is not allowed"),
    (f"{C}.where({{a}}).get()", "write key: value pairs"),
    (f"{C}.where({{a: db.constructor}}).get()", "db.constructor is not allowed"),
    (f"{C}.where({{a: _.constructor}}).get()", "db.command.constructor does not exist"),
    (f"{C}.where({{a: _.gt(1).where}}).get()", "cannot follow a command"),
    (f"{C}.doc('x').where({{a: 1}}).get()", ".where() is not allowed on a document reference"),
    (f"{C}.where({{a: 1}}).add({{data: {{}}}})", "called on db.collection(...) itself"),
    (f"{C}.aggregate().facet({{}}).end()", "facet() is not supported"),
    (f"{C}.where({{a: 10n}}).get()", "BigInt"),
    (f"{C}.where({{a: new Map()}}).get()", "unknown name 'Map'"),
    (f"{C}.where({{a: Date.now()}}).get()", "only new Date(...)"),
    (f"{C}.where({{a: db?.command}}).get()", "optional chaining"),
    ("", "non-empty string"),
    (f"{C}.where({{a: [1,,2]}}).get()", "holes"),
]


@pytest.mark.parametrize(("statement", "message"), OUTSIDE)
def test_outside_the_db_subset_is_refused(statement: str, message: str) -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(statement)
    assert message in caught.value.errmsg, caught.value.errmsg
    assert caught.value.errcode == 40097


def test_non_string_query_is_refused() -> None:
    with pytest.raises(StatementError, match="non-empty string"):
        parse_statement(None)


def test_deep_nesting_is_refused_not_crashing() -> None:
    statement = f"{C}.where({{a: {'[' * 5000}1{']' * 5000}}}).limit(1).get()"
    with pytest.raises(StatementError):
        parse_statement(statement)


@pytest.mark.parametrize(
    ("action", "params", "message"),
    [
        ("database.addCollection", {"collectionName": "x"}, "has no statement"),
        ("database.getDocument", {"collectionName": ""}, "collectionName"),
        (
            "database.getDocument",
            {"collectionName": "x", "queryType": "WHERE", "query": "{bad"},
            "not valid JSON",
        ),
        ("database.insertDocument", {"collectionName": "x", "data": []}, "non-empty array"),
        (
            "database.getDocument",
            {"collectionName": "x", "queryType": "DOC", "query": '{"a":1}'},
            '{"_id": id}',
        ),
    ],
)
def test_generate_refuses_what_has_no_statement(action: str, params: dict[str, Any], message: str) -> None:
    with pytest.raises(StatementError) as caught:
        generate_statement(action, params)
    assert message in caught.value.errmsg


def test_damaged_statements_are_refused_or_round_trip_never_crash() -> None:
    """Every statement cut short, with a character dropped or one inserted: a StatementError or a
    request that survives generate -> parse; never any other exception (the emulator answers them)."""
    inserts = [*"{}[]()'\"`,.:;_$\\/+-*09eEnx \n", "\u2028", "\ud800", "中", "\x00"]
    checked = 0
    for number, statement in enumerate(STATEMENTS):
        variants = [statement[:i] for i in range(0, len(statement), 5)]
        variants += [statement[:i] + statement[i + 1 :] for i in range(2, len(statement), 7)]
        variants += [
            statement[:i] + inserts[(i + number) % len(inserts)] + statement[i:]
            for i in range(1, len(statement), 6)
        ]
        for variant in variants:
            checked += 1
            try:
                parsed = parse_statement(variant)
            except StatementError:
                continue
            again = parse_statement(generate_statement(parsed.action, parsed.params))
            assert (again.action, again.params) == (parsed.action, parsed.params), variant
    assert checked > 3000


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (f"{C}.where({{a: _.gt()}}).get()", "_.gt() needs an argument"),
        (f"{C}.where({{a: _.in()}}).get()", "_.in() needs an argument"),
        (f"{C}.where({{a: _.mod()}}).get()", "_.mod() needs a divisor"),
        (f"{C}.doc('x').update({{data: {{a: _.inc()}}}})", "_.inc() needs an argument"),
        (f"{C}.where({{a: '\\ud800'}}).get()", "unpaired surrogate"),
    ],
)
def test_what_node_would_silently_drop_is_refused(statement: str, message: str) -> None:
    with pytest.raises(StatementError) as caught:
        parse_statement(statement)
    assert message in caught.value.errmsg


def test_extra_arguments_are_ignored_as_in_javascript() -> None:
    parsed = parse_statement(f"{C}.aggregate().limit(3).end(4, 5)")
    assert parsed.params["stages"] == [{"stageKey": "$limit", "stageValue": "3"}]
