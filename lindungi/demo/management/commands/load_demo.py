"""`lindungi load_demo`: the NTT 2025 programme end to end, on an empty database."""

import time

from django.core.management.base import CommandError

from lindungi.audit.commands import WritingCommand
from lindungi.core.progress import TerminalProgress
from lindungi.demo.services import DemoScale, load_demo


class Command(WritingCommand):
    help = "Build the demo story (candidates, 2025 programme, enrollment, billing, 2026 draft)."

    def add_command_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=DemoScale.candidates)
        parser.add_argument("--target", type=int, default=DemoScale.target)
        parser.add_argument("--seed", type=int, default=DemoScale.seed)
        parser.add_argument("--no-progress", action="store_true")

    def act(self, *args, user, candidates, target, seed, no_progress, **options):
        if target > candidates:
            raise CommandError("--target cannot exceed --candidates.")
        started = time.perf_counter()
        result = load_demo(
            user=user,
            scale=DemoScale(candidates=candidates, target=target, seed=seed),
            progress=TerminalProgress(disable=True if no_progress else None, unit="langkah"),
        )
        if not result.created:
            self.stdout.write("Demo data already present; nothing changed.")
            return
        figures = ", ".join(f"{key} {value:,}" for key, value in result.figures.items())
        self.stdout.write(f"Demo loaded in {time.perf_counter() - started:.0f} s: {figures}")
