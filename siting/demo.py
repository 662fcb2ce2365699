"""The main job on the embedded synthetic sample region (``siting demo``).

A readable sequence: candidate sites on a grid over the sample region -> batch scoring
(grid, gas, water, air, climate criteria) -> the site chain's full hourly design of every
ranked site (N+k gas fleet for the hourly facility load, every power option, water by
scope; :func:`siting.designs.design_sites`) -> ranked table (GeoPackage and CSV) ->
interactive map -> report for the best site (the same design) -> the effective scenario.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd

from siting.errors import ConfigError
from siting.scenario import Scenario

log = logging.getLogger(__name__)

#: Spacing of the demo's candidate grid over the sample region [km].
DEMO_SPACING_KM = 12.0
#: Scoring profile of the demo.
DEMO_PROFILE = "speed_to_power"
#: Files the demo writes, by role.
DEMO_FILES = {
    "table_gpkg": "sites.gpkg",
    "table_csv": "sites.csv",
    "map_html": "map.html",
    "report_html": "report.html",
    "scenario_toml": "scenario.toml",
}


@dataclass(frozen=True)
class DemoResult:
    """What the demo wrote and what it found."""

    out_dir: Path
    table_gpkg: Path
    table_csv: Path
    map_html: Path
    report_html: Path
    scenario_toml: Path
    sites_scored: int
    sites_failed: int
    best_site: str
    seconds: float

    def to_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}


def demo_candidates(layers) -> gpd.GeoDataFrame:
    """The demo's candidate sites: a grid at :data:`DEMO_SPACING_KM` over the sample state."""
    from siting.candidates import candidate_grid

    state = layers.load("states")["state_abbr"].iloc[0]
    grid = candidate_grid(DEMO_SPACING_KM, state=state, layers=layers)
    grid["name"] = [f"Sample site {i:03d}" for i in range(1, len(grid) + 1)]
    return grid


def run_demo(out_dir: str | Path, *, scenario: Scenario | None = None, overwrite: bool = False) -> DemoResult:
    """Score the sample region's candidates and write table, map, report and scenario.

    Parameters
    ----------
    out_dir : str or Path
        Output folder; created if needed.
    scenario : Scenario, optional
        Assumptions; default ``Scenario()`` (100 MW IT, hybrid cooling, LM6000PF N+1).
    overwrite : bool
        Replace files of an earlier run in ``out_dir``.

    Returns
    -------
    DemoResult
    """
    from gis_data.layerset import LayerSet
    from siting.batch import batch_summary, score_sites
    from siting.designs import add_designs, design_sites
    from siting.map_context import write_site_map
    from siting.tables import write_table
    from siting.site_report import build_site_report, write_site_report

    t0 = time.perf_counter()
    scenario = scenario or Scenario()
    out = Path(out_dir)
    paths = {k: out / v for k, v in DEMO_FILES.items()}
    existing = [p for p in paths.values() if p.exists()]
    if existing and not overwrite:
        raise ConfigError(f"{str(existing[0])!r} exists; pass overwrite=True (--overwrite) to replace the demo outputs")
    out.mkdir(parents=True, exist_ok=True)

    layers = LayerSet.sample()
    candidates = demo_candidates(layers)
    log.info("demo: scoring %d candidate sites of the synthetic sample region", len(candidates))
    scored = score_sites(candidates, layers, scenario, DEMO_PROFILE, progress=False)
    summary = batch_summary(scored)
    log.info("demo: full hourly designs of the %d ranked sites", int(scored["rank"].notna().sum()))
    scored = add_designs(scored, design_sites(scored, layers, scenario, top=len(scored), progress=False))
    ranked = scored.sort_values(["rank", "site_id"], na_position="last", kind="stable").reset_index(drop=True)
    write_table(ranked, paths["table_gpkg"])
    write_table(ranked, paths["table_csv"])

    ok = ranked[ranked["rank"].notna()]
    # the one map function siting score and siting map use (context clipped to the sites, designs in the popups)
    write_site_map(ok, layers, paths["map_html"], overwrite=True,
                   title="Candidate sites, synthetic sample region (speed-to-power profile)")

    best = ok.iloc[0]
    log.info("demo: report for the best site, %s", best["name"])
    report = build_site_report(float(best["latitude_deg"]), float(best["longitude_deg"]), scenario, layers=layers,
                               name=str(best["name"]), scored_row=best, n_sites=len(ok), profile=DEMO_PROFILE)
    write_site_report(report, paths["report_html"], overwrite=True)
    from gis_data.outputs import write_text_atomic

    write_text_atomic(paths["scenario_toml"], scenario.to_toml())

    return DemoResult(
        out_dir=out,
        table_gpkg=paths["table_gpkg"],
        table_csv=paths["table_csv"],
        map_html=paths["map_html"],
        report_html=paths["report_html"],
        scenario_toml=paths["scenario_toml"],
        sites_scored=summary.scored,
        sites_failed=summary.errors,
        best_site=str(best["name"]),
        seconds=time.perf_counter() - t0,
    )
