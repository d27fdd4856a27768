"""``ecoute search``: query the store with full text and the feed's filters."""

from __future__ import annotations

import csv
import json
import sys
from typing import cast

import click

from ecoute.engine.cleanup import neutralise_cell, neutralise_json
from ecoute.engine.errors import ConfigError
from ecoute.engine.records import SENTIMENT_LABELS, WORKFLOW_STATUSES
from ecoute.engine.store import MentionFilter, SortOrder, StoredMention, TimeField, open_store
from ecoute.engine.timeparse import parse_since

from .app import AppContext
from .render import local_time, one_line, table

FORMATS = ("table", "jsonl", "csv")
CSV_FIELDS = (
    "id",
    "created_at",
    "platform",
    "source",
    "author",
    "lang",
    "sentiment",
    "status",
    "topics",
    "url",
    "title",
    "text",
)


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--since", help="Only newer than this: 30m, 24h, 7d, or a date.")
@click.option("--until", help="Only older than this: 30m, 24h, 7d, or a date.")
@click.option(
    "--by",
    "time_field",
    type=click.Choice(["created_at", "collected_at"]),
    default="created_at",
    show_default=True,
    help="Which time --since/--until use.",
)
@click.option("--platform", "platforms", multiple=True, help="Platform (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Topic name (repeatable).")
@click.option("--sentiment", "sentiments", multiple=True, type=click.Choice(SENTIMENT_LABELS))
@click.option("--lang", "langs", multiple=True, help="Language code (repeatable).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(WORKFLOW_STATUSES))
@click.option(
    "--sort", type=click.Choice(["newest", "relevance"]), default="newest", show_default=True
)
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--format", "output", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def search_command(
    app: AppContext,
    query: str,
    since: str | None,
    until: str | None,
    time_field: str,
    platforms: tuple[str, ...],
    topics: tuple[str, ...],
    sentiments: tuple[str, ...],
    langs: tuple[str, ...],
    statuses: tuple[str, ...],
    sort: str,
    limit: int,
    output: str,
) -> None:
    """Search stored mentions, newest first (QUERY is full-text; empty lists all)."""
    try:
        since_at = parse_since(since) if since else None
        until_at = parse_since(until) if until else None
    except ValueError as exc:
        raise ConfigError(str(exc), key="--since/--until") from None
    config = app.config()
    if not config.engine.store.exists():
        raise ConfigError(
            "the store does not exist yet",
            path=str(config.engine.store),
            hint="run `ecoute run` or `ecoute import FILE` first",
        )
    filters = MentionFilter(
        since=since_at,
        until=until_at,
        time_field=cast(TimeField, time_field),
        platforms=platforms,
        topics=topics,
        sentiments=sentiments,
        langs=langs,
        statuses=statuses,
        text=query or None,
    )
    with open_store(config.engine.store, readonly=True) as store:
        rows = store.search(filters, sort=cast(SortOrder, sort), limit=limit)
    if output == "jsonl":
        for row in rows:
            click.echo(json_line(row))
    elif output == "csv":
        # Cells hold no line break, so a bare newline ends a row: no CR is written at all.
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for row in rows:
            writer.writerow([csv_cell(value) for value in csv_values(row)])
    else:
        lines = [
            [
                local_time(r.mention.created_at),
                one_line(r.mention.platform, 12),
                one_line(r.mention.author.handle, 20),
                one_line(r.mention.lang, 8),
                one_line(r.effective_sentiment)[:3],
                one_line(r.mention.text),
            ]
            for r in rows
        ]
        if lines:
            click.echo(table(["time", "platform", "author", "lang", "sent", "text"], lines))
        click.echo(f"{len(rows)} mentions", err=True)


def json_line(row: StoredMention) -> str:
    """One search result as a JSON line; control and bidi characters escaped, none dropped."""
    data = row.mention.to_dict(include_raw=False)
    data.update(status=row.status, effective_sentiment=row.effective_sentiment, tags=row.tags)
    return neutralise_json(json.dumps(data, ensure_ascii=False, default=str))


def csv_values(row: StoredMention) -> list[object]:
    """The :data:`CSV_FIELDS` of one search result, in order."""
    m = row.mention
    return [
        m.id,
        m.created_at.isoformat(),
        m.platform,
        m.source,
        m.author.handle,
        m.lang or "",
        row.effective_sentiment or "",
        row.status,
        ";".join(str(name) for name in m.topic_names),
        m.url or "",
        m.title or "",
        m.text,
    ]


def csv_cell(value: object) -> str:
    """A CSV cell from untrusted text: one line, no control or bidi character, no formula."""
    return neutralise_cell(value)
