"""The pipeline's one validation boundary: a mention is made storable, or refused in plain words.

The rules (docs/store.md, "What a stored mention may hold", says the same for users):

- ``id`` and ``platform`` are non-empty strings; ``text`` a string of at most
  :data:`MAX_TEXT_CHARS` characters; ``source``, ``author.handle`` strings;
  ``url``, ``title``, ``lang``, ``parent_id``, ``author.name``, ``author.url``
  strings or ``None``; none longer than :data:`MAX_LINE_CHARS` (``lang``,
  ``platform``, ``source``, flags and topic names: :data:`MAX_NAME_CHARS`).
- ``likes``, ``shares``, ``replies``, ``views``, ``reach``, ``author.followers``
  whole numbers from 0 to 2^63 - 1 (what SQLite holds), or ``None``.
- ``created_at`` and ``collected_at`` times in the years 1970 to 2200.
- ``priority`` a finite number or ``None``; ``sentiment.label`` one of
  negative/neutral/positive with ``confidence`` from 0 to 1; topic matches with a
  non-empty topic name, offsets from 0 and a known ``kind``.
- ``flags`` a list of strings; ``extra`` a JSON object (string keys) and ``raw``
  any JSON value, each nested at most :data:`MAX_JSON_DEPTH` levels and at most
  :data:`MAX_JSON_BYTES` bytes once written as JSON (UTF-8).

Coercions (the mention is kept, changed): times given as RFC 3339 text are
parsed, naive times taken as UTC and aware ones converted to UTC; a lone string
in ``flags`` becomes a one-flag list (``"bot"`` → ``["bot"]``); tuples become
lists; an author, topic match or sentiment given as a mapping of its fields
becomes the record; inside ``raw`` and ``extra`` NaN and infinities become
``null``, number keys become strings, and times, sets and the like take their
JSON form (as msgspec writes them). Anything else breaking a rule makes
:func:`validate_mention` raise :class:`InvalidMention`, whose message says what is
wrong ("created_at year 1900 is out of range (1970 to 2200)").
"""

from __future__ import annotations

import json
import math
import re
import reprlib
import sys
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from ..jsondepth import nested_deeper_than
from ..records import SENTIMENT_LABELS, Author, Mention, Sentiment, TopicMatch

MAX_TEXT_CHARS = 100_000
MAX_LINE_CHARS = 10_000
MAX_NAME_CHARS = 200
MAX_FLAGS = 1_000
MAX_TOPIC_MATCHES = 10_000
MAX_JSON_DEPTH = 64
MAX_JSON_BYTES = 1_000_000
FIRST_YEAR, LAST_YEAR = 1970, 2200
INT64_MAX = 2**63 - 1

MATCH_KINDS = ("exact", "fuzzy", "phrase", "hashtag", "handle", "field", "wildcard")

_Count = Annotated[int, Meta(ge=0, le=INT64_MAX)]
_Offset = Annotated[int, Meta(ge=0, le=INT64_MAX)]
_Key = Annotated[str, Meta(min_length=1, max_length=MAX_LINE_CHARS)]
_Line = Annotated[str, Meta(max_length=MAX_LINE_CHARS)]
_Name = Annotated[str, Meta(max_length=MAX_NAME_CHARS)]
_Label = Annotated[str, Meta(min_length=1, max_length=MAX_NAME_CHARS)]
_Text = Annotated[str, Meta(max_length=MAX_TEXT_CHARS)]
_Finite = Annotated[float, Meta(ge=-sys.float_info.max, le=sys.float_info.max)]
_Confidence = Annotated[float, Meta(ge=0.0, le=1.0)]


class _Author(Struct, gc=False):
    handle: _Line
    name: _Line | None = None
    followers: _Count | None = None
    url: _Line | None = None


class _Topic(Struct, gc=False):
    topic: _Label
    term: _Line
    found: _Line
    start: _Offset
    end: _Offset
    distance: _Offset = 0
    kind: Literal["exact", "fuzzy", "phrase", "hashtag", "handle", "field", "wildcard"] = "exact"
    field: _Name = "text"


class _Sentiment(Struct, gc=False):
    label: Literal["negative", "neutral", "positive"]
    confidence: _Confidence
    model: _Line
    covered: bool = True


class _Mention(Struct, gc=False):
    id: _Key
    platform: Annotated[str, Meta(min_length=1, max_length=MAX_NAME_CHARS)]
    text: _Text
    created_at: datetime
    author: _Author
    source: _Name
    url: _Line | None
    title: _Line | None
    lang: _Name | None
    collected_at: datetime
    likes: _Count | None
    shares: _Count | None
    replies: _Count | None
    views: _Count | None
    parent_id: _Line | None
    raw: Any
    topics: Annotated[list[_Topic], Meta(max_length=MAX_TOPIC_MATCHES)]
    sentiment: _Sentiment | None
    priority: _Finite | None
    reach: _Count | None
    flags: Annotated[list[_Label], Meta(max_length=MAX_FLAGS)]
    extra: dict[str, Any]


class _Annotated(Struct, gc=False):
    """The fields scorers set (:class:`~ecoute.engine.records.Annotations`)."""

    lang: _Name | None
    topics: Annotated[list[_Topic], Meta(max_length=MAX_TOPIC_MATCHES)]
    sentiment: _Sentiment | None
    priority: _Finite | None
    reach: _Count | None
    flags: Annotated[list[_Label], Meta(max_length=MAX_FLAGS)]
    extra: dict[str, Any]


class InvalidMention(ValueError):
    """A mention breaks a rule of this module; the message says which, in plain words."""


_EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
_AFTER_LAST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
_JSON = msgspec.json.Encoder()


def validate_mention(mention: Mention) -> Mention:
    """Check ``mention`` against the rules, coercing it in place; return it.

    Raises:
        InvalidMention: the mention cannot be stored; the message says why.
    """
    if isinstance(mention.flags, str):
        mention.flags = [mention.flags]
    try:
        checked = msgspec.convert(mention, _Mention, from_attributes=True)
    except msgspec.ValidationError as exc:
        raise InvalidMention(plain_reason(str(exc), mention)) from None
    mention.created_at = _checked_time("created_at", checked.created_at)
    mention.collected_at = _checked_time("collected_at", checked.collected_at)
    _check_json("raw", mention.raw)
    _check_json("extra", mention.extra)
    _adopt_records(mention, checked)
    return mention


def validate_annotations(mention: Mention) -> Mention:
    """Check again only what scorers set, coercing it in place; return ``mention``.

    That is ``lang``, ``topics``, ``sentiment``, ``priority``, ``reach``, ``flags``
    and ``extra``, for a mention that passed :func:`validate_mention` before the
    scorers ran.

    Raises:
        InvalidMention: a scorer set a value the store must not keep.
    """
    if isinstance(mention.flags, str):
        mention.flags = [mention.flags]
    try:
        checked = msgspec.convert(mention, _Annotated, from_attributes=True)
    except msgspec.ValidationError as exc:
        raise InvalidMention(plain_reason(str(exc), mention)) from None
    _check_json("extra", mention.extra)
    _adopt_records(mention, checked)
    return mention


def problem_with(mention: Mention, *, annotations_only: bool = False) -> str | None:
    """Why ``mention`` cannot be stored, or ``None`` (it is then coerced in place).

    ``annotations_only`` checks what scorers set (:func:`validate_annotations`).
    """
    try:
        if annotations_only:
            validate_annotations(mention)
        else:
            validate_mention(mention)
    except InvalidMention as exc:
        return str(exc)
    return None


def _checked_time(name: str, value: datetime) -> datetime:
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if not _EARLIEST <= value < _AFTER_LAST:
        raise InvalidMention(
            f"{name} year {value.year} is out of range ({FIRST_YEAR} to {LAST_YEAR})"
        )
    return value


def _check_json(name: str, value: Any) -> None:
    if not value and type(value) in (dict, list, type(None)):
        return
    try:
        encoded = _encoded(value)
    except RecursionError:
        raise InvalidMention(f"{name} is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidMention(f"{name} cannot be written as JSON: {_json_problem(exc)}") from None
    if len(encoded) > MAX_JSON_BYTES:
        raise InvalidMention(
            f"{name} is {len(encoded):,} bytes long as JSON (at most {MAX_JSON_BYTES:,})"
        )
    if nested_deeper_than(value, MAX_JSON_DEPTH, encoded):
        raise InvalidMention(f"{name} is nested more than {MAX_JSON_DEPTH} levels deep")


def _encoded(value: Any) -> bytes:
    try:
        return _JSON.encode(value)
    except UnicodeEncodeError:
        # Lone surrogates, which msgspec will not write (the store replaces them).
        return json.dumps(value, default=str, check_circular=False).encode()


def _json_problem(exc: Exception) -> str:
    found = re.search(r"objects of type (\S+) is unsupported", str(exc))
    if found:
        return f"it holds a value of type {found.group(1)}, which JSON cannot hold"
    return str(exc) or type(exc).__name__


def _adopt_records(mention: Mention, checked: _Mention | _Annotated) -> None:
    """Turn mappings and tuples the library accepted into the records the pipeline uses."""
    if isinstance(checked, _Mention) and type(mention.author) is not Author:
        a = checked.author
        mention.author = Author(handle=a.handle, name=a.name, followers=a.followers, url=a.url)
    if not _all_of(mention.topics, TopicMatch):
        mention.topics = [
            TopicMatch(t.topic, t.term, t.found, t.start, t.end, t.distance, t.kind, t.field)
            for t in checked.topics
        ]
    s = checked.sentiment
    if s is not None and type(mention.sentiment) is not Sentiment:
        mention.sentiment = Sentiment(s.label, s.confidence, s.model, s.covered)
    if type(mention.flags) is not list:
        mention.flags = list(checked.flags)


def _all_of(items: Any, kind: type) -> bool:
    if type(items) is not list:
        return False
    for item in items:  # noqa: SIM110 - a plain loop: no generator on the hot path
        if type(item) is not kind:
            return False
    return True


# -- plain words ------------------------------------------------------------------------

_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<key>key` in `)?(?P<path>\$[^`]*)`)?$", re.S)
_STEP = re.compile(r"\.([A-Za-z_]\w*)|\[(\d+)\]")
_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "bool": "true or false",
    "null": "nothing",
    "array": "a list",
    "object": "an object",
    "datetime": "a time",
    "bytes": "bytes",
}
_CHOICES = {"sentiment.label": SENTIMENT_LABELS, "kind": MATCH_KINDS}
_SHOW = reprlib.Repr()
_SHOW.maxstring = 60
_SHOW.maxother = 60
_SHOW.maxlevel = 2


def plain_reason(message: str, mention: Mention) -> str:
    """A msgspec validation message about ``mention`` in plain words, naming the field."""
    parts = _AT.match(message)
    assert parts is not None  # the pattern matches any text
    text, path = parts["message"], parts["path"] or "$"
    field = path[2:] if path.startswith("$.") else path[1:] or "the mention"
    value = _lookup(mention, path)
    if parts["key"]:
        return f"{field} has a key that is not a string ({_shown(_first_bad_key(value))})"
    expected = re.fullmatch(r"Expected `([^`]*)`, got `([^`]*)`", text)
    if expected:
        wanted = _type_words(expected[1])
        if wanted == "an object" and field == "the mention":
            return f"a mention must be a Mention record, not {_kind(value)}"
        return f"{field} must be {wanted}, not {_kind(value)} ({_shown(value)})"
    bound = re.fullmatch(r"Expected `(int|float)` (>=|<=|>|<) (\S+)", text)
    if bound:
        if bound[1] == "float" and isinstance(value, float) and not math.isfinite(value):
            return f"{field} must be a finite number, not {value}"
        if bound[2] in (">=", ">") and bound[3] in ("0", "0.0"):
            limit = "it must not be negative"
        elif bound[2] in ("<=", "<") and bound[3] == str(INT64_MAX):
            limit = f"at most {INT64_MAX}, what SQLite holds"
        else:
            limit = f"{'at least' if bound[2].startswith('>') else 'at most'} {bound[3]}"
        return f"{field} {_shown(value)} is out of range ({limit})"
    length = re.fullmatch(r"Expected `(str|array|object)` of length (>=|<=) (\d+)", text)
    if length:
        size = _size(value)
        if length[2] == ">=":
            return f"{field} is empty"
        unit = "characters" if length[1] == "str" else "items"
        return f"{field} is {size:,} {unit} long (at most {int(length[3]):,})"
    missing = re.fullmatch(r"Object missing required field `([^`]*)`", text)
    if missing:
        return f"{field} lacks {missing[1]}"
    if text.startswith("Invalid RFC3339"):
        return f"{field} is not a valid time ({_shown(value)})"
    if text.startswith("Invalid enum value"):
        choices = _CHOICES.get(re.sub(r"^topics\[\d+\]\.", "", field), ())
        among = f" one of {', '.join(choices)}" if choices else " a known value"
        return f"{field} must be{among}, not {_shown(value)}"
    return f"{field}: {text}"


def _type_words(names: str) -> str:
    words = [_TYPE_WORDS.get(name, name) for name in names.split(" | ") if name != "null"]
    return " or ".join(words) or "nothing"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    for kind, words in ((int, "a whole number"), (float, "a number"), (str, "a string")):
        if isinstance(value, kind):
            return words
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__} value"


def _shown(value: Any) -> str:
    try:
        return _SHOW.repr(value)
    except Exception:  # a value whose repr fails still gets a reason
        return f"a {type(value).__name__} value"


def _size(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def _first_bad_key(value: Any) -> Any:
    if isinstance(value, dict):
        return next((key for key in value if not isinstance(key, str)), None)
    return None


def _lookup(mention: Mention, path: str) -> Any:
    value: Any = mention
    for name, index in _STEP.findall(path[1:]):
        try:
            if name:
                value = value[name] if isinstance(value, dict) else getattr(value, name)
            else:
                value = value[int(index)]
        except (AttributeError, KeyError, IndexError, TypeError):
            return None
    return value
