"""The ``mention`` normaliser: lines written by ``Mention.to_dict()`` read back as mentions."""

from __future__ import annotations

from ecoute.engine import MalformedItem, Mention, Normaliser, RawItem

from .fields import kind

_COUNT_FIELDS = ("likes", "shares", "replies", "views", "reach")
_TEXT_FIELDS = ("url", "title", "lang", "parent_id", "source")
_AUTHOR_TEXT_FIELDS = ("name", "url")


class MentionNormaliser(Normaliser):
    """Reads mentions written by ``Mention.to_dict()`` (JSONL exports, other ecoute runs)."""

    platform = "mention"

    def normalise(self, item: RawItem) -> Mention:
        """The mention the payload describes; ``MalformedItem`` says what is wrong."""
        payload = item.payload
        if not isinstance(payload, dict):
            raise MalformedItem(f"mention must be a JSON object, got {type(payload).__name__}")
        try:
            mention = Mention.from_dict(payload)
        except (ValueError, TypeError, OverflowError) as exc:
            raise MalformedItem(f"not a mention: {exc}") from None
        except RecursionError:
            raise MalformedItem("not a mention: nested too deeply") from None
        _check_types(mention)
        if not mention.source:
            mention.source = item.source
        return mention


def _check_types(mention: Mention) -> None:
    # from_dict checks presence, not types: a wrong type must be a reject, not a crash later.
    for name in ("id", "platform"):
        if not isinstance(getattr(mention, name), str):
            raise MalformedItem(f"field '{name}' must be a string")
    for name in _TEXT_FIELDS:
        value = getattr(mention, name)
        if value is not None and not isinstance(value, str):
            raise MalformedItem(f"field '{name}' must be a string, got {type(value).__name__}")
    for name in _COUNT_FIELDS:
        value = getattr(mention, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise MalformedItem(f"field '{name}' must be an integer, got {type(value).__name__}")
    author = mention.author
    if not isinstance(author.handle, str):
        raise MalformedItem("field 'author.handle' must be a string")
    for name in _AUTHOR_TEXT_FIELDS:
        value = getattr(author, name)
        if value is not None and not isinstance(value, str):
            raise MalformedItem(f"field 'author.{name}' must be a string, got {kind(value)}")
    if author.followers is not None and (
        not isinstance(author.followers, int) or isinstance(author.followers, bool)
    ):
        raise MalformedItem("field 'author.followers' must be an integer")
