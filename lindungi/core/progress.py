"""How long-running services report progress, whoever is watching (a job page or a terminal).

Services take `progress: Progress = NULL_PROGRESS` and call `start(total)`, `advance(n)` and
`finish()`. Implementations throttle their own output, so calling `advance` often is cheap.
"""

from typing import Protocol


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
    """A tqdm bar on stderr for management commands; silent when stderr is not a terminal."""

    def __init__(self, *, disable: bool | None = None, unit: str = "baris") -> None:
        self._disable = disable
        self._unit = unit
        self._bar = None

    def start(self, total: int | None, label: str = "") -> None:
        from tqdm import tqdm

        self.finish()
        # disable=None lets tqdm hide itself when stderr is not a TTY (CI logs, pipes).
        self._bar = tqdm(
            total=total,
            desc=label,
            unit=self._unit,
            unit_scale=True,
            disable=self._disable,
            mininterval=0.25,
        )

    def advance(self, step: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(step)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
