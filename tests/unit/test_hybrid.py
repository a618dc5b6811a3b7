"""The hybrid mode: a constant number of model calls shape the data; the engine makes every record."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from agentic_synth.adapters.engine.structured import StructuredGenerator
from agentic_synth.application.hybrid import HybridRecords
from agentic_synth.application.usage import UsageTally
from agentic_synth.domain.ai.ai_settings import AISettings
from agentic_synth.domain.generation.requests import GenerationRequest
from agentic_synth.domain.schema.schema import Schema
from tests.fakes import FakeTextModel

SCHEMA = {
    "id": {"type": "uuid"},
    "product": "product_name",
    "review": {"type": "string", "max_length": 40},
    "channel": {"enum": ["web", "store", "phone"]},
    "size": {"enum": ["S", "M"], "weights": [0.5, 0.5]},
    "price": {"type": "number", "precision": 2},
    "stock": {"type": "integer", "min": 0, "max": 500},
    "code": {"type": "sentence", "unique": True},
}
PRODUCTS = [f"Trail Shoe {i}" for i in range(40)]
REVIEWS = ["Great fit.", "Runs small.", "Too long a review that breaks the forty character limit easily."]


def planner(request):
    if request.purpose != "plan":
        raise AssertionError("hybrid asks for plans only")
    if request.cache_scope.endswith("pool:product"):
        return json.dumps({"values": PRODUCTS})
    if request.cache_scope.endswith("pool:review"):
        return "```json\n" + json.dumps({"values": REVIEWS}) + "\n```"
    return json.dumps({"fields": {"channel": {"weights": {"web": 0.7, "store": 0.2, "phone": 0.1}},
                                  "price": {"min": 20, "max": 180, "mean": 90, "std": 25},
                                  "stock": {"min": -50, "max": 9000, "mean": 120, "std": 40}}})


def _request(count, kind="structured", schema=SCHEMA, **ai):
    return GenerationRequest(kind=kind, schema=Schema.from_payload(schema), count=count, seed=11, mode="hybrid",
                             ai=AISettings(model="gemini-2.0-flash", prompt="running shoes shop", **ai))


def _rows(model, request, expand=None):
    tally = UsageTally()
    source = HybridRecords(model, tally, expand or StructuredGenerator().chunks)
    return [row for chunk in source.chunks(request) for row in chunk.rows()], tally


def test_the_number_of_calls_does_not_grow_with_the_count():
    small, big = FakeTextModel(default=planner), FakeTextModel(default=planner)
    rows_small, _ = _rows(small, _request(100))
    rows_big, tally = _rows(big, _request(50_000))
    assert small.calls == big.calls == 3 and len(rows_small) == 100 and len(rows_big) == 50_000
    assert tally.snapshot()["gemini-2.0-flash"].calls == 3


def test_the_plan_shapes_the_data_and_the_users_own_settings_win():
    rows, tally = _rows(FakeTextModel(default=planner), _request(60_000))
    assert {r["product"] for r in rows} == set(PRODUCTS)
    assert {r["review"] for r in rows} == {"Great fit.", "Runs small."}  # the too-long value was dropped
    shares = Counter(r["channel"] for r in rows)
    for value, weight in {"web": 0.7, "store": 0.2, "phone": 0.1}.items():
        assert abs(shares[value] / len(rows) - weight) < 0.01
    assert abs(Counter(r["size"] for r in rows)["S"] / len(rows) - 0.5) < 0.01  # given weights untouched
    prices = np.array([r["price"] for r in rows])
    assert prices.min() >= 20 and prices.max() <= 180 and abs(prices.mean() - 90) < 1.5
    stock = np.array([r["stock"] for r in rows])
    assert stock.min() >= 0 and stock.max() <= 500 and abs(np.median(stock) - 120) < 3  # user bounds kept
    assert len({r["code"] for r in rows}) == len(rows)  # unique fields stay with the engine
    assert any(n.startswith("product: pool from the model: 40 values (") for n in tally.notes)
    assert "channel: weights from the model: web 0.7, store 0.2, phone 0.1" in tally.notes
    assert tally.plan["price"] == {"min": 20, "max": 180, "distribution": {"kind": "normal", "mean": 90, "std": 25}}
    assert tally.plan["stock"] == {"distribution": {"kind": "normal", "mean": 120, "std": 40}}  # user bounds kept
    assert any(n.startswith('stock: range from the model: {"distribution": {"kind": "normal", "mean": 120')
               for n in tally.notes)


def test_a_proposal_that_changes_nothing_gets_no_from_the_model_note():
    schema = {"age": {"type": "integer", "min": 18, "max": 90}}
    model = FakeTextModel(default=json.dumps({"fields": {"age": {"min": 1, "max": 2}}}))  # bounds given: not used
    _, tally = _rows(model, _request(50, schema=schema))
    assert not any("from the model" in n for n in tally.notes) and tally.plan == {}
    assert "age: the model's range was unusable; the engine's default is kept" in tally.notes


def test_an_unusable_plan_keeps_the_engines_defaults_and_says_so():
    model = FakeTextModel(default=lambda r: "no idea" if "pool" in r.cache_scope else json.dumps(
        {"fields": {"channel": {"weights": {"web": -1}}, "price": "cheap"}}))
    rows, tally = _rows(model, _request(300))
    assert len(rows) == 300 and len({r["channel"] for r in rows}) == 3
    assert sum("unusable" in n for n in tally.notes) == 4


def test_a_time_series_gets_its_model_from_the_plan_and_the_engine_makes_the_points():
    seen = []

    def expand(request):
        seen.append(request)
        return iter(())

    proposal = {"fields": {"temp": {"base": 18.5, "trend": {"change": 0.2, "per": "1d"},
                                    "seasonality": [{"period": "1d", "amplitude": 6}], "noise": {"std": 0.4}},
                           "load": {"base": "high", "noise": {"std": 2}}}}
    model = FakeTextModel(default=json.dumps(proposal))
    schema = {"ts": "datetime", "temp": "number", "load": {"type": "number", "trend": {"change": 1, "per": "1h"}}}
    _rows(model, _request(1000, kind="timeseries", schema=schema), expand)
    temp, load = seen[0].schema.field("temp"), seen[0].schema.field("load")
    assert temp.option("base") == 18.5 and temp.option("seasonality") == [{"period": "1d", "amplitude": 6}]
    assert load.option("trend") == {"change": 1, "per": "1h"} and load.option("noise") is None  # the user's model
    assert seen[0].mode == "engine" and model.calls == 1


def test_events_take_the_planned_rate_unless_the_user_gave_one():
    seen = []

    def expand(request):
        seen.append(request)
        return iter(())

    reply = json.dumps({"fields": {"type": {"weights": {"click": 6, "buy": 1}}}, "rate": "30/min"})
    schema = {"ts": "datetime", "type": {"enum": ["click", "buy"]}}
    _rows(FakeTextModel(default=reply), _request(10, kind="events", schema=schema), expand)
    assert seen[0].options["rate"] == "30/min" and seen[0].schema.field("type").weights == (6 / 7, 1 / 7)
    given = GenerationRequest(kind="events", schema=Schema.from_payload(schema), count=10, seed=1, mode="hybrid",
                              options={"rate": "5/sec"}, ai=AISettings(model="m", given_options=("rate",)))
    _rows(FakeTextModel(default=reply), given, expand)
    assert seen[1].options["rate"] == "5/sec"


def test_an_unexpected_sdk_error_in_a_plan_call_is_one_provider_error_line_not_an_internal_error():
    import pytest

    from agentic_synth.domain.errors import ProviderError

    model = FakeTextModel(default=lambda request: (_ for _ in ()).throw(ValueError("bad part in reply")))
    with pytest.raises(ProviderError, match=r"^gemini-2.0-flash: ValueError: bad part in reply$"):
        _rows(model, _request(100))
