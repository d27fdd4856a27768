"""The ``topics`` scorer (matches the configured topic queries) and ``ecoute match``.

Topics are compiled once when the scorer is built; each batch is matched against all
of them together. A mention gets one :class:`TopicMatch` per term that matched (the
query term, the text found, its span and field, the edit distance and the kind),
which the store keeps in ``mention_topics``. The query language is documented in
docs/query-language.md.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ecoute.engine import (
    Annotations,
    ComponentContext,
    ConfigError,
    Mention,
    Option,
    Scorer,
    TopicMatch,
    hookimpl,
)

if TYPE_CHECKING:
    import click


class TopicsScorer(Scorer):
    """Annotates each mention with the topics it matches and the terms that matched."""

    name = "topics"
    order = 10
    description = "matches the configured topic queries (typo-tolerant) and explains each match"
    options = (
        Option(
            "cache_size",
            int,
            100_000,
            minimum=0,
            help="distinct words remembered between batches (0: none)",
        ),
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        from ecoute.engine.query import Matcher, QueryError

        self.matcher = None
        if not context.topics:
            return
        try:
            self.matcher = Matcher(
                [(topic.name, topic.query) for topic in context.topics],
                cache_size=int(context.options.get("cache_size", 100_000)),
            )
        except QueryError as exc:
            index = _failing_topic(context)
            raise ConfigError(
                f"topic '{context.topics[index].name}' has an invalid query: {exc}",
                key=f"topics[{index}].query",
            ) from None

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        """Set each mention's topics (an empty list when it matches none)."""
        if self.matcher is None:
            return [None] * len(batch)
        from ecoute.engine.query import Document

        results: list[Annotations | None] = []
        for mention in batch:
            found = self.matcher.match(Document.from_mention(mention))
            matches: list[TopicMatch] = [m for name in found for m in found[name]]
            results.append(Annotations(topics=matches))
        return results


def _failing_topic(context: ComponentContext) -> int:
    from ecoute.engine.query import QueryError, parse

    for index, topic in enumerate(context.topics):
        try:
            parse(topic.query)
        except QueryError:
            return index
    return 0


@hookimpl
def register_scorers(register: Callable[[type[Scorer]], None]) -> None:
    """Give ecoute the topics scorer."""
    register(TopicsScorer)


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add ``ecoute match``: explain a query on lines of text."""
    import click

    @cli.command("match")
    @click.argument("query")
    @click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
    @click.option(
        "--jsonl",
        is_flag=True,
        help="Read JSON lines with a 'text' field (and title, lang, platform, author, "
        "url); other fields pass through.",
    )
    @click.option(
        "--lang",
        help="Language of the texts (en, fr, ru, ...), for the common-word guard; "
        "default: unknown (English, French and Russian common words apply).",
    )
    def match_command(query: str, file: str | None, jsonl: bool, lang: str | None) -> None:
        """Match QUERY against each line of FILE (or standard input) and explain it.

        Writes one JSON object per input line, in order: {"matched": true|false,
        "terms": [{"term", "found", "start", "end", "distance", "kind", "field"}]}.
        An invalid query exits with status 2 and shows where it is wrong.
        """
        _run_match(query, file, jsonl, lang)


def _run_match(query: str, file: str | None, jsonl: bool, lang: str | None) -> None:
    import click

    from ecoute.engine.query import compile_query
    from ecoute.engine.query.explain import LineProblem, match_lines

    matcher = compile_query(query)
    problems: list[LineProblem] = []
    stream: Any
    if file is None or file == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    else:
        try:
            stream = open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror}") from None
    with stream:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", write_through=True)
        try:
            for line in match_lines(matcher, stream, jsonl=jsonl, lang=lang, problems=problems):
                out.write(line + "\n")  # line by line, so a pipe sees each answer at once
        finally:
            out.detach()  # leave sys.stdout usable
    for problem in problems[:20]:
        click.echo(f"ecoute match: line {problem.line}: {problem.reason}", err=True)
    if problems:
        click.echo(f"ecoute match: {len(problems)} line(s) could not be read", err=True)
        sys.exit(1)
