from django.core.management.base import BaseCommand

from lindungi.audit.checkpoints import write_checkpoint


class Command(BaseCommand):
    help = (
        "Append a signed checkpoint of the audit chain's head to AUDIT_CHECKPOINT_FILE and the "
        "log. The worker writes one daily by itself (WORKER_DAILY_DUTIES); run this for more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="checkpoint file (default: AUDIT_CHECKPOINT_FILE)")

    def handle(self, *args, **options):
        record = write_checkpoint(path=options.get("file"))
        if record is None:
            self.stdout.write("The audit trail is empty: no checkpoint written.")
            return
        self.stdout.write(
            f"Checkpoint: row {record['event_id']}, {record['rows']} rows, hash {record['hash']}"
        )
