"""The JSON twins' encoding (web/jsonbody.py): orjson's speed, Flask's own bytes."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import uuid

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from web.jsonbody import FastJSON

# Everything a page's data holds but floats (whose shortest forms the two libraries spell
# differently: 1e-05 and 0.00001), integers past 64 bits included (orjson refuses them).
SCALARS = st.none() | st.booleans() | st.integers() | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)


def providers(debug: bool = False):
    """(Flask's own provider, ours) on one app, as create_app configures it."""
    app = Flask(__name__)
    app.debug = debug
    flask_own = DefaultJSONProvider(app)
    flask_own.ensure_ascii = False
    return flask_own, FastJSON(app)


@dataclasses.dataclass
class _Row:
    name: str
    when: datetime.date


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_the_bytes_are_flasks(value):
    flask_own, fast = providers()
    with flask_own._app.app_context():
        assert fast.response(value).get_data() == flask_own.response(value).get_data()
        assert json.loads(fast.encode(value)) == value


def test_what_flask_converts_is_converted_as_flask_does():
    flask_own, fast = providers()
    value = {"day": datetime.date(2016, 12, 19), "at": datetime.datetime(2016, 12, 19, 10, 30),
             "amount": decimal.Decimal("1.50"), "id": uuid.UUID(int=7), "row": _Row("a", datetime.date(2011, 4, 15)),
             "html": Markup("<mark>洗钱</mark>"), "keys": {3: "numbers", 1: "as text"}, "big": 2 ** 70}
    with flask_own._app.app_context():
        assert fast.response(value).get_data() == flask_own.response(value).get_data()
    assert json.loads(fast.encode(value))["day"] == "Mon, 19 Dec 2016 00:00:00 GMT"


def test_chinese_stays_readable_and_floats_keep_their_value():
    _, fast = providers()
    body = fast.encode({"zh": "洗钱", "took_ms": 1.5e-05, "n": [0.1, 12.25, 1e16]})
    assert "洗钱".encode() in body
    assert json.loads(body) == {"zh": "洗钱", "took_ms": 1.5e-05, "n": [0.1, 12.25, 1e16]}


def test_debug_indents_as_flask_does():
    flask_own, fast = providers(debug=True)
    value = {"b": [1, {"c": "洗钱"}], "a": None}
    with flask_own._app.app_context():
        assert fast.response(value).get_data() == flask_own.response(value).get_data()
        assert b"\n  " in fast.response(value).get_data()


def test_the_providers_settings_are_honoured():
    flask_own, fast = providers()
    value = {"b": "洗钱", "a": [1, 2]}
    for provider in (flask_own, fast):
        provider.sort_keys, provider.ensure_ascii = False, True
    with flask_own._app.app_context():
        assert fast.response(value).get_data() == flask_own.response(value).get_data() == \
            b'{"b":"\\u6d17\\u94b1","a":[1,2]}\n'
    for provider in (flask_own, fast):
        provider.ensure_ascii = False
    with flask_own._app.app_context():
        assert fast.response(value).get_data() == flask_own.response(value).get_data() == \
            '{"b":"洗钱","a":[1,2]}\n'.encode()
