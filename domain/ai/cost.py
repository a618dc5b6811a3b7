"""Token estimates, the cost of a call, and the estimate of a run before it starts (dry run)."""

from __future__ import annotations

import json
import math
from decimal import ROUND_CEILING, Decimal

import attrs

from agentic_synth.domain.ai.catalog import ModelInfo
from agentic_synth.domain.ai.models import ModelRequest

MESSAGE_OVERHEAD_TOKENS = 16  # chat framing (roles, separators) per call, generous
_MILLION = Decimal(1_000_000)


def approx_tokens(text: str) -> int:
    """Expected tokens of a text: ASCII at 3 characters a token, anything else a token a character.

    Tokenisers average about 4 characters a token on English and JSON, so this over-counts
    on purpose; it is what estimates and dry runs use.
    """
    ascii_chars = len(text) if text.isascii() else len(text.encode("ascii", "ignore"))
    return math.ceil(ascii_chars / 3) + len(text) - ascii_chars


def max_tokens(text: str) -> int:
    """An upper bound of the tokens of a text: one per UTF-8 byte (no token is shorter than a byte)."""
    return len(text.encode("utf-8"))


def max_input_tokens(request: ModelRequest) -> int:
    """The most input tokens a request can be billed for (what a budget reserves): its prompt, its system
    text and the JSON schema asked for as structured output (servers count that as input too)."""
    schema = json.dumps(request.json_schema, separators=(",", ":"), default=str) if request.json_schema else ""
    return max_tokens(request.prompt) + max_tokens(request.system or "") + max_tokens(schema) + MESSAGE_OVERHEAD_TOKENS


def output_allowance(model: ModelInfo, request: ModelRequest) -> int:
    """The most output tokens a request can be billed for: its max_output_tokens, within the model's limit."""
    tokens_out = max(0, request.max_output_tokens)
    return tokens_out if model.max_output_tokens is None else min(tokens_out, model.max_output_tokens)


def _price(value: float | None) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def cost_of(model: ModelInfo, tokens_in: int, tokens_out: int) -> Decimal | None:
    """USD for a usage at the model's prices; None when the prices are unknown."""
    if not model.priced:
        return None
    return (_price(model.input_per_mtok) * tokens_in + _price(model.output_per_mtok) * tokens_out) / _MILLION


def worst_case_cost(model: ModelInfo, request: ModelRequest) -> Decimal | None:
    """The most a call can cost: every input byte a token, and the full output allowance used."""
    return cost_of(model, max_input_tokens(request), output_allowance(model, request))


def usd(value: Decimal | float | None) -> str:
    """'$0.0994' (4 decimals, rounded up so a reported spend is never below the truth)."""
    if value is None:
        return "unknown"
    return f"${Decimal(str(value)).quantize(Decimal('0.0001'), rounding=ROUND_CEILING)}"


# --- estimates before a run (dry run) -----------------------------------------------------------

PROMPT_BASE_CHARS = 1200  # our instructions around the schema in each call
DEFAULT_BATCH_SIZE = 20  # records asked for per call in llm mode
RE_REQUEST_MARGIN = 0.10  # extra calls for records that fail validation and are asked for again
PLAN_CHARS_PER_SCHEMA_CHAR = 3  # hybrid: a plan is about three times as long as the schema


@attrs.frozen
class RunEstimate:
    """Expected calls, tokens and cost of a run, low to high; `worst_call` is the largest reservation."""

    mode: str
    model: str
    calls: tuple[int, int]
    tokens_in: tuple[int, int]
    tokens_out: tuple[int, int]
    cost_usd: tuple[Decimal, Decimal] | None
    worst_call_usd: Decimal | None
    batch_size: int = 0

    def to_dict(self) -> dict[str, object]:
        cost = None if self.cost_usd is None else [float(c) for c in self.cost_usd]
        return {"mode": self.mode, "model": self.model, "calls": list(self.calls), "batchSize": self.batch_size,
                "tokensIn": list(self.tokens_in), "tokensOut": list(self.tokens_out), "costUsd": cost,
                "worstCallUsd": None if self.worst_call_usd is None else float(self.worst_call_usd)}


def estimate_run(*, mode: str, count: int, schema_chars: int, record_chars: int, model: ModelInfo,
                 batch_size: int = DEFAULT_BATCH_SIZE, max_output_tokens: int = 4096, call_chars: int | None = None,
                 worst_call: Decimal | None = None) -> RunEstimate:
    """A simple, documented model of what a run will cost (docs/routing-and-cost.md).

    llm: ceil(count / batch) calls (+10% re-requests at the high end), each sending the
    instructions and the schema and getting a batch of records back; a batch is made smaller
    when its records would not fit in the output allowance. hybrid: one call that returns a
    plan. engine: no calls. Low counts 4 characters a token, high 3. `call_chars` is what one call
    sends (the run's own first request: prompt, system text, reply schema), `worst_call` that
    request's worst case (what a budget reserves); without them, the instructions and schema alone.
    """
    if mode == "engine" or count == 0:
        return RunEstimate(mode, model.name, (0, 0), (0, 0), (0, 0), (Decimal(0), Decimal(0)), Decimal(0))
    if batch_size < 1 or count < 0:
        raise ValueError("batch_size must be >= 1 and count >= 0")
    allowance = min(max_output_tokens, model.max_output_tokens or max_output_tokens)
    prompt_chars = PROMPT_BASE_CHARS + schema_chars if call_chars is None else call_chars
    in_low, in_high = math.ceil(prompt_chars / 4), math.ceil(prompt_chars / 3)
    if mode == "hybrid":
        calls = (1, 1)
        out_chars = PLAN_CHARS_PER_SCHEMA_CHAR * schema_chars
        out_low, out_high = min(allowance, math.ceil(out_chars / 4)), min(allowance, math.ceil(out_chars / 3))
        batch = 0
    else:
        per_record_high = max(1, math.ceil(record_chars / 3))
        batch = max(1, min(batch_size, count, allowance // per_record_high))
        base = math.ceil(count / batch)
        calls = (base, base + math.ceil(base * RE_REQUEST_MARGIN))
        out_low = math.ceil(batch * record_chars / 4)
        out_high = min(allowance, batch * per_record_high)
    tokens_in = (calls[0] * in_low, calls[1] * in_high)
    tokens_out = (calls[0] * out_low, calls[1] * out_high)
    low, high = cost_of(model, tokens_in[0], tokens_out[0]), cost_of(model, tokens_in[1], tokens_out[1])
    worst = cost_of(model, prompt_chars + MESSAGE_OVERHEAD_TOKENS, allowance) if worst_call is None else worst_call
    cost = None if low is None or high is None else (low, high)
    return RunEstimate(mode, model.name, calls, tokens_in, tokens_out, cost, worst, batch)
