"""Write docs/plans.md: the plans upperback builds for five very different example profiles.

.venv/bin/python tools/make_plans_doc.py            # rewrites docs/plans.md
.venv/bin/python tools/make_plans_doc.py --check    # exit 1 if docs/plans.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from upperback.plans.examples import examples_document

TARGET = Path(__file__).resolve().parents[1] / "docs" / "plans.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    parser.add_argument("--weeks", type=int, default=6, help="weeks per plan (default 6)")
    args = parser.parse_args()
    text = examples_document(weeks=args.weeks)
    if args.check:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date; run tools/make_plans_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"Wrote {TARGET} ({len(text.splitlines())} lines).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
