"""Starting the TUI from the command line: prepare the store, run, stop the engine cleanly."""

from __future__ import annotations

import os
import sys

from ecoute.engine.runtime import RunReport
from ecoute.engine.store import open_store

from .app import EcouteApp
from .logbridge import captured_logs
from .options import TuiOptions


def prepare_store(options: TuiOptions) -> None:
    """Create the store if it is missing, or upgrade it (raises StoreError naming the path)."""
    open_store(options.store_path).close()


def run_tui(options: TuiOptions) -> RunReport | None:
    """Run the TUI until the user quits; return the in-process engine's report, if any.

    While the UI owns the terminal, log records go to its log screen. If the UI
    closes before the engine has drained, this waits for it (Ctrl-C: leave now;
    the store is WAL-journaled, so only the batch in flight is lost).
    """
    prepare_store(options)
    app = EcouteApp(options)
    host = app.engine_host
    try:
        with captured_logs(app.record_log):
            app.run()
    finally:
        app.threads.close()
        if host is not None and not host.finished:
            host.stop()
            print(
                "ecoute: stopping the engine (finishing in-flight batches; Ctrl-C to leave now)",
                file=sys.stderr,
            )
            try:
                host.wait()
            except KeyboardInterrupt:
                os._exit(130)
    return host.report if host is not None else None
