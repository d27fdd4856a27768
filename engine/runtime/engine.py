"""The Engine: wires pollers, batching, scoring and sinks together and stops them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..components import Component, Components, build, resolve_components
from ..config import Config
from ..contracts import Clock, Source, SystemClock
from ..errors import StoreError
from ..health import Health
from ..hookspecs import EngineInfo
from ..paths import data_dir
from ..plugins import Plugins
from .batching import Batch, Normalising, batch_stage
from .poller import FETCH_DEADLINE_SECONDS, Fetched, SourcePoller
from .scoring import (
    PREPARE_DEADLINE_SECONDS,
    SCORE_DEADLINE_SECONDS,
    ScorerSlot,
    ScoringChain,
    require_topic_sources,
    score_stage,
)
from .sinks import WRITE_DEADLINE_SECONDS, SecondarySink, SinkWorker
from .source_thread import SourceThread
from .store_writer import STORE_COMPONENT, StoreWriter

log = logging.getLogger("ecoute.runtime")

IDLE_SECONDS = 1.0
# While mentions wait for a deferrable scorer, look for its readiness this often.
PENDING_POLL_SECONDS = 0.1
# Deferrable scorers start loading after the first commit (or this long after the
# start): importing torch holds the interpreter for seconds, which would delay the
# first rows by as much if it ran alongside them.
DEFERRED_PREPARE_AFTER_SECONDS = 1.0
SINKS_FIRST_SECONDS = 0.1
HEALTH_SAVE_SECONDS = 2.0
DRAIN_SECONDS = 5.0
PENDING_AT_STOP_SECONDS = 8.0
SIGNAL_DEBOUNCE_SECONDS = 0.3
# After a stop signal the run ends within this long, whatever is stuck.
SHUTDOWN_SECONDS = 10.0
SOURCE_CLOSE_SECONDS = 5.0
# How long the end of a run waits for a model load under way (a Flair load takes
# ~6 s here); under the stop signal's 10 s bound.
PREPARE_JOIN_SECONDS = 8.0


@dataclass(slots=True)
class RunReport:
    """What a run did, for the CLI's summary and for tests."""

    stored: int = 0
    rejected: int = 0
    stopped_by_signal: bool = False
    health: list[Health] = field(default_factory=list)
    # Threads still running plugin code (a model still loading) when the run ended.
    # Native code in them (torch) aborts the interpreter at a normal exit, so the
    # caller should leave with os._exit once its output is flushed.
    threads_left: list[str] = field(default_factory=list)


class Engine:
    """Runs the configured pipeline until stopped (or once through, with ``once``).

    Args:
        config: the loaded configuration.
        plugins: the plugin manager to take components from.
        clock: time source (tests inject a fake one).
        once: fetch each source until it has nothing more, drain, and return.
        sources: run these source components instead of the configured ones.
        resume: start sources from their saved cursors and save new ones.
        on_commit: called on the event loop after each batch is committed.
        stop_when_sink_gone: stop the run when a secondary sink is gone for good
            (``demo --headless | head``: the reader of stdout left).
    """

    def __init__(
        self,
        config: Config,
        plugins: Plugins,
        *,
        clock: Clock | None = None,
        once: bool = False,
        sources: Sequence[Component] | None = None,
        resume: bool = True,
        environ: Mapping[str, str] | None = None,
        on_commit: Callable[[Batch], None] | None = None,
        handle_signals: bool = True,
        stop_when_sink_gone: bool = False,
    ) -> None:
        self.config = config
        self.plugins = plugins
        self.clock = clock or SystemClock()
        self.once = once
        self.resume = resume
        self.environ = os.environ if environ is None else environ
        self.on_commit = on_commit
        self.handle_signals = handle_signals
        self.stop_when_sink_gone = stop_when_sink_gone
        self.components: Components = resolve_components(config, plugins)
        if sources is not None:
            self.components.sources = list(sources)
        self.require_topic = require_topic_sources(config, self.components)
        self.health: dict[str, Health] = {}
        self.report = RunReport()
        self._stop = asyncio.Event()
        self._first_commit = asyncio.Event()
        self._signals = 0
        self._first_signal_at = 0.0
        self._pollers: dict[str, SourcePoller] = {}
        self._preparing: list[threading.Thread] = []
        self._watchdog: threading.Timer | None = None

    # -- control --------------------------------------------------------------

    def stop(self) -> None:
        """Ask for a clean stop: stop fetching, drain, commit, save cursors."""
        self._stop.set()

    def _on_signal(self, signum: int) -> None:
        now = time.monotonic()
        # One Ctrl-C can arrive twice (to the process and to its group): debounce it.
        if self._signals and now - self._first_signal_at < SIGNAL_DEBOUNCE_SECONDS:
            return
        self._signals += 1
        if self._signals == 1:
            self._first_signal_at = now
        if self._signals > 1:
            # The store is WAL-journaled: exiting mid-transaction loses that batch only.
            log.warning("second signal: exiting now")
            os._exit(128 + signum)
        log.warning("stopping: draining in-flight batches (signal again to exit at once)")
        self.report.stopped_by_signal = True
        self._watchdog = threading.Timer(SHUTDOWN_SECONDS, self._give_up, args=(signum,))
        self._watchdog.daemon = True
        self._watchdog.start()
        self.stop()

    def _give_up(self, signum: int) -> None:
        """The clean stop took too long: say what was stuck and exit non-zero."""
        busy = sorted(
            f"{h.component} ({h.state}{': ' + h.reason if h.reason else ''})"
            for h in self.health.values()
            if h.state not in ("ok", "stopped", "gone")
        )
        log.error(
            "could not stop cleanly within %.0f s; exiting. Still busy: %s",
            SHUTDOWN_SECONDS,
            "; ".join(busy) or "an in-flight batch",
        )
        for handler in logging.getLogger("ecoute").handlers:
            handler.flush()
        # The store is WAL-journaled: what was committed stays; a batch in flight is lost.
        os._exit(128 + signum)

    def retry_now(self, source: str) -> bool:
        """End a source's wait (backoff, auth retry, interval): fetch at once.

        Returns False when no running source has that name.
        """
        poller = self._pollers.get(source)
        if poller is None:
            return False
        poller.wake.set()
        return True

    # -- run ------------------------------------------------------------------

    async def run(self) -> RunReport:
        """Run until stopped; returns the report once everything is closed."""
        loop = asyncio.get_running_loop()
        if self.handle_signals:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self._on_signal, signum)
        try:
            return await self._run()
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self.handle_signals:
                for signum in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(signum)

    async def _run(self) -> RunReport:
        settings = self.config.engine
        store = StoreWriter(
            settings.store,
            self.health.setdefault(STORE_COMPONENT, Health(STORE_COMPONENT, kind="store")),
            self.clock,
            stopping=self._stop,
        )
        await store.open()
        info = EngineInfo(
            config_path=self.config.path,
            store_path=settings.store,
            data_dir=data_dir(),
            source_names=tuple(c.name for c in self.components.sources),
        )
        try:
            secondaries = [
                SecondarySink(
                    self._sink_worker(c),
                    asyncio.Queue(settings.queue_size),
                    accepts_pending=bool(getattr(c.cls, "accepts_pending", False)),
                    on_gone=self.stop if self.stop_when_sink_gone else None,
                )
                for c in self.components.sinks
            ]
            for secondary in secondaries:
                await secondary.worker.open()
            sources: list[tuple[Source, Component, SourceThread]] = [
                (self._build(c), c, SourceThread(c.name)) for c in self.components.sources
            ]
            chain = ScoringChain(
                [
                    ScorerSlot(
                        self._build(c),
                        self._health(c),
                        deadline=c.config.deadline or SCORE_DEADLINE_SECONDS,
                    )
                    for c in self.components.scorers
                ],
                self.clock,
                require_topic=self.require_topic,
            )
            self.plugins.startup(info)
            cursors = await store.cursors() if self.resume else {}
            try:
                await self._pipeline(sources, chain, store, secondaries, cursors)
            finally:
                await self._close_sources(sources)
            chain.close()
            for secondary in secondaries:
                await secondary.worker.close()
        finally:
            for health in self.health.values():
                if health.state not in ("gone", "auth_failed", "stuck"):
                    health.state = "stopped"
            await store.save_health(list(self.health.values()))
            await store.close()
            self.plugins.shutdown(info)
        self.report.health = list(self.health.values())
        return self.report

    async def _close_sources(self, sources: list[tuple[Source, Component, SourceThread]]) -> None:
        for source, _, runner in sources:
            try:
                await runner.call(source.aclose(), SOURCE_CLOSE_SECONDS)
            except Exception as exc:
                log.warning("source %s did not close cleanly: %s", source.name, exc)
            runner.stop()

    async def _pipeline(
        self,
        sources: list[tuple[Source, Component, SourceThread]],
        chain: ScoringChain,
        store: StoreWriter,
        secondaries: list[SecondarySink],
        cursors: dict[str, str],
    ) -> None:
        settings = self.config.engine
        raw: asyncio.Queue[Fetched | None] = asyncio.Queue(settings.queue_size)
        batches: asyncio.Queue[Batch | None] = asyncio.Queue(2)
        scored: asyncio.Queue[Batch | None] = asyncio.Queue(2)
        normalising = Normalising(self.plugins.normalisers(), self.health)
        scoring_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scorers")
        chain.begin_preparation()
        self._prepare_in_background(chain, deferrable=False)
        deferred_prepare = asyncio.create_task(self._prepare_deferrable_later(chain))
        self._pollers = {
            source.name: SourcePoller(
                source,
                raw,
                self._health(component),
                self.clock,
                interval=component.config.interval or type(source).default_interval,
                runner=runner,
                once=self.once,
                deadline=component.config.deadline or FETCH_DEADLINE_SECONDS,
            )
            for source, component, runner in sources
        }
        pollers = [
            asyncio.create_task(poller.run(cursors.get(name)), name=f"source:{name}")
            for name, poller in self._pollers.items()
        ]
        stages = [
            asyncio.create_task(
                batch_stage(
                    raw,
                    batches,
                    normalising,
                    self.clock,
                    batch_size=settings.batch_size,
                    batch_wait=settings.batch_wait,
                )
            ),
            asyncio.create_task(score_stage(batches, scored, chain, scoring_thread)),
            asyncio.create_task(
                self._write_stage(scored, store, secondaries, chain, scoring_thread)
            ),
            *(asyncio.create_task(s.run()) for s in secondaries),
        ]
        health_task = asyncio.create_task(self._save_health_forever(store))
        stop_wait = asyncio.create_task(self._stop.wait())
        pending: set[asyncio.Task[Any]] = set(pollers)
        while pending and not self._stop.is_set():
            done, pending = await asyncio.wait(
                pending | {stop_wait}, return_when=asyncio.FIRST_COMPLETED
            )
            pending.discard(stop_wait)
            for task in done:
                if task is not stop_wait and not task.cancelled() and task.exception():
                    log.error(
                        "%s stopped on an internal error: %r", task.get_name(), task.exception()
                    )
        for task in pollers:
            task.cancel()
        await asyncio.gather(*pollers, return_exceptions=True)
        stop_wait.cancel()
        await raw.put(None)
        await asyncio.gather(*stages[:3])
        for secondary in secondaries:
            await secondary.queue.put(None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*stages[3:]), DRAIN_SECONDS)
        health_task.cancel()
        await asyncio.gather(health_task, return_exceptions=True)
        # A model still loading with nothing waiting for it is left to its daemon
        # thread: a run that stored nothing new must not wait seconds for it.
        deferred_prepare.cancel()
        await asyncio.gather(deferred_prepare, return_exceptions=True)
        await self._wait_for_preparation()
        scoring_thread.shutdown(wait=True)

    def _prepare_in_background(self, chain: ScoringChain, *, deferrable: bool) -> None:
        thread = threading.Thread(
            target=chain.prepare,
            kwargs={"deferrable": deferrable},
            name="prepare-deferrable" if deferrable else "prepare",
            daemon=True,
        )
        self._preparing.append(thread)
        thread.start()

    async def _wait_for_preparation(self) -> None:
        """Let a model load that is under way finish (a few seconds), within bounds."""
        loop = asyncio.get_running_loop()
        for thread in self._preparing:
            if thread.is_alive():
                log.info("waiting for a scorer to finish loading before leaving")
                await loop.run_in_executor(None, thread.join, PREPARE_JOIN_SECONDS)
        self.report.threads_left = [t.name for t in self._preparing if t.is_alive()]
        if self.report.threads_left:
            log.warning(
                "a scorer was still loading after %.0f s; leaving it behind",
                PREPARE_JOIN_SECONDS,
            )

    async def _prepare_deferrable_later(self, chain: ScoringChain) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_commit.wait(), DEFERRED_PREPARE_AFTER_SECONDS)
            # Give the copies (a terminal printing the first rows) their turn first.
            await asyncio.sleep(SINKS_FIRST_SECONDS)
        self._prepare_in_background(chain, deferrable=True)

    async def _write_stage(
        self,
        inbox: asyncio.Queue[Batch | None],
        store: StoreWriter,
        secondaries: list[SecondarySink],
        chain: ScoringChain,
        scoring_thread: ThreadPoolExecutor,
    ) -> None:
        """Commit each scored batch, fan it out, and complete deferred ones when ready.

        At the end of the stream it waits for deferrable scorers still loading, so
        that no mention of a finished run is left without their annotations.
        """
        waiting: list[Batch] = []  # committed, still missing a deferrable scorer
        while True:
            wait = PENDING_POLL_SECONDS if waiting else IDLE_SECONDS
            try:
                batch = await asyncio.wait_for(inbox.get(), wait)
            except TimeoutError:
                if waiting:
                    await self._complete_ready(waiting, store, secondaries, chain, scoring_thread)
                else:
                    await store.idle()
                continue
            if batch is None:
                break
            if await self._commit(batch, store, secondaries) and batch.deferred:
                waiting.append(batch)
            if waiting:
                await self._complete_ready(waiting, store, secondaries, chain, scoring_thread)
        # A run that ends by itself waits for the model (--once must leave nothing
        # unscored); one stopped by the user waits only a little.
        patience = PENDING_AT_STOP_SECONDS if self._stop.is_set() else PREPARE_DEADLINE_SECONDS
        give_up_at = time.monotonic() + patience
        while waiting and time.monotonic() < give_up_at:
            await self._complete_ready(waiting, store, secondaries, chain, scoring_thread)
            if waiting:
                await asyncio.sleep(PENDING_POLL_SECONDS)
        if waiting:
            count = sum(len(batch.mentions) for batch in waiting)
            names = ", ".join(sorted(set().union(*(batch.deferred for batch in waiting))))
            log.warning(
                "%d mentions stay stored without %s: it was still loading when the run ended",
                count,
                names,
            )

    async def _commit(
        self, batch: Batch, store: StoreWriter, secondaries: list[SecondarySink]
    ) -> bool:
        """Commit ``batch`` and hand it on; False when the store gave up (while stopping)."""
        if batch.mentions or batch.cursors or batch.rejects:
            try:
                await store.commit(batch, save_cursors=self.resume)
            except StoreError as exc:
                # Only while stopping: the store kept failing. The cursor did not move,
                # so the next run fetches these again.
                log.error("%s", exc)
                return False
        if batch.mentions:
            self._first_commit.set()
        if not batch.completes:
            self.report.stored += len(batch.mentions)
            self.report.rejected += len(batch.rejects)
        if batch.mentions:
            for secondary in secondaries:
                secondary.offer(
                    batch.mentions, pending=bool(batch.deferred), completes=batch.completes
                )
            if not batch.completes:
                self.plugins.mentions_stored(batch.mentions)
        if self.on_commit is not None:
            self.on_commit(batch)
        return True

    async def _complete_ready(
        self,
        waiting: list[Batch],
        store: StoreWriter,
        secondaries: list[SecondarySink],
        chain: ScoringChain,
        scoring_thread: ThreadPoolExecutor,
    ) -> None:
        """Score and commit again the waiting batches whose deferred scorers are ready."""
        loop = asyncio.get_running_loop()
        for batch in [b for b in waiting if chain.is_ready(b.deferred)]:
            waiting.remove(batch)
            mentions = await loop.run_in_executor(
                scoring_thread, chain.score_deferred, batch.deferred, batch.mentions
            )
            await self._commit(Batch(mentions=mentions, completes=True), store, secondaries)

    async def _save_health_forever(self, store: StoreWriter) -> None:
        await store.take_retry_requests()  # requests made before this run are stale
        while True:
            # Wall-clock housekeeping, not part of the pipeline's injectable time.
            await asyncio.sleep(HEALTH_SAVE_SECONDS)
            snapshot = [dataclasses.replace(h) for h in self.health.values()]
            await store.save_health(snapshot)
            for component in await store.take_retry_requests():
                kind, _, name = component.partition(":")
                if kind == "source" and not self.retry_now(name):
                    log.warning("asked to retry %s, which is not running here", component)

    # -- building -------------------------------------------------------------

    def _health(self, component: Component) -> Health:
        key = f"{component.kind}:{component.name}"
        return self.health.setdefault(key, Health(component=key, kind=component.kind))

    def _build(self, component: Component) -> Any:
        return build(component, self.config, environ=self.environ, clock=self.clock)

    def _sink_worker(self, component: Component) -> SinkWorker:
        return SinkWorker(
            component.name,
            partial(self._build, component),
            self._health(component),
            self.clock,
            deadline=component.config.deadline or WRITE_DEADLINE_SECONDS,
            stopping=self._stop,
        )
