"""Datasets into real databases (SQLite, and PostgreSQL from tools/services/postgres.sh): constraints enforced while
loading, all tables or none, --if-exists and --no-create, a kill mid-load changes nothing, seeds repeat."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentic_synth import AgenticSynth
from agentic_synth.adapters.dataset_file import load_dataset
from agentic_synth.adapters.datasets.outputs import open_dataset_sink
from agentic_synth.adapters.sinks.factory import open_sink
from agentic_synth.domain.errors import AgenticSynthError, UsageError
from agentic_synth.domain.generation.records import RecordChunk
from tests.dataset_helpers import check_shop, read_postgres, read_sqlite, shop
from tests.postgres_server import postgres_url  # noqa: F401 - a fixture

TABLES = ("users", "products", "orders", "order_items", "tags", "order_tags")


class Database:
    """A database under test: its URL, how to read its tables back, how to run SQL on it."""

    def __init__(self, url: str, read: Callable[[tuple[str, ...]], dict[str, Any]], sql: Callable[[str], Any]) -> None:
        self.url, self.read, self.sql = url, read, sql


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        import sqlite3

        path = str(tmp_path / "shop.db")

        def sql(text: str) -> Any:
            with sqlite3.connect(path) as db:
                db.execute("PRAGMA foreign_keys = ON")
                return db.execute(text).fetchall()

        return Database(f"sqlite:///{path}", lambda tables: read_sqlite(path, tables), sql)
    import psycopg

    url = request.getfixturevalue("postgres_url")

    def pg_sql(text: str) -> Any:
        with psycopg.connect(url, autocommit=True) as db:
            cursor = db.execute(text)
            return cursor.fetchall() if cursor.description else None

    return Database(url, lambda tables: read_postgres(url, tables), pg_sql)


@pytest.fixture
def synth() -> AgenticSynth:
    return AgenticSynth(config={})


def test_a_dataset_loads_with_its_keys_enforced_and_every_reference_resolving(database: Database,
                                                                             synth: AgenticSynth) -> None:
    result = synth.generate_dataset(shop(400), output=database.url)
    data = database.read(TABLES)
    assert {t: len(rows) for t, rows in data.items()} == {t: r.rows for t, r in result.metadata.tables.items()}
    check_shop(data)
    user = data["users"][0]
    assert {str(user["vip"]).lower(), str(user["plan"])} <= {"0", "1", "true", "false", "2", "3"}
    prefs = json.loads(user["prefs"]) if isinstance(user["prefs"], str) else user["prefs"]
    assert prefs["lang"] in ("en", "de") and isinstance(prefs["tags"], list)
    with pytest.raises(Exception, match=r"(?i)foreign key|violates"):  # the database itself holds the constraint
        database.sql("INSERT INTO orders (id, user_id, created_at, total, items) "
                     "VALUES (999999, 424242, '2025-01-01T00:00:00Z', 0, 0)")


def test_the_same_seed_gives_identical_table_contents(database: Database, synth: AgenticSynth,
                                                      tmp_path: Path) -> None:
    synth.generate_dataset(shop(300), output=database.url)
    first = database.read(TABLES)
    synth.generate_dataset(shop(300), output=database.url, if_exists="replace")
    assert database.read(TABLES) == first


def test_an_existing_table_fails_unless_replace_or_append_and_append_continues_the_keys(
        database: Database, synth: AgenticSynth) -> None:
    synth.generate_dataset(shop(100), output=database.url)
    before = database.read(TABLES)
    with pytest.raises(UsageError, match="table users already exists; use --if-exists replace or append"):
        synth.generate_dataset(shop(100), output=database.url)
    assert database.read(TABLES) == before
    synth.generate_dataset(shop(100), output=database.url, if_exists="append", seed=99)
    after = database.read(TABLES)
    assert len(after["users"]) == 200 and sorted(u["id"] for u in after["users"]) == list(range(1, 201))
    assert after["users"][:100] == before["users"]
    assert {o["user_id"] for o in after["orders"][len(before["orders"]):]} <= set(range(101, 201))


def test_a_failure_while_loading_leaves_every_table_as_it_was(database: Database, synth: AgenticSynth) -> None:
    synth.generate_dataset(shop(100), output=database.url)
    before = database.read(TABLES)
    # the same emails again: the database refuses a row of users, after other tables were readied
    with pytest.raises(AgenticSynthError, match="refused a row"):
        synth.generate_dataset(shop(100), output=database.url, if_exists="append")
    assert database.read(TABLES) == before


def test_a_row_that_breaks_a_foreign_key_fails_the_run_and_nothing_is_kept(database: Database) -> None:
    dataset = load_dataset({"tables": {"a": {"count": 2, "schema": {"id": "integer"}},
                                       "b": {"count": 2, "schema": {"id": "integer", "a_id": {"ref": "a.id"}}}}})
    sink = open_dataset_sink(database.url, dataset, fmt=None, open_sink=open_sink)
    try:
        for table, columns in ((dataset.table("a"), {"id": [1, 2]}),
                               (dataset.table("b"), {"id": [1, 2], "a_id": [2, 3]})):  # there is no a 3
            writer = sink.table(table)
            writer.write(RecordChunk.from_columns(columns))
            writer.close()
        sink.commit()
    except AgenticSynthError as exc:
        assert "refused a row" in str(exc) and "foreign key" in str(exc).lower()
    else:
        pytest.fail("the database took a row whose parent does not exist")
    finally:
        sink.abort()
    assert database.sql("SELECT 1 FROM sqlite_master WHERE name = 'a'" if database.url.startswith("sqlite")
                        else "SELECT to_regclass('a')") in ([], [(None,)])


def test_no_create_loads_into_existing_tables_and_names_a_missing_or_mistyped_column(
        database: Database, synth: AgenticSynth) -> None:
    dataset = {"tables": {"people": {"count": 50, "schema": {"id": "integer", "born": "date", "name": "name"}}}}
    database.sql("CREATE TABLE people (id BIGINT PRIMARY KEY, born DATE, name TEXT, note TEXT)")
    synth.generate_dataset(dataset, output=database.url, create=False, seed=1)
    assert len(database.read(("people",))["people"]) == 50
    with pytest.raises(UsageError, match="already holds 50 rows"):
        synth.generate_dataset(dataset, output=database.url, create=False, seed=1)
    synth.generate_dataset(dataset, output=database.url, create=False, seed=1, if_exists="replace")
    assert len(database.read(("people",))["people"]) == 50
    database.sql("CREATE TABLE pets (id BIGINT PRIMARY KEY, name INTEGER)")
    pets = {"tables": {"pets": {"count": 5, "schema": {"id": "integer", "name": "name", "legs": "integer"}}}}
    with pytest.raises(UsageError, match="table pets has no column 'legs'"):
        synth.generate_dataset(pets, output=database.url, create=False)
    pets["tables"]["pets"]["schema"].pop("legs")
    with pytest.raises(UsageError, match=r"column pets.name is \w+ in the database, but the dataset makes name"):
        synth.generate_dataset(pets, output=database.url, create=False)
    with pytest.raises(UsageError, match="table nowhere does not exist"):
        synth.generate_dataset({"tables": {"nowhere": {"count": 1, "schema": {"id": "integer"}}}},
                               output=database.url, create=False)


def _shop_file(tmp_path: Path, users: int) -> Path:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(shop(users)), encoding="utf-8")
    return path


def _loading_started(database: Database, journal: Path) -> bool:
    if database.url.startswith("sqlite"):
        return journal.exists()
    rows = database.sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY%'")
    return bool(rows and rows[0][0])


def test_a_run_killed_mid_load_leaves_the_database_as_it_was(database: Database, synth: AgenticSynth,
                                                            tmp_path: Path) -> None:
    synth.generate_dataset(shop(50), output=database.url)
    before = database.read(TABLES)
    journal = Path(database.url.removeprefix("sqlite:///") + "-journal")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    errors = (tmp_path / "stderr.txt").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "agentic_synth", "-q", "generate", "dataset", "--schema",
                             str(_shop_file(tmp_path, 30000)), "--output", database.url, "--if-exists", "append",
                             "--seed", "5"], env=env, stdout=subprocess.DEVNULL, stderr=errors)
    deadline = time.monotonic() + 60
    while not _loading_started(database, journal) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()
    time.sleep(0.3)  # rows of several tables are in the transaction now
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    errors.close()
    if database.url.startswith("postgresql"):
        deadline = time.monotonic() + 30  # the server notices the dropped connection and rolls back
        while _loading_started(database, journal) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert database.read(TABLES) == before
