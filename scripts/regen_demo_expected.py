"""Regenerate the demo's stored expectation (tests/siting/expected/demo_sites.csv).

Run this only when a change to the models, criteria or sample region is *meant* to change
the demo's numbers; commit the new expectation with a message saying why.

    python scripts/regen_demo_expected.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from siting.demo import run_demo

EXPECTED = Path(__file__).resolve().parents[1] / "tests" / "siting" / "expected" / "demo_sites.csv"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = run_demo(tmp)
        EXPECTED.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result.table_csv, EXPECTED)
    print(f"wrote {EXPECTED}")


if __name__ == "__main__":
    main()
