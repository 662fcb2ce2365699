"""The hostile corpus (tests/hostile/make_corpus.py) through every command that takes a file.

Done-when of issue 13: every case runs with exit status 0 or 2 (the one the case expects,
when it says), never a Python traceback and never an internal error, and every row of a
site table comes out of ``siting score``; a resume after a layer file changed is refused
(tests/hostile/test_faults.py).

Commands and what each case goes through:

- site tables: ``score`` (``--no-map``; with the map for the cases marked ``map``, whose
  HTML must not carry a name's ``<script>`` unescaped), ``map`` of the file itself, and,
  for the cases with a map or output-named columns, ``score`` again of the scored output
  (re-scoring a scored file);
- scenario files: ``score --scenario`` and, when the file must be refused, ``report --scenario``;
- profile files: ``score --profile`` and ``candidates --score --profile``;
- deal files: ``deal FILE --draws 0`` and, when it must be refused, ``report --deal``;
- layer sets: ``data list --layers``, ``score --layers`` and ``candidates --layers`` (the
  encoding variants of the valid set only through ``data list``);
- weather files: ``water --weather``;
- every file of the corpus: ``data scan`` of each folder.

To stay within CI time (2 cores) the commands run in this process, and the embedded
sample layer set is prepared (read, projected, indexed) once and handed to every command
that asks for it (``LayerSet.sample`` is patched to return it); everything else is the
real command. A few runs in a subprocess check the real stderr (test_cli_last_resort.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from siting import cli

_spec = importlib.util.spec_from_file_location("hostile_make_corpus", Path(__file__).with_name("make_corpus.py"))
MC = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = MC  # dataclasses look their module up
_spec.loader.exec_module(MC)

#: A report at a site of the sample region (used with files that must be refused, so it stops early).
REPORT_AT = ["--lat", "35.9", "--lon", "-79.9"]
BBOX = ["--bbox", "-80.5", "35.7", "-79.3", "36.5"]


#: Warnings seen while the corpus ran (the real CLI logs them and goes on; pytest would raise them).
WARNINGS: Counter = Counter()


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``siting ARGV`` in this process, with warnings as the real CLI has them (shown, not raised):
    (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            rc = cli.main(argv)
        except SystemExit as exc:  # argparse refusing the command line
            rc = exc.code if isinstance(exc.code, int) else 2
    for w in seen:
        WARNINGS[f"{w.category.__name__}: {str(w.message)[:80]}"] += 1
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    cases = MC.make_corpus(root / "corpus")
    small = root / "small.csv"
    small.write_text("site_id,lat,lon\na,35.9,-79.9\nb,36.1,-80.1\n", encoding="utf-8")
    return root, cases, small


class Tally:
    def __init__(self):
        self.runs = Counter()
        self.problems: list[str] = []
        self.rows_in = 0
        self.rows_out = 0

    def check(self, case, command: str, argv: list[str], expect: int | None) -> tuple[int, str, str]:
        rc, out, err = run_cli(argv)
        self.runs[(command, rc)] += 1
        where = f"{case.kind}/{case.name} through {command} ({case.why})"
        if "Traceback (most recent call last)" in err or "Traceback (most recent call last)" in out:
            self.problems.append(f"{where}: a traceback\n{err[-2000:]}")
        if "an input could not be read" in err:  # the CLI's safety net: a reader let a raw error through
            self.problems.append(f"{where}: a reader's error reached the CLI's last resort: {err.strip()[-600:]}")
        if rc not in (0, 2):
            self.problems.append(f"{where}: exit {rc}: {err.strip()[-600:]}")
        elif expect is not None and rc != expect:
            self.problems.append(f"{where}: exit {rc}, expected {expect}: {err.strip()[-600:]}")
        if rc == 2 and not err.strip():
            self.problems.append(f"{where}: exit 2 without a message")
        return rc, out, err


def test_hostile_corpus(corpus, shared_sample, tmp_path):
    root, cases, small = corpus
    base = root / "corpus"
    t0 = time.perf_counter()
    tally = Tally()
    n = 0
    for case in cases:
        path = case.path if case.kind == "argv" else str(base / case.path)
        out = tmp_path / f"{case.kind}-{n}"
        n += 1
        if case.kind == "sites":
            scored = out.with_suffix(".csv")
            argv = ["score", path, "--out", str(scored), "--no-progress"] + ([] if case.extra.get("map") else ["--no-map"])
            rc, _, _ = tally.check(case, "score", argv, case.expect)
            if rc == 0:
                table = pd.read_csv(scored, dtype={"site_id": str}, keep_default_na=False)
                if case.rows is not None:
                    tally.rows_in += case.rows
                    tally.rows_out += len(table)
                    if len(table) != case.rows:
                        tally.problems.append(f"sites/{case.name}: {case.rows} rows in, {len(table)} out")
                if case.extra.get("map"):
                    html = scored.with_name(scored.stem + "_map.html").read_text(encoding="utf-8")
                    if "<script>alert(" in html or "<img src=x" in html:
                        tally.problems.append(f"sites/{case.name}: a name's HTML is in the map unescaped")
                if case.extra.get("map") or "output" in case.name:
                    again = out.with_name(out.name + "-again.csv")
                    rc2, _, _ = tally.check(case, "score (re-score the scored file)",
                                            ["score", str(scored), "--out", str(again), "--no-progress", "--no-map"], 0)
                    if rc2 == 0 and len(pd.read_csv(again)) != len(table):
                        tally.problems.append(f"sites/{case.name}: re-scoring lost rows")
            tally.check(case, "map", ["map", path, "--out", str(out.with_suffix(".html"))], None)
        elif case.kind == "argv":
            tally.check(case, "score", ["score", path, "--out", str(out.with_suffix(".csv"))], case.expect)
        elif case.kind == "scenario":
            tally.check(case, "score --scenario", ["score", str(small), "--out", str(out.with_suffix(".csv")),
                                                   "--no-map", "--no-progress", "--scenario", path], case.expect)
            if case.expect == 2:
                tally.check(case, "report --scenario", ["report", *REPORT_AT, "--out", str(out.with_suffix(".html")),
                                                        "--scenario", path], 2)
        elif case.kind == "profile":
            tally.check(case, "score --profile", ["score", str(small), "--out", str(out.with_suffix(".csv")),
                                                  "--no-map", "--no-progress", "--profile", path], case.expect)
            tally.check(case, "candidates --profile", ["candidates", *BBOX, "--spacing-km", "40", "--score",
                                                       "--out", str(out.with_name(out.name + "-grid.csv")),
                                                       "--profile", path], case.expect)
        elif case.kind == "deal":
            tally.check(case, "deal", ["-q", "deal", path, "--draws", "0", "--json"], case.expect)
            if case.expect == 2:
                tally.check(case, "report --deal", ["report", *REPORT_AT, "--out", str(out.with_suffix(".html")),
                                                    "--deal", path], 2)
        elif case.kind == "layers":
            tally.check(case, "data list", ["data", "list", "--layers", path, "--json"], case.expect)
            if case.expect == 0 and case.name != "valid":
                continue  # an encoding variant of the valid set: reading it is the point, `data list` shows it
            tally.check(case, "score --layers", ["score", str(small), "--out", str(out.with_suffix(".csv")),
                                                 "--no-map", "--no-progress", "--layers", path], case.expect)
            tally.check(case, "candidates --layers", ["candidates", *BBOX, "--spacing-km", "40", "--out",
                                                      str(out.with_name(out.name + "-grid.csv")), "--layers", path],
                        case.expect)
        elif case.kind == "weather":
            tally.check(case, "water --weather", ["water", "--weather", path, "--json"], case.expect)
        else:  # pragma: no cover - a new kind needs a command above
            raise AssertionError(f"no command for kind {case.kind!r}")
    scan_case = MC.Case("every file", "scan", str(base), "data scan of each corpus folder")
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        tally.check(scan_case, "data scan", ["data", "scan", str(folder), "--out", str(tmp_path / f"{folder.name}.toml")],
                    None)
    seconds = time.perf_counter() - t0
    report = {
        "cases": len(cases), "by_kind": dict(Counter(c.kind for c in cases)),
        "runs": sum(tally.runs.values()), "exit_0": sum(v for (c, rc), v in tally.runs.items() if rc == 0),
        "exit_2": sum(v for (c, rc), v in tally.runs.items() if rc == 2),
        "rows_in": tally.rows_in, "rows_out": tally.rows_out, "problems": len(tally.problems),
        "seconds": round(seconds, 1), "warnings": dict(WARNINGS.most_common(8)),
    }
    print(json.dumps(report))
    assert len(cases) >= 200
    assert not tally.problems, "\n\n".join(tally.problems)
    assert tally.rows_in == tally.rows_out
