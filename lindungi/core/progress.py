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
