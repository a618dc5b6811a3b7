"""JsonlStreamPipeline to a file and a named pipe; an integration plugin found through a real entry point."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import orjson
import pytest

from agentic_synth.adapters.integrations.jsonl_stream import JsonlStreamPipeline
from agentic_synth.adapters.integrations.plugins import discover_integrations
from agentic_synth.domain.errors import UsageError
from agentic_synth.domain.generation.records import RecordChunk


def _chunk(start: int, n: int) -> RecordChunk:
    return RecordChunk.from_columns({"i": list(range(start, start + n)), "s": [f"r{k}" for k in range(n)]})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_reader_of_a_named_pipe_sees_each_chunk_as_it_is_sent(tmp_path: Path) -> None:
    fifo = tmp_path / "records.pipe"
    os.mkfifo(fifo)
    lines: list[bytes] = []
    seen_first = threading.Event()

    def read() -> None:
        with open(fifo, "rb") as handle:
            for line in handle:
                lines.append(line)
                if len(lines) == 3:
                    seen_first.set()

    reader = threading.Thread(target=read)
    reader.start()
    pipeline = JsonlStreamPipeline(str(fifo))
    pipeline.send(_chunk(0, 3))
    assert seen_first.wait(10)  # flushed: the reader has the first chunk before the second is made
    pipeline.send(_chunk(3, 2))
    pipeline.close()
    reader.join(10)
    assert [orjson.loads(line)["i"] for line in lines] == [0, 1, 2, 3, 4]


def test_a_file_target_is_truncated_and_holds_every_record(tmp_path: Path) -> None:
    target = tmp_path / "s.jsonl"
    target.write_text("old\n")
    pipeline = JsonlStreamPipeline(str(target))
    pipeline.send(_chunk(0, 2))
    pipeline.close()
    assert target.read_text().splitlines() == ['{"i":0,"s":"r0"}', '{"i":1,"s":"r1"}']


def test_a_target_in_a_missing_directory_or_no_target_is_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"directory .* does not exist"):
        JsonlStreamPipeline(str(tmp_path / "nope" / "s.jsonl"))
    with pytest.raises(UsageError, match="jsonl:PATH"):
        JsonlStreamPipeline("")


def test_an_installed_entry_point_is_discovered_and_built_with_its_options(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "demo_pipe.py").write_text(
        "class Pipe:\n"
        "    def __init__(self, options): self.options = options; self.sent = []\n"
        "    def is_available(self): return True\n"
        "    def send(self, chunk): self.sent.append(chunk.length)\n"
        "    def close(self): pass\n"
        "def make(options): return Pipe(options)\n")
    info = tmp_path / "demo_pipe-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-pipe\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[agentic_synth.integrations]\nmidstreamer = demo_pipe:make\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins = discover_integrations()
    assert discover_integrations(load_plugins=False) == {}
    pipe = plugins["midstreamer"]({"pipeline": "p"})
    pipe.send(_chunk(0, 4))
    assert pipe.options == {"pipeline": "p"} and pipe.sent == [4]
