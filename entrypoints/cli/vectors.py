"""`agentic-synth vectors search|info --db [NAME:]PATH`: query what `--vectorize-with` stored."""

from __future__ import annotations

import click
import orjson

from agentic_synth.domain.errors import UsageError

DB_HELP = "The vector store: a path (SQLite or ruvector, recognised by its files), or local:PATH / ruvector:PATH."


@click.group("vectors")
def vectors() -> None:
    """Search the records stored with --vectorize-with (or enable_ruvector / enable_local_vectors)."""


@vectors.command("search")
@click.option("--db", "db", required=True, metavar="[NAME:]PATH", help=DB_HELP)
@click.option("-l", "--limit", type=click.IntRange(min=1, max=10_000), default=10, show_default=True,
              help="How many records to return, best first.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit (score, record, metadata).")
@click.argument("query")
@click.pass_context
def search(ctx: click.Context, db: str, limit: int, as_json: bool, query: str) -> None:
    """Records nearest to QUERY (the words of a record, a name, a phrase), best first."""
    if not query.strip():
        raise UsageError("vectors search: the query is empty")
    store = ctx.obj["container"].integrations().open_db(db)
    hits = store.search(query, limit)
    for hit in hits:
        if as_json:
            click.echo(orjson.dumps(dict(hit)).decode())
        else:
            click.echo(f"{hit['score']:.4f}  {orjson.dumps(hit['record']).decode()}")
    if not hits and not as_json:
        click.echo("no records stored", err=True)


@vectors.command("info")
@click.option("--db", "db", required=True, metavar="[NAME:]PATH", help=DB_HELP)
@click.pass_context
def info(ctx: click.Context, db: str) -> None:
    """Backend, path, record count and embedder of a vector store."""
    store = ctx.obj["container"].integrations().open_db(db)
    details = store.info() if hasattr(store, "info") else {"backend": type(store).__name__}
    for key, value in details.items():
        click.echo(f"{key:<11} {value}")
