"""The live part of the feed: polling for new mentions, pausing, the "N new" marker."""

from __future__ import annotations

from ..messages import LiveRows
from ..rows import FeedRow
from ..widgets.mention_feed import MentionFeed
from ..widgets.new_marker import NewMarker
from .feed_base import FeedBase
from .log import LogScreen

MAX_PENDING = 2000


class FeedLive(FeedBase):
    """New mentions: read after the last seen seq, merged into the feed or held while paused."""

    def live_word(self) -> str:
        """``live`` or ``paused``, for the status bar."""
        return "paused" if self.live_paused else "live"

    def on_live_rows(self, message: LiveRows) -> None:
        """Merge new rows, hold them while paused, or reload after a flood."""
        if message.generation != self.generation:
            return
        self.last_seq = max(self.last_seq, message.latest_seq)
        if not message.rows:
            return
        if self.status.total is not None:
            self.status.set_parts(total=self.status.total + len(message.rows))
        if self.live_paused:
            self.pending.extend(message.rows)
            self.overflowed = self.overflowed or message.overflow or len(self.pending) > MAX_PENDING
            del self.pending[:-MAX_PENDING]
            self._show_marker()
            return
        self._merge(message.rows, message.overflow)

    def _merge(self, rows: list[FeedRow], overflow: bool) -> None:
        feed = self.feed
        if overflow:
            if feed.following:
                self.reload()
                return
            # More arrived than were read: the top must be read again when asked for.
            feed.window.has_newer = True
        feed.add_live(rows)
        self.status.set_parts(shown=len(feed.rows))

    def _show_marker(self) -> None:
        count = len(self.pending) if self.live_paused else self.feed.new_above
        self.query_one(NewMarker).show(count, self.live_paused)

    def on_mention_feed_new_below_top(self, message: MentionFeed.NewBelowTop) -> None:
        """Show or hide the "N new" marker."""
        self._show_marker()

    def on_new_marker_pressed(self, message: NewMarker.Pressed) -> None:
        """Resume a paused stream, or jump to the top."""
        if self.live_paused:
            self.action_toggle_pause()
        else:
            self.feed.action_top()
            self.feed.focus()

    def action_toggle_pause(self) -> None:
        """Pause the live stream (new mentions are held) or resume it (they show)."""
        self.live_paused = not self.live_paused
        self.status.set_parts(live=self.live_word())
        if not self.live_paused:
            held, overflow = list(self.pending), self.overflowed
            self.pending.clear()
            self.overflowed = False
            if held or overflow:
                self._merge(held, overflow)
            self.notify("Live stream resumed.")
        else:
            self.notify("Live stream paused: new mentions wait above (space resumes).")
        self._show_marker()

    def action_reload(self) -> None:
        """Read everything again from the store."""
        self.reload()
        self.load_choices()
        self.load_views()
        self.load_stats()

    def action_toggle_detail(self) -> None:
        """Show or hide the detail pane."""
        detail = self.detail
        detail.display = not detail.display
        if not detail.display:
            self.feed.focus()

    def action_show_log(self) -> None:
        """Show what the engine and plugins logged."""
        self.app.push_screen(LogScreen(getattr(self.app, "log_lines", [])))
