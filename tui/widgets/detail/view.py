"""The selected mention in full, as Rich renderables built from plain text only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ecoute.engine.records import Mention, TopicMatch
from ecoute.engine.store import StoredMention

from ...filters import term_spans
from ...safe_text import clean, highlighted, safe_block, safe_line
from ...times import ago, time_text

MATCH_STYLE = "bold black on yellow"
SEARCH_STYLE = "bold underline"
LABEL = "dim"
SENTIMENT_COLOURS = {"negative": "red", "positive": "green", "neutral": ""}
STATUS_COLOURS = {"needs-reply": "bold yellow", "handled": "green", "ignored": "dim", "new": ""}
PENDING_MARK = "…"  # as in the feed's sentiment column


def detail(
    stored: StoredMention,
    terms: Sequence[str],
    now: datetime,
    *,
    sentiment_pending: bool = False,
) -> RenderableType:
    """Everything about ``stored``: who, when, where, state, text, why it matched, notes.

    ``sentiment_pending``: a scorer still has stored mentions to score, so a
    mention without sentiment is waiting for it rather than not scored.
    """
    m = stored.mention
    parts: list[RenderableType] = [
        _header(m),
        _times(m, now),
        _state(stored, sentiment_pending),
        _facts(m),
    ]
    if stored.tags:
        parts.append(_line(("tags ", LABEL), (", ".join(safe_line(t) for t in stored.tags), "")))
    if m.title:
        parts.append(Text(""))
        parts.append(_highlighted_field(m, "title", terms, "bold"))
    parts.append(Text(""))
    parts.append(_highlighted_field(m, "text", terms, ""))
    if m.topics:
        parts.append(Text(""))
        parts.append(_matches(m.topics))
    if stored.notes:
        parts.append(Text(""))
        parts.append(Text("Notes", style="bold"))
        for note in stored.notes:
            parts.append(
                _line((time_text(note.created_at, now) + "  ", LABEL), (safe_block(note.text), ""))
            )
    return Group(*parts)


def _line(*pieces: tuple[str, str]) -> Text:
    return Text.assemble(*pieces)


def _header(m: Mention) -> Text:
    author = m.author
    text = Text()
    text.append(safe_line(author.handle) or "(unknown author)", style="bold")
    if author.name:
        text.append(f"  {safe_line(author.name)}")
    if author.followers is not None:
        text.append(f"  · {author.followers:,} followers", style=LABEL)
    text.append("  on ", style=LABEL)
    text.append(safe_line(m.platform), style="bold")
    if m.source and m.source != m.platform:
        text.append(" via ", style=LABEL)
        text.append(safe_line(m.source))
    return text


def _times(m: Mention, now: datetime) -> Text:
    def stamp(moment: datetime) -> str:
        local = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        return f"{local} ({ago(moment, now)})"

    return _line(
        ("published ", LABEL),
        (stamp(m.created_at), ""),
        ("   collected ", LABEL),
        (stamp(m.collected_at), ""),
    )


def _state(stored: StoredMention, sentiment_pending: bool) -> Text:
    m = stored.mention
    text = Text()
    text.append("status ", style=LABEL)
    text.append(stored.status, style=STATUS_COLOURS.get(stored.status, ""))
    text.append("   sentiment ", style=LABEL)
    effective = stored.effective_sentiment
    unscored = f"{PENDING_MARK} not scored yet" if sentiment_pending else "not scored"
    text.append(effective or unscored, style=SENTIMENT_COLOURS.get(effective or "", "dim"))
    if m.sentiment is not None:
        model = f" ({m.sentiment.confidence:.0%}, {safe_line(m.sentiment.model)}"
        model += "" if m.sentiment.covered else ", language not covered"
        if stored.sentiment_override is not None:
            model = f" corrected by you; model said {m.sentiment.label}" + model
        text.append(model + ")", style=LABEL)
    elif stored.sentiment_override is not None:
        text.append(" (set by you)", style=LABEL)
    text.append("   language ", style=LABEL)
    text.append(safe_line(m.lang) or "unknown")
    return text


def _facts(m: Mention) -> Text:
    text = Text()
    counts = [
        (name, value)
        for name, value in (
            ("likes", m.likes),
            ("shares", m.shares),
            ("replies", m.replies),
            ("views", m.views),
        )
        if value is not None
    ]
    for name, value in counts:
        text.append(f"{value:,} ", style="bold")
        text.append(f"{name}  ", style=LABEL)
    if not counts:
        text.append("no engagement counts  ", style=LABEL)
    text.append("link ", style=LABEL)
    text.append(safe_line(m.url) or "none", style="underline" if m.url else "dim")
    return text


def _highlighted_field(m: Mention, field: str, terms: Sequence[str], style: str) -> Text:
    raw = m.title if field == "title" else m.text
    cleaned, offsets = clean(raw, one_line=False)
    spans: list[tuple[int, int, str]] = [
        (offsets(t.start), offsets(t.end), MATCH_STYLE) for t in m.topics if t.field == field
    ]
    spans.extend(term_spans(cleaned, terms, SEARCH_STYLE))
    return highlighted(cleaned, spans, style, end="\n")


def _matches(matches: Sequence[TopicMatch]) -> RenderableType:
    table = Table(title=Text("Why it matched", style="bold"), title_justify="left", box=None)
    for header in ("topic", "term", "found", "in", "kind", "edit distance"):
        table.add_column(Text(header, style=LABEL), no_wrap=header != "found")
    for match in matches:
        table.add_row(
            Text(safe_line(match.topic, 30)),
            Text(safe_line(match.term, 30)),
            Text(safe_line(match.found, 40), style=MATCH_STYLE),
            Text(safe_line(match.field)),
            Text(match.kind),
            Text(str(match.distance), style="bold yellow" if match.distance else ""),
        )
    return table
