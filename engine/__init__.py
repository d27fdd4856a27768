"""ecoute's engine: the public API for plugin authors.

``from ecoute.engine import hookimpl, Source, Normaliser, Scorer, Sink, Mention, ...``
"""

from .cleanup import (
    canonical_url,
    clean_line,
    clean_text,
    neutralise,
    neutralise_cell,
    neutralise_json,
    truncate_excerpt,
)
from .contracts import (
    Clock,
    ComponentContext,
    FetchResult,
    Normaliser,
    Scorer,
    Sink,
    Source,
    SystemClock,
    Topic,
)
from .errors import (
    AuthFailed,
    ConfigError,
    EcouteError,
    Gone,
    MalformedItem,
    PluginError,
    RateLimited,
    SourceError,
    StoreError,
)
from .hookspecs import EngineInfo, hookimpl
from .jsondepth import json_depth, nested_deeper_than
from .options import Option
from .records import (
    SENTIMENT_LABELS,
    Annotations,
    Author,
    Mention,
    RawItem,
    Reject,
    Sentiment,
    SentimentLabel,
    TopicMatch,
)

__all__ = [
    "SENTIMENT_LABELS",
    "Annotations",
    "AuthFailed",
    "Author",
    "Clock",
    "ComponentContext",
    "ConfigError",
    "EcouteError",
    "EngineInfo",
    "FetchResult",
    "Gone",
    "MalformedItem",
    "Mention",
    "Normaliser",
    "Option",
    "PluginError",
    "RateLimited",
    "RawItem",
    "Reject",
    "Scorer",
    "Sentiment",
    "SentimentLabel",
    "Sink",
    "Source",
    "SourceError",
    "StoreError",
    "SystemClock",
    "Topic",
    "TopicMatch",
    "canonical_url",
    "clean_line",
    "clean_text",
    "hookimpl",
    "json_depth",
    "nested_deeper_than",
    "neutralise",
    "neutralise_cell",
    "neutralise_json",
    "truncate_excerpt",
]
