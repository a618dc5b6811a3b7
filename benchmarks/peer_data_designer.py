"""NeMo Data Designer on the text-columns case of bench_llm.py, against the same realistic fake server.

Data Designer (PyPI `data-designer`) samples `id`, `product` and `rating` and makes one LLM call per row for
`review` (an LLMTextColumnConfig whose prompt names the row's product and rating). It needs Python >= 3.10 and
pulls in its own stack (litellm-style clients, pandas, jinja2), so it runs in a venv of its own, not the
project's:

    python3 -m venv /tmp/ddvenv && /tmp/ddvenv/bin/pip install data-designer
    PYTHONPATH=. /tmp/ddvenv/bin/python benchmarks/peer_data_designer.py --rows 1000

It prints one JSON line: rows, rows with a review, calls the server saw, wall and CPU seconds, mean requests in
service. bench_llm.py --peer /tmp/ddvenv/bin/python runs it alternately with our text columns.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import tempfile
import time

from tests.servers.realistic import Profile, RealisticModelServer

SLOTS = 8


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    import data_designer.config as dd
    from data_designer.interface.data_designer import DataDesigner

    logging.disable(logging.WARNING)
    base = Profile()
    profile = Profile(base_latency=base.base_latency * args.scale,
                      per_record_latency=base.per_record_latency * args.scale, common_names=False)
    with RealisticModelServer(profile) as server, tempfile.TemporaryDirectory() as artifacts:
        provider = dd.ModelProvider(name="local", endpoint=server.url + "/v1", provider_type="openai", api_key="sk-x")
        model = dd.ModelConfig(alias="m", model="m", provider="local", skip_health_check=True,
                               inference_parameters=dd.ChatCompletionInferenceParams(max_parallel_requests=SLOTS,
                                                                                     max_tokens=200))
        builder = dd.DataDesignerConfigBuilder(model_configs=[model])
        builder.add_column(dd.SamplerColumnConfig(name="id", sampler_type="uuid", params=dd.UUIDSamplerParams()))
        builder.add_column(dd.SamplerColumnConfig(
            name="product", sampler_type="category",
            params=dd.CategorySamplerParams(values=["kettle", "toaster", "blender"], weights=[0.5, 0.3, 0.2])))
        builder.add_column(dd.SamplerColumnConfig(name="rating", sampler_type="uniform",
                                                  params=dd.UniformSamplerParams(low=1, high=5), convert_to="int"))
        builder.add_column(dd.LLMTextColumnConfig(
            name="review", model_alias="m",
            prompt="Write a two-sentence review of a {{ product }} rated {{ rating }} out of 5, consistent with both."))
        designer = DataDesigner(artifact_path=artifacts, model_providers=[provider])
        started, cpu = time.perf_counter(), _cpu()
        frame = designer.create(builder, num_records=args.rows).load_dataset()
        wall, cpu = time.perf_counter() - started, _cpu() - cpu
        with_review = int(frame["review"].astype(str).str.strip().str.len().gt(0).sum()) if "review" in frame else 0
        print(json.dumps({"peer": "data-designer", "rows": len(frame), "with_review": with_review,
                          "calls": len(server.completion_requests), "wall": round(wall, 2), "cpu": round(cpu, 2),
                          "in_flight": round(server.in_flight_mean(), 2)}), flush=True)


if __name__ == "__main__":
    main()
