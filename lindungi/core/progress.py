"""How long-running services report progress, whoever is watching (a job page or a terminal).

Services take `progress: Progress = NULL_PROGRESS` and call `start(total)`, `advance(n)` and
`finish()`. Implementations throttle their own output, so calling `advance` often is cheap.
"""

import sys
from typing import Protocol, TextIO


class Progress(Protocol):
    def start(self, total: int | None, label: str = "") -> None: ...

    def advance(self, step: int = 1) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    def start(self, total: int | None, label: str = "") -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


NULL_PROGRESS = NullProgress()


class TerminalProgress:
    """A tqdm bar on stderr for commands; silent when stderr is not a terminal unless forced.

    Each `start()` begins a new bar, so a service with several phases shows one bar per phase.
    `disable=True` hides it whatever the stream (a command's --no-progress).
    """

    def __init__(
        self,
        *,
        stream: TextIO | None = None,
        force: bool = False,
        disable: bool | None = None,
        unit: str = "baris",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not disable and (force or bool(isatty and isatty()))
        self.unit = unit
        self.bar = None

    def start(self, total: int | None, label: str = "") -> None:
        from tqdm import tqdm

        self.finish()
        self.bar = tqdm(
            total=total,
            desc=str(label) or None,
            file=self.stream,
            disable=not self.enabled,
            unit=self.unit,
            dynamic_ncols=True,
            mininterval=0.25,
        )

    def advance(self, step: int = 1) -> None:
        if self.bar is None:
            self.start(None)
        if self.bar is not None:
            self.bar.update(step)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
