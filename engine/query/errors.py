"""Query errors: what was wrong, shown under the query with a caret at the column."""

from __future__ import annotations

from ..errors import EcouteError

# What the language accepts; each limit is enforced with a message that names it.
MAX_QUERY_CHARS = 1_000_000
MAX_TERMS = 20_000
MAX_NEAR = 100
MAX_DEPTH = 50
MAX_EDITS = 2
MIN_WILDCARD_PREFIX = 2


class QueryError(EcouteError):
    """A query that cannot be parsed, or that breaks a limit.

    ``position`` is the character offset in ``query`` where the problem is;
    ``expected`` says what would have been valid there. ``str(error)`` is the
    whole report: the message, the query line and a caret under the column.
    """

    exit_code = 2

    def __init__(self, message: str, query: str, position: int, expected: str = "") -> None:
        self.message = message
        self.query = query
        self.position = max(0, min(position, len(query)))
        self.expected = expected
        super().__init__(self.render())

    @property
    def line(self) -> int:
        """1-based line of the problem in a multi-line query."""
        return self.query.count("\n", 0, self.position) + 1

    @property
    def column(self) -> int:
        """1-based column of the problem on its line."""
        return self.position - (self.query.rfind("\n", 0, self.position) + 1) + 1

    def render(self) -> str:
        """The message, then the query line and a caret under the column."""
        where = (
            f"line {self.line}, column {self.column}"
            if "\n" in self.query
            else (f"column {self.column}")
        )
        text = f"{self.message} ({where})"
        if self.expected:
            text += f"; expected {self.expected}"
        line_start = self.query.rfind("\n", 0, self.position) + 1
        line_end = self.query.find("\n", self.position)
        line = self.query[line_start : None if line_end < 0 else line_end]
        offset = self.position - line_start
        # Long lines (10,000-term queries) are cut around the column.
        if len(line) > 100:
            cut = max(0, offset - 60)
            prefix = "…" if cut else ""
            shown = line[cut : cut + 100]
            suffix = "…" if cut + 100 < len(line) else ""
            offset = offset - cut + len(prefix)
            line = prefix + shown + suffix
        visible = "".join(" " if char in "\t\r\x0b\x0c" else char for char in line)
        return f"{text}\n    {visible}\n    {' ' * offset}^"
