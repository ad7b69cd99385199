"""Run every benchmark on SQLite and on PostgreSQL: `make bench` (or `python -m bench NAME...`).

`bench.scale` (1 and 5 million candidates, tens of minutes) runs only when named."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = names or sorted(
        path.stem
        for path in HERE.glob("*.py")
        if path.stem not in {"__init__", "__main__", "harness", "scale"}
    )
    failures = 0
    for name in scripts:
        for flags in ([], ["--postgres"]):
            print(f"\n## bench.{name} {' '.join(flags)}".rstrip(), flush=True)
            failures += subprocess.call([sys.executable, "-m", f"bench.{name}", *flags]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
