"""Write the embedded synthetic sample region: ``gis_data/sample/*``.

The sample is a SYNTHETIC region around Greensboro, North Carolina (35.6-36.6 N,
80.6-79.2 W) for the demo, the tests and first-time users. No record in it is real
infrastructure: lines, substations, pipelines, plants, datacenters, county shapes and
their numbers are invented by this script with a fixed seed. Only the weather is real:
the ``weather_stations`` role points to the Greensboro TMY3 file that pvlib ships
(``pvlib:723170TYA.CSV``).

Each layer is written in the SAME RAW FORMAT (field names, value conventions such as
HIFLD's ``-999999`` voltage and ``NOT AVAILABLE`` class, the USGS ``--`` placeholder,
Green Book ``W``/``P`` codes) as the real public source it imitates, so the same loaders
read sample and real data. Run from the project root::

    python scripts/make_sample.py            # rewrites gis_data/sample/
    python scripts/make_sample.py --check    # exit 1 if the committed files differ

The output is deterministic (seeded RNG, fixed rounding, sorted JSON keys are not
used so that the field order matches the real files).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "gis_data" / "sample"
SEED = 20260528

#: Region bounds [deg]: lon_min, lat_min, lon_max, lat_max.
BOUNDS = (-80.6, 35.6, -79.2, 36.6)
SYNTHETIC_NAME = "Synthetic sample region (not real infrastructure)"

STATE_FIPS, STATE_ABBR, STATE_NAME = "37", "NC", "North Carolina"
#: County codes 901-906 do not exist in North Carolina (real codes are odd, 001-199),
#: so a sample county can never be mistaken for a real one in a join.
COUNTY_NAMES = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir")


def _r(x: float, nd: int = 5) -> float:
    return float(round(float(x), nd))


def _feature(props: dict, geom: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


def _write_geojson(path: Path, name: str, features: list[dict]) -> None:
    fc = {"type": "FeatureCollection", "name": name, "features": features}
    lines = ['{', '"type": "FeatureCollection",', f'"name": {json.dumps(name)},', '"features": [']
    lines.append(",\n".join(json.dumps(f, separators=(",", ":")) for f in features))
    lines.append("]", )
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # must stay valid JSON
    assert json.loads(text)["features"] == json.loads(json.dumps(fc))["features"]
    path.write_text(text, encoding="utf-8")


def _write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buf.getvalue(), encoding="utf-8")


def _km_per_deg(lat: float) -> tuple[float, float]:
    """Approximate km per degree of longitude and latitude at ``lat`` (spherical Earth, R = 6371 km)."""
    k = math.pi * 6371.0 / 180.0
    return k * math.cos(math.radians(lat)), k


# ----------------------------------------------------------------------------- counties
def make_counties(rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """Six counties tiling the region (3 columns x 2 rows) with jittered shared edges."""
    lon0, lat0, lon1, lat1 = BOUNDS
    xs = np.linspace(lon0, lon1, 4)
    ys = np.linspace(lat0, lat1, 3)
    # Interior grid vertices move a little; outer edges stay on the region bounds.
    vx = np.tile(xs, (3, 1)).astype(float)
    vy = np.tile(ys[:, None], (1, 4)).astype(float)
    vx[:, 1:3] += rng.uniform(-0.06, 0.06, size=(3, 2))
    vy[1, :] += rng.uniform(-0.05, 0.05, size=4)
    # Each cell edge gets one jittered midpoint shared by both neighbours, so the tiling has no gaps.
    hmid = {}
    for j in range(3):
        for i in range(3):
            mx, my = (vx[j, i] + vx[j, i + 1]) / 2, (vy[j, i] + vy[j, i + 1]) / 2
            if 0 < j < 2:
                my += rng.uniform(-0.04, 0.04)
            hmid[j, i] = (mx, my)
    vmid = {}
    for j in range(2):
        for i in range(4):
            mx, my = (vx[j, i] + vx[j + 1, i]) / 2, (vy[j, i] + vy[j + 1, i]) / 2
            if 0 < i < 3:
                mx += rng.uniform(-0.04, 0.04)
            vmid[j, i] = (mx, my)
    feats, cells = [], []
    for j in range(2):
        for i in range(3):
            k = j * 3 + i
            ring = [
                (vx[j, i], vy[j, i]), hmid[j, i], (vx[j, i + 1], vy[j, i + 1]), vmid[j, i + 1],
                (vx[j + 1, i + 1], vy[j + 1, i + 1]), hmid[j + 1, i], (vx[j + 1, i], vy[j + 1, i]), vmid[j, i],
            ]
            ring = [[_r(x), _r(y)] for x, y in ring]
            ring.append(ring[0])
            # shoelace area on a local equirectangular projection [m2]
            lat_c = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
            kx, ky = _km_per_deg(lat_c)
            xy = [(p[0] * kx * 1e3, p[1] * ky * 1e3) for p in ring]
            area_m2 = abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(xy[:-1], xy[1:]))) / 2
            awater = round(area_m2 * float(rng.uniform(0.005, 0.03)))
            countyfp = f"{901 + k:03d}"
            geoid = STATE_FIPS + countyfp
            props = {
                "STATEFP": STATE_FIPS, "COUNTYFP": countyfp, "COUNTYNS": f"{99000001 + k:08d}",
                "AFFGEOID": f"0500000US{geoid}", "GEOID": geoid, "NAME": f"{COUNTY_NAMES[k]} (sample)",
                "LSAD": "06", "ALAND": int(round(area_m2)) - awater, "AWATER": awater,
            }
            feats.append(_feature(props, {"type": "Polygon", "coordinates": [ring]}))
            cells.append({"geoid": geoid, "name": props["NAME"], "ring": ring, "area_km2": area_m2 / 1e6})
    return feats, cells


def make_state(cells: list[dict]) -> list[dict]:
    """One 'state' polygon: the region rectangle, with Census state fields (NC codes)."""
    lon0, lat0, lon1, lat1 = BOUNDS
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    aland = int(sum(round(c["area_km2"] * 1e6) for c in cells))
    props = {
        "STATEFP": STATE_FIPS, "STATENS": "99000000", "AFFGEOID": f"0400000US{STATE_FIPS}", "GEOID": STATE_FIPS,
        "STUSPS": STATE_ABBR, "NAME": f"{STATE_NAME} (sample region only)", "LSAD": "00", "ALAND": aland, "AWATER": 0,
    }
    return [_feature(props, {"type": "Polygon", "coordinates": [ring]})]


# ----------------------------------------------------------------------------- grid
def _polyline(rng, start, end, n=6, wiggle=0.03):
    t = np.linspace(0, 1, n)
    x = start[0] + (end[0] - start[0]) * t
    y = start[1] + (end[1] - start[1]) * t
    x[1:-1] += rng.uniform(-wiggle, wiggle, n - 2)
    y[1:-1] += rng.uniform(-wiggle, wiggle, n - 2)
    return [[_r(a), _r(b)] for a, b in zip(x, y)]


#: Substations (name, lon, lat, max kV, min kV); max_kv None = unknown in the source.
SUBSTATIONS = [
    ("Sample Ridge 500", -80.45, 36.42, 500.0, 230.0),
    ("Sample Junction 500", -79.35, 35.75, 500.0, 230.0),
    ("Sample Valley 345", -80.10, 35.70, 345.0, 115.0),
    ("Sample Mill 230", -79.95, 36.05, 230.0, 115.0),
    ("Sample Creek 230", -79.55, 36.30, 230.0, 115.0),
    ("Sample Ford 115", -80.30, 36.00, 115.0, 69.0),
    ("Sample Gap 115", -79.70, 35.95, 115.0, None),
    ("", -80.00, 36.45, None, None),
]

#: Lines: (from substation index, to substation index, VOLTAGE as HIFLD writes it, VOLT_CLASS, TYPE, OWNER)
LINES = [
    (0, 1, 500.0, "500", "AC; OVERHEAD", "SAMPLE GRID CO"),
    (0, 2, 345.0, "345", "AC; OVERHEAD", "SAMPLE GRID CO"),
    (2, 3, 230.0, "220-287", "AC; OVERHEAD", "SAMPLE POWER COOP"),
    (3, 4, 230.0, "220-287", "AC; OVERHEAD", "SAMPLE POWER COOP"),
    (4, 1, 230.0, "220-287", "AC; OVERHEAD", "SAMPLE POWER COOP"),
    (3, 5, 115.0, "100-161", "AC; OVERHEAD", "SAMPLE MUNICIPAL"),
    (3, 6, -999999.0, "100-161", "AC; OVERHEAD", "NOT AVAILABLE"),
    (5, 7, -999999.0, "NOT AVAILABLE", "NOT AVAILABLE", "NOT AVAILABLE"),
]


def _kv_range(kv):
    if kv is None:
        return "unknown"
    for lo, hi, lab in [(0, 50, "0-50"), (50, 100, "50-100"), (100, 200, "100-200"), (200, 300, "200-300"),
                        (300, 400, "300-400"), (400, 500, "400-500"), (500, 600, "500-600")]:
        if lo <= kv < hi:
            return lab
    return "600+"


def make_substations() -> list[dict]:
    """HIFLD substations in the packaged schema: hifld_id, name, max_kv, min_kv, kv_range (all text)."""
    feats = []
    for k, (name, lon, lat, vmax, vmin) in enumerate(SUBSTATIONS):
        props = {
            "hifld_id": str(900001 + k), "name": name,
            "max_kv": "" if vmax is None else f"{vmax:.1f}", "min_kv": "" if vmin is None else f"{vmin:.1f}",
            "kv_range": _kv_range(vmax),
        }
        feats.append(_feature(props, {"type": "Point", "coordinates": [lon, lat]}))
    return feats


def make_transmission(rng) -> list[dict]:
    """HIFLD Electric Power Transmission Lines schema (MultiLineString, CRS84)."""
    feats = []
    for k, (a, b, volt, vclass, typ, owner) in enumerate(LINES):
        sa, sb = SUBSTATIONS[a], SUBSTATIONS[b]
        coords = _polyline(rng, (sa[1], sa[2]), (sb[1], sb[2]))
        kx, ky = _km_per_deg(36.1)
        steps = zip(coords[:-1], coords[1:])
        length_m = sum(math.hypot((q[0] - p[0]) * kx, (q[1] - p[1]) * ky) for p, q in steps) * 1e3
        props = {
            "OBJECTID": k + 1, "ID": str(190000 + k), "TYPE": typ, "STATUS": "IN SERVICE",
            "NAICS_CODE": "221121", "NAICS_DESC": "ELECTRIC BULK POWER TRANSMISSION AND CONTROL",
            "SOURCE": "SYNTHETIC", "SOURCEDATE": "2026/05/28", "VAL_METHOD": "SYNTHETIC", "VAL_DATE": "2026/05/28",
            "OWNER": owner, "VOLTAGE": volt, "VOLT_CLASS": vclass, "INFERRED": "N",
            "SUB_1": sa[0] or "NOT AVAILABLE", "SUB_2": sb[0] or "NOT AVAILABLE", "Shape__Length": round(length_m, 1),
        }
        feats.append(_feature(props, {"type": "MultiLineString", "coordinates": [coords]}))
    return feats


def make_pipelines(rng) -> list[dict]:
    """Natural-gas pipelines in the packaged HIFLD/EIA schema: pipe_type, operator, name (LineStrings)."""
    specs = [
        ("Interstate", "Sample Transco-like Pipeline Co", (-80.60, 35.85), (-79.20, 36.30)),
        ("Interstate", "Sample Eastern Gas Transmission", (-80.20, 36.60), (-79.80, 35.60)),
        ("Intrastate", "Sample Piedmont Gas Co", (-79.95, 36.05), (-79.45, 35.80)),
    ]
    return [
        _feature({"pipe_type": t, "operator": op, "name": ""},
                 {"type": "LineString", "coordinates": _polyline(rng, a, b, n=7, wiggle=0.02)})
        for t, op, a, b in specs
    ]


def make_gas_facilities() -> list[dict]:
    """Gas facility points in the packaged HIFLD schema: fac_type, name, operator, state, status, detail."""
    rows = [
        ("underground", "Sample Storage Field", "Sample Transco-like Pipeline Co", -79.60, 36.20, "Active",
         "Working gas capacity 5000000 Mcf"),
        ("peak_shaving", "Sample LNG Peak Shaver", "Sample Piedmont Gas Co", -79.80, 35.98, "Active", "Peak shaving"),
    ]
    return [
        _feature({"fac_type": t, "name": n, "operator": op, "state": STATE_NAME, "status": s, "detail": d},
                 {"type": "Point", "coordinates": [lon, lat]})
        for t, n, op, lon, lat, s, d in rows
    ]


def make_plants() -> list[dict]:
    """EIA-860 generators (one row per generator) in the packaged schema, all fields as text."""
    gens = [
        # plant_code, plant_name, technology, energy_source, nameplate_mw, op_year, status, gen_status,
        # retirement_year, pipelines, prime_mover, lon, lat
        ("99001", "Sample Peaker", "Natural Gas Fired Combustion Turbine", "NG", "180.0", "2002", "OP", "existing", "",
         "SAMPLE TRANSCO-LIKE PIPELINE", "GT", -80.05, 36.10),
        ("99001", "Sample Peaker", "Natural Gas Fired Combustion Turbine", "NG", "180.0", "2002", "OP", "existing", "",
         "SAMPLE TRANSCO-LIKE PIPELINE", "GT", -80.05, 36.10),
        ("99002", "Sample Coal Station", "Conventional Steam Coal", "BIT", "620.0", "1972", "OP", "retirement", "2028",
         "", "ST", -80.35, 36.35),
        ("99003", "Sample Solar Farm", "Solar Photovoltaic", "SUN", "80.0", "2019", "OP", "existing", "", "", "PV",
         -79.40, 35.70),
        ("99004", "Sample Combined Cycle (proposed)", "Natural Gas Fired Combined Cycle", "NG", "1100.0", "2029", "P",
         "proposed", "", "SAMPLE EASTERN GAS TRANSMISSION", "CC", -79.90, 35.75),
    ]
    feats = []
    for (code, name, tech, fuel, mw, year, status, gstat, retire, pipes, pm, lon, lat) in gens:
        props = {
            "plant_code": code, "plant_name": name, "technology": tech, "energy_source": fuel, "nameplate_mw": mw,
            "nerc_region": "SERC", "ba_code": "DUK", "state": STATE_ABBR, "op_year": year, "status": status,
            "gen_status": gstat, "retirement_year": retire, "utility_name": "Sample Utility Co",
            "sector_name": "Electric Utility", "pipelines": pipes, "prime_mover": pm,
        }
        feats.append(_feature(props, {"type": "Point", "coordinates": [lon, lat]}))
    return feats


def make_datacenters(cells) -> list[dict]:
    """Existing datacenters in the IM3 atlas centroid schema: state_abb, county, operator, name, sqft, type."""
    rows = [
        ("Sample Operator A", "Sample DC One", 250000.0, "building", -79.88, 36.08, 4),
        ("Sample Operator B", "Sample Campus Two", 1200000.0, "campus", -80.25, 35.80, 0),
    ]
    return [
        _feature({"state_abb": STATE_ABBR, "county": cells[c]["name"], "operator": op, "name": n, "sqft": sq,
                  "type": t},
                 {"type": "Point", "coordinates": [lon, lat]})
        for op, n, sq, t, lon, lat, c in rows
    ]


# ----------------------------------------------------------------------------- tables
#: USGS 2015 county water-use columns the loaders read (Mgal/d; TP-TotPop in thousands).
USGS_COLUMNS = [
    "STATE", "STATEFIPS", "COUNTY", "COUNTYFIPS", "FIPS", "YEAR", "TP-TotPop",
    "PS-WGWFr", "PS-WSWFr", "PS-WFrTo", "PS-Wtotl", "DO-WFrTo", "IN-WFrTo", "IN-Wtotl", "IR-WFrTo",
    "PT-WFrTo", "PT-Wtotl", "TO-WGWFr", "TO-WGWSa", "TO-WGWTo", "TO-WSWFr", "TO-WSWSa", "TO-WSWTo",
    "TO-WFrTo", "TO-WSaTo", "TO-Wtotl",
]


def make_water_use(rng, cells) -> list[list]:
    """USGS usco2015v2.0-style rows; values in Mgal/d, invented but internally consistent."""
    rows = []
    for k, c in enumerate(cells):
        pop_k = _r(rng.uniform(20, 500), 3)
        ps_gw, ps_sw = _r(rng.uniform(0.2, 3), 2), _r(pop_k * rng.uniform(0.08, 0.12), 2)
        do = _r(rng.uniform(0.5, 4), 2)
        ind = _r(rng.uniform(0.1, 6), 2)
        irr = _r(rng.uniform(0.5, 8), 2)
        pt = _r(rng.uniform(150, 400), 2) if k == 3 else 0.0  # the coal station's county has power withdrawals
        gw_fr = _r(ps_gw + do + irr * 0.4, 2)
        sw_fr = _r(ps_sw + ind + irr * 0.6 + pt, 2)
        fr = _r(gw_fr + sw_fr, 2)
        row = [
            STATE_ABBR, STATE_FIPS, c["name"], str(int(c["geoid"][2:])), str(int(c["geoid"])), "2015", pop_k,
            ps_gw, ps_sw, _r(ps_gw + ps_sw, 2), _r(ps_gw + ps_sw, 2), do, ind, ind, irr,
            pt, pt, gw_fr, 0, gw_fr, sw_fr, 0, sw_fr, fr, 0, fr,
        ]
        if k == 5:
            row[USGS_COLUMNS.index("IR-WFrTo")] = "--"  # USGS "not available" placeholder
        rows.append(row)
    return rows


PHISTORY_YEARS = list(range(1992, 2022))
#: The real phistory export has no classification column; the sample adds one (as the Green Book's
#: nonattainment-area downloads carry it) so the loader's optional handling of it is exercised.
PHISTORY_COLUMNS = (
    ["pollutant", "revoked_naaqs", "state_name", "st_abbr", "fips_state", "fips_cnty", "countyname"]
    + [f"pw_{y}" for y in PHISTORY_YEARS] + ["exportdt", "classification"]
)


def make_phistory(cells) -> list[list]:
    """Green Book phistory-style rows: county 0 in 2015-ozone nonattainment (marginal) since 2018;
    county 1 was partly in the revoked 1997-ozone area 2004-2014 (clean today)."""
    def years(lo, hi, code):
        return [code if lo <= y <= hi else "" for y in PHISTORY_YEARS]

    c0, c1 = cells[0], cells[1]
    return [
        ["8-Hour Ozone (2015)", "", STATE_NAME.upper(), STATE_ABBR, STATE_FIPS, c0["geoid"][2:], c0["name"]]
        + years(2018, 2021, "W") + ["2/28/21", "Marginal"],
        ["8-Hour Ozone (1997)", "Revoked", STATE_NAME.upper(), STATE_ABBR, STATE_FIPS, c1["geoid"][2:], c1["name"]]
        + years(2004, 2014, "P") + ["2/28/21", "Moderate"],
    ]


AQUEDUCT_COLUMNS = ["string_id", "gid_1", "gid_0", "name_0", "name_1", "area_km2", "bws_raw", "bws_score", "bws_cat",
                    "bws_label"]


def _bws(raw: float) -> tuple[float, float, str]:
    """Aqueduct 4.0 score, category and label of a raw bws ratio (thresholds of the Aqueduct technical note)."""
    score = min(max(math.log2(raw / 0.1) + 1, 0.0), 5.0)
    for cat, hi, lab in [(0, 0.1, "Low (<10%)"), (1, 0.2, "Low - Medium (10-20%)"), (2, 0.4, "Medium - High (20-40%)"),
                         (3, 0.8, "High (40-80%)")]:
        if raw < hi:
            return score, float(cat), lab
    return score, 4.0, "Extremely High (>80%)"


def make_aqueduct(rng, cells) -> list[list]:
    """Aqueduct 4.0 baseline-annual table rows (sub-basin x state x aquifer) for two invented sub-basins."""
    total = sum(c["area_km2"] for c in cells)
    split = float(rng.uniform(0.35, 0.55))
    rows = []
    basins = [(990010, split, _r(rng.uniform(0.12, 0.18), 6)), (990020, 1 - split, _r(rng.uniform(0.25, 0.35), 6))]
    for pfaf, frac, raw in basins:
        score, cat, lab = _bws(raw)
        for aq, afrac in [("9001", 0.9), ("None", 0.1)]:
            rows.append([f"{pfaf}-USA.34_1-{aq}", "USA.34_1", "USA", "United States", STATE_NAME,
                         _r(total * frac * afrac, 3), raw, _r(score, 6), cat, lab])
    return rows


STATIONS_COLUMNS = ["file", "usaf", "station_name", "state", "utc_offset_h", "latitude", "longitude", "elevation_m"]
#: Header line 1 of pvlib's 723170TYA.CSV (real NREL TMY3 metadata for Greensboro, NC).
STATIONS_ROWS = [
    ["pvlib:723170TYA.CSV", "723170", "GREENSBORO PIEDMONT TRIAD INT", "NC", "-5.0", "36.1", "-79.95", "273.0"],
]


LAYERS_TOML = """\
# Embedded SYNTHETIC sample region around Greensboro, North Carolina (35.6-36.6 N, 80.6-79.2 W).
# Not real infrastructure: written by scripts/make_sample.py (fixed seed). Only the weather is real
# (pvlib's Greensboro TMY3 file). Paths are relative to this file; "pvlib:NAME" in stations.csv
# means the file NAME in pvlib's data folder.
synthetic = true
name = "Synthetic sample region (not real infrastructure)"

[layers.transmission]
path = "transmission.geojson"
format = "hifld_transmission"

[layers.substations]
path = "substations.geojson"
format = "hifld_substations"

[layers.pipelines]
path = "pipelines.geojson"
format = "hifld_natgas_pipelines"

[layers.gas_facilities]
path = "gas_facilities.geojson"
format = "hifld_natgas_facilities"

[layers.plants]
path = "plants.geojson"
format = "eia860_generators"

[layers.datacenters]
path = "datacenters.geojson"
format = "im3_datacenters"

[layers.states]
path = "states.geojson"
format = "census_states"

[layers.counties]
path = "counties.geojson"
format = "census_counties"

[layers.water_use]
path = "water_use.csv"
format = "usgs_water_use_2015"

[layers.water_stress]
path = "water_stress.csv"
format = "aqueduct40_table"

[layers.nonattainment]
path = "phistory.csv"
format = "greenbook_phistory"

[layers.weather_stations]
path = "stations.csv"
format = "tmy3_stations"
"""

README = """\
# Embedded sample region — SYNTHETIC (not real infrastructure)

A small invented region around Greensboro, North Carolina (35.6–36.6 N, 80.6–79.2 W) so that the
demo, the tests and a first-time user can run every workflow without downloading anything.
**Every record is invented** by `scripts/make_sample.py` (fixed seed {seed}); loaders mark these layers
`synthetic=True` with the name "{name}". Do not use them for decisions.
The one real input is the weather: the `weather_stations` role points to the NREL TMY3 file for
Greensboro Piedmont Triad Intl (USAF 723170) that pvlib ships (`pvlib/data/723170TYA.CSV`).

Regenerate with `python scripts/make_sample.py` (check with `--check`). Layers use the same raw
formats as the real sources, so the same loaders read both:

| file | role | imitates (raw schema of) | what is in it |
|---|---|---|---|
| `transmission.geojson` | transmission | HIFLD Electric Power Transmission Lines (OBJECTID, ID, TYPE, STATUS, OWNER, VOLTAGE, VOLT_CLASS, SUB_1, SUB_2, ...) | {n_lines} lines: 500, 345, 230, 115 kV; two with VOLTAGE -999999, one VOLT_CLASS "NOT AVAILABLE" |
| `substations.geojson` | substations | HIFLD substations as packaged in `substations_us_hifld` (hifld_id, name, max_kv, min_kv, kv_range, text fields) | {n_subs} substations, some with unknown kV or empty name |
| `pipelines.geojson` | pipelines | HIFLD/EIA natural gas pipelines as packaged (pipe_type, operator, name) | 2 interstate, 1 intrastate |
| `gas_facilities.geojson` | gas_facilities | HIFLD/EIA gas facility points (fac_type, name, operator, state, status, detail) | storage field, LNG peak shaver |
| `plants.geojson` | plants | EIA-860 generators as packaged (plant_code, plant_name, technology, energy_source, nameplate_mw, ...) | gas peaker (2 units), coal plant retiring 2028, solar, proposed combined cycle |
| `datacenters.geojson` | datacenters | IM3 Open Source Data Center Atlas centroids (state_abb, county, operator, name, sqft, type) | 2 |
| `states.geojson`, `counties.geojson` | states, counties | Census cartographic boundaries (STATEFP, COUNTYFP, GEOID, NAME, ALAND, AWATER, ...) | the region as one "state" (NC codes) and 6 counties, GEOID 37901–37906 (codes that do not exist in NC) |
| `water_use.csv` | water_use | USGS county water use 2015 `usco2015v2.0.csv` (Mgal/d columns such as `TO-Wtotl`, `PS-WFrTo`) | 6 counties; one `--` (not available) value |
| `water_stress.csv` | water_stress | WRI Aqueduct 4.0 baseline annual table (string_id, gid_1, area_km2, bws_raw, bws_score, bws_cat, bws_label) | 2 invented sub-basins x 2 aquifer units |
| `phistory.csv` | nonattainment | EPA Green Book `phistory` (pollutant, fips_state, fips_cnty, pw_1992..pw_2021; UTF-8 BOM) plus a `classification` column | one county in 2015-ozone nonattainment (Marginal) since 2018; one county partly in the revoked 1997-ozone area 2004-2014 |
| `stations.csv` | weather_stations | `weather_tmy3_selected/stations.csv` (file, usaf, station_name, state, utc_offset_h, latitude, longitude, elevation_m) | Greensboro; `file` = `pvlib:723170TYA.CSV` |
| `layers.toml` | — | layer set: `[layers.<role>] path, format` | |
"""


def build(out: Path) -> list[Path]:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    county_feats, cells = make_counties(rng)
    files = {
        "counties.geojson": ("cb_sample_county", county_feats),
        "states.geojson": ("cb_sample_state", make_state(cells)),
        "substations.geojson": ("substation_hifld", make_substations()),
        "transmission.geojson": ("Electric_Power_Transmission_Lines", make_transmission(rng)),
        "pipelines.geojson": ("hifld-natgas-lines", make_pipelines(rng)),
        "gas_facilities.geojson": ("hifld_natgas_points", make_gas_facilities()),
        "plants.geojson": ("eia_generators", make_plants()),
        "datacenters.geojson": ("im3_datacenter_centroids", make_datacenters(cells)),
    }
    written = []
    for fname, (name, feats) in files.items():
        _write_geojson(out / fname, name, feats)
        written.append(out / fname)
    _write_csv(out / "water_use.csv", USGS_COLUMNS, make_water_use(rng, cells))
    _write_csv(out / "water_stress.csv", AQUEDUCT_COLUMNS, make_aqueduct(rng, cells))
    _write_csv(out / "phistory.csv", PHISTORY_COLUMNS, make_phistory(cells), bom=True)
    _write_csv(out / "stations.csv", STATIONS_COLUMNS, STATIONS_ROWS)
    (out / "layers.toml").write_text(LAYERS_TOML, encoding="utf-8")
    (out / "README.md").write_text(
        README.format(seed=SEED, name=SYNTHETIC_NAME, n_lines=len(LINES), n_subs=len(SUBSTATIONS)), encoding="utf-8"
    )
    written += [out / n for n in ("water_use.csv", "water_stress.csv", "phistory.csv", "stations.csv", "layers.toml",
                                  "README.md")]
    return written


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT, help="output folder (default: gis_data/sample)")
    p.add_argument("--check", action="store_true", help="build into a temporary folder and compare with --out")
    args = p.parse_args(argv)
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            new = build(Path(tmp))
            diff = [f.name for f in new if not (args.out / f.name).exists()
                    or (args.out / f.name).read_bytes() != f.read_bytes()]
        if diff:
            print("sample differs from the generator: " + ", ".join(diff), file=sys.stderr)
            return 1
        print("sample matches the generator")
        return 0
    files = build(args.out)
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files, {size / 1024:.1f} KiB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
