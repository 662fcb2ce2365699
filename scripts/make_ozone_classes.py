"""Write the packaged ozone classification table ``gis_data/reference/ozone_nonattainment_classes.csv``.

The rows are copied from the project's reference fact base,
``../shared/reference/ozone_nonattainment_cfr81.csv`` (see its ``.md``): one row per county,
or part of a county, that is nonattainment for the 2008 or 2015 8-hour ozone NAAQS, with
its area and classification. Rows of the revoked 1997 standard are left out (anti-backsliding
context, not a current major-source threshold, and only partly covered). The long provenance
columns are shortened to ``source`` (the CFR section, or the Green Book export the row comes
from) and ``source_vintage`` (the newest date in the CFR section's ozone tables, or EPA's
export date); ``partial_note`` keeps the CFR's sub-county text. Run from the project root::

    python scripts/make_ozone_classes.py            # rewrites the table
    python scripts/make_ozone_classes.py --check    # exit 1 if the committed file differs
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SITING_SHARED_DIR", ROOT.parent / "shared"))
SOURCE = SHARED / "reference" / "ozone_nonattainment_cfr81.csv"
OUT = ROOT / "gis_data" / "reference" / "ozone_nonattainment_classes.csv"
STANDARDS = ("ozone_8hr_2015", "ozone_8hr_2008")
COLUMNS = ["county_fips", "state_abbr", "county_name", "standard", "classification", "partial_county", "area_name",
           "classification_date", "source", "source_vintage", "partial_note"]


def build(source: Path = SOURCE) -> str:
    """The table as CSV text."""
    ref = pd.read_csv(source, dtype=str, keep_default_na=False)
    ref = ref[ref["standard"].isin(STANDARDS) & (ref["designation"] == "Nonattainment")].copy()
    cfr = ref["cfr_section"].str.startswith("40 CFR")
    newest = ref["source_snapshot"].str.extract(r"newest date in the section's 8-hour ozone tables: ([0-9/]+)",
                                                expand=False)
    export = ref["source_snapshot"].str.extract(r"EXPORTDT (\d{4}-\d{2}-\d{2})", expand=False)
    ref["source"] = ref["cfr_section"].where(cfr, "EPA Green Book county export (nayro.dbf)")
    ref["source_vintage"] = ("eCFR copy MichalOpoka/ecfr@4be71cd; newest date in the section's ozone tables "
                             + newest.fillna("")).where(cfr, "EPA export " + export.fillna("") +
                                                        " via akshatsingh-dev/groundtruth@34ec129")
    ref["partial_note"] = ref["notes"].map(lambda s: re.match(r"part: ([^;]*)", s).group(1).strip()
                                           if re.match(r"part: ", s) else "")
    out = ref.sort_values(["county_fips", "standard", "area_name"], kind="stable")[COLUMNS]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed table differs")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from what {SOURCE} gives")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
