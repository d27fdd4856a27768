"""The ``demo`` source: paces the demo stream at a configured rate, resuming from an index."""

from __future__ import annotations

from datetime import timedelta

from ecoute.engine import ComponentContext, ConfigError, FetchResult, Option, RawItem, Source

from .corpus import LANG_WEIGHTS
from .stream import DemoStream


class DemoSource(Source):
    """A synthetic stream about Acme Cloud and its competitors, for trying ecoute out.

    Items arrive at ``rate`` per second (``burst_factor`` times faster during a
    burst); item ``i`` is the same for the same seed whenever it is fetched.
    The cursor is the index of the next item.
    """

    type = "demo"
    description = "Synthetic multilingual posts about the fictional brand Acme Cloud."
    default_interval = 1.0
    options = (
        Option("rate", float, 2.0, help="mentions per second outside bursts", minimum=0.01),
        Option("seed", int, 42, help="the same seed gives the same stream"),
        Option(
            "burst_factor", float, 6.0, help="how much faster items come in a burst", minimum=1.0
        ),
        Option(
            "malformed_rate", float, 0.0, help="fraction of broken payloads, 0 to 1", minimum=0.0
        ),
        Option("limit", int, 0, help="stop after this many items (0: never)", minimum=0),
        Option("languages", list, ["fr", "en", "ru"], help="languages to write: fr, en, ru"),
    )
    INITIAL_BACKLOG = 10  # items ready at the first fetch, so a newcomer sees rows at once
    MAX_PER_FETCH = 500
    MAX_BACKLOG = 2000  # after a long pause, catch up at most this many items

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        defaults = {option.name: option.default for option in self.options}
        values = {**defaults, **context.options}
        languages = values["languages"]
        if not languages or not all(isinstance(x, str) and x in LANG_WEIGHTS for x in languages):
            known = ", ".join(LANG_WEIGHTS)
            raise ConfigError(
                f"must be a non-empty list of {known}, got {languages!r}", key="languages"
            )
        if not 0.0 <= values["malformed_rate"] <= 1.0:
            raise ConfigError("malformed_rate must be between 0 and 1", key="malformed_rate")
        self.rate = float(values["rate"])
        self.limit = int(values["limit"])
        self.stream = DemoStream(
            int(values["seed"]),
            tuple(dict.fromkeys(languages)),
            float(values["burst_factor"]),
            float(values["malformed_rate"]),
        )
        self._credit = 0.0  # items due, counted at the base rate
        self._last_tick: float | None = None

    async def fetch(self, cursor: str | None) -> FetchResult:
        """The items due since the last fetch, from item ``cursor`` on."""
        index = self._start(cursor)
        tick = self.context.clock.monotonic()
        if self._last_tick is None:
            self._credit = float(self.INITIAL_BACKLOG)
        else:
            elapsed = max(0.0, tick - self._last_tick)
            self._credit = min(self._credit + elapsed * self.rate, float(self.MAX_BACKLOG))
        self._last_tick = tick
        now = self.context.clock.now()
        items: list[RawItem] = []
        while len(items) < self.MAX_PER_FETCH and not self._exhausted(index):
            cost = 1.0 / self.stream.rate_factor(index)
            if self._credit < cost:
                break
            self._credit -= cost
            # The credit left says how long ago this item arrived.
            arrived = now - timedelta(seconds=self._credit / self.rate)
            payload = self.stream.payload(index, arrived)
            origin = f"demo seed {self.stream.seed} item {index}"
            items.append(RawItem("demo", payload, fetched_at=now, source=self.name, origin=origin))
            index += 1
        more = (
            len(items) == self.MAX_PER_FETCH
            and not self._exhausted(index)
            and self._credit >= 1.0 / self.stream.rate_factor(index)
        )
        return FetchResult(items=items, cursor=str(index), more=more)

    def _exhausted(self, index: int) -> bool:
        return 0 < self.limit <= index

    def _start(self, cursor: str | None) -> int:
        if cursor is None:
            return 0
        try:
            index = int(cursor)
        except ValueError:
            index = -1
        if index < 0:
            self.context.logger.warning("demo: ignoring bad cursor %r, starting over", cursor)
            return 0
        return index
