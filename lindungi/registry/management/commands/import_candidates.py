"""`lindungi import_candidates FILE`: import a candidate CSV/XLSX with a progress bar."""

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from lindungi.audit.commands import WritingCommand
from lindungi.core.progress import TerminalProgress
from lindungi.registry.exports import write_rejects
from lindungi.registry.importing import import_candidates, summary


class Command(WritingCommand):
    help = "Import candidates from a CSV or XLSX file (validated, deduplicated, atomic)."

    def add_command_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", default="", help="where the file came from, e.g. DTSEN")
        parser.add_argument("--edition", default="", help="edition of the source data, YYYY-MM")
        parser.add_argument("--rejects", help="write rejected rows to this .csv or .xlsx file")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--sheet", help="XLSX sheet name (default: the first)")
        parser.add_argument("--regency", help="accept only residents of this regency (53.05)")
        parser.add_argument("--no-progress", action="store_true")

    def act(self, *args, user, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file") % {"path": path})
        progress = TerminalProgress(disable=True if options["no_progress"] else None)
        result = import_candidates(
            file=path,
            file_name=path.name,
            user=user,
            source=options["source"],
            edition=options["edition"],
            sheet=options["sheet"],
            regency=options["regency"],
            progress=progress,
        )
        if options["rejects"]:
            write_rejects(result, options["rejects"])
        if options["json"]:
            self.stdout.write(json.dumps(summary(result), ensure_ascii=False))
            return
        reasons = ", ".join(f"{code} {count}" for code, count in result.reason_counts.items())
        line = _(
            "%(file)s: read %(read)s, accepted %(accepted)s, updated %(updated)s, "
            "unchanged %(unchanged)s, rejected %(rejected)s%(reasons)s; "
            "%(flagged)s possible duplicates flagged in %(seconds).1f s"
        ) % {
            "file": path.name,
            "read": result.rows_read,
            "accepted": result.rows_accepted,
            "updated": result.rows_updated,
            "unchanged": result.rows_unchanged,
            "rejected": result.rows_rejected,
            "reasons": f" ({reasons})" if reasons else "",
            "flagged": result.duplicates_flagged,
            "seconds": result.duration_ms / 1000,
        }
        self.stdout.write(line)
