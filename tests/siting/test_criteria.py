"""Criteria on hand-placed synthetic layers (distances known by hand, see synthetic_layers.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gis_data.layerset import FrameLayers
from siting import criteria as C
from gis_data.queue import queue_waits
from siting.errors import CRSError, UnknownNameError
from siting.scenario import Scenario

_spec = importlib.util.spec_from_file_location("synthetic_layers", Path(__file__).with_name("synthetic_layers.py"))
SL = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SL)

SCN = Scenario()
# Distances below come from exact planar geometry in EPSG:5070 after a 5070->4326->5070 round trip
# (pyproj inverse/forward agree to ~1e-9 m), so rtol=1e-6 only absorbs that round trip.
RTOL = 1e-6


def _sites(offsets=((0, 0),)):
    t = SL.sites(offsets)
    g = gpd.GeoDataFrame(t, geometry=gpd.points_from_xy(t.longitude_deg, t.latitude_deg), crs="EPSG:4326")
    g["it_load_mw"] = np.nan
    return g.to_crs("EPSG:5070")


@pytest.fixture(scope="module")
def layers():
    return FrameLayers(SL.frames(), synthetic=True)


def test_grid_hand_distances(layers):
    g = C.grid(_sites(), layers, SCN)
    np.testing.assert_allclose(g["distance_to_line_230kv_km"], [2.0], rtol=RTOL)  # 230 kV line 2 km west
    np.testing.assert_allclose(g["distance_to_line_345kv_km"], [7.0], rtol=RTOL)  # 345 kV line 7 km south
    np.testing.assert_allclose(g["distance_to_line_500kv_km"], [10.0], rtol=RTOL)  # NaN kV, class "500": 10 km east
    np.testing.assert_allclose(g["distance_to_substation_km"], [5.0], rtol=RTOL)  # 3 east, 4 north; 69 kV one ignored
    assert g["substation_max_voltage_kv"].iloc[0] == 230.0
    assert g["interconnection_wait_months"].iloc[0] == 55.0  # LBNL Queued Up 2025 national median (catalog)
    assert g["balancing_authority"].isna().all()  # no balancing-authority layer: missing, not invented


def test_gas_hand_distances_and_deliverability(layers):
    g = C.gas(_sites(), layers, SCN)
    np.testing.assert_allclose(g["distance_to_pipeline_km"], [1.5], rtol=RTOL)
    np.testing.assert_allclose(g["distance_to_interstate_pipeline_km"], [6.0], rtol=RTOL)
    np.testing.assert_allclose(g["distance_to_intrastate_pipeline_km"], [1.5], rtol=RTOL)
    assert g["pipeline_operator"].iloc[0] == "Intra Gas"
    # the lateral is costed once, by the site chain (models.site_costs.gas_lateral_cost), not here
    assert "gas_lateral_cost_usd" not in g.columns
    # 200 + 100 MW operating NG units name "Intra Gas" ("Co", "COMPANY LLC; OTHER PL" spellings); the retired 100 MW does not count
    assert g["pipeline_served_gas_capacity_mw"].iloc[0] == 300.0
    np.testing.assert_allclose(g["distance_to_gas_facility_km"], [8.0], rtol=RTOL)
    assert g["gas_facility_type"].iloc[0] == "storage"


def test_location_air_land(layers):
    s = _sites([(0, 0), (30, 0), (100, 0)])
    loc = C.location(s, layers, SCN)
    assert loc["county_fips"].tolist()[:2] == ["99001", "99002"]
    assert pd.isna(loc["county_fips"].iloc[2])  # outside every county
    a = C.air(s, layers, SCN)
    # 99001: current 2015-ozone Marginal; 99002: only a revoked standard -> attainment; outside: unknown
    assert a["nonattainment_status"].iloc[0] == "marginal"
    assert a["nonattainment_status"].iloc[1] == "attainment"
    assert pd.isna(a["nonattainment_status"].iloc[2])
    land = C.land(s, layers, SCN)
    np.testing.assert_allclose(land["distance_to_datacenter_km"].iloc[0], 0.5, rtol=RTOL)
    np.testing.assert_allclose(land["distance_to_power_plant_km"].iloc[0], 8.0, rtol=RTOL)


def test_missing_layers_give_empty_columns():
    g = C.evaluate(_sites(), FrameLayers({}), SCN)
    assert g["distance_to_substation_km"].isna().all()
    assert g["pipeline_operator"].isna().all()
    assert g["nonattainment_status"].isna().all()


def test_evaluate_water_needs_wue(layers):
    out = C.evaluate(_sites(), layers, SCN)
    # county A's withdrawals join; without a weather station there is no WUE, so no consumption
    assert out["county_withdrawal_total_gal_per_day"].iloc[0] == 10e6
    assert np.isnan(out["site_water_consumption_gal_per_yr"].iloc[0])
    assert not out.columns.duplicated().any()


def _greensboro_station() -> gpd.GeoDataFrame:
    """The Greensboro TMY3 station that pvlib ships (real weather), placed 10 km north of the fixture origin."""
    import pvlib

    path = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    if not path.exists():
        pytest.skip("pvlib's Greensboro TMY3 file is not installed")
    lon, lat = SL.lonlat(0, 10)
    return gpd.GeoDataFrame(
        {"station_id": ["723170"], "station_name": ["GSO"], "state_abbr": ["NC"], "elevation_m": [273.0], "path": ["pvlib:723170TYA.CSV"]},
        geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326",
    )


def test_climate_from_real_tmy3_station(layers):
    # Greensboro TMY3 shipped with pvlib (real weather); the hottest hour is read from the file itself.
    st = _greensboro_station()
    frames = SL.frames() | {"weather_stations": st}
    sites = _sites([(0, 0), (0, 20)])
    sites["it_load_mw"] = [np.nan, 200.0]
    out = C.evaluate(sites, FrameLayers(frames), SCN)
    # geodesic distance on the WGS84 ellipsoid (pyproj.Geod, an independent computation); the station sits 10 km
    # north of the fixture origin in EPSG:5070, so about 10 km by Albers' < 1 % scale error
    from pyproj import Geod

    slon, slat = SL.lonlat(0, 10)
    hand = [Geod(ellps="WGS84").inv(*SL.lonlat(0, y), slon, slat)[2] / 1000.0 for y in (0, 20)]
    np.testing.assert_allclose(out["distance_to_weather_station_km"], hand, rtol=1e-9)
    np.testing.assert_allclose(out["distance_to_weather_station_km"], [10.0, 10.0], rtol=0.01)
    from gis_data.weather import load_weather

    from models import cooling as cl

    weather = load_weather("pvlib:723170TYA.CSV")
    assert out["max_temp_air_degc"].iloc[0] == pytest.approx(weather["temp_air_degc"].max(), rel=1e-12)  # same file
    assert 1.0 < out["cooling_pue_annual"].iloc[0] < 1.5
    # facility peak = IT load x the highest hourly facility MW per MW of IT of the same weather and cooling design
    peak = cl.hourly_cooling(weather, 1.0, SCN.cooling)["facility_power_mw"].max()
    np.testing.assert_allclose(out["facility_peak_load_mw"], [100.0 * peak, 200.0 * peak], rtol=1e-12)
    # site consumption = WUE x IT energy: 100 MW x 8760 h x 1000 kWh/MWh x WUE / 3.785411784 L/gal
    wue = out["wue_consumption_l_per_kwh"].iloc[0]
    np.testing.assert_allclose(out["site_water_consumption_gal_per_yr"].iloc[0], wue * 100 * 8760 * 1000 / 3.785411784, rtol=1e-9)


def test_geographic_sites_rejected(layers):
    s = _sites().to_crs("EPSG:4326")
    with pytest.raises(CRSError, match="EPSG:5070"):
        C.grid(s, layers, SCN)


def test_unknown_criterion(layers):
    with pytest.raises(UnknownNameError, match="expected one of"):
        C.evaluate(_sites(), layers, SCN, include=("gird",))


def test_grid_cascade_and_threads_match_brute_force(monkeypatch):
    # Independent check of the voltage cascade, the pipe-type split and the threaded slices:
    # shapely.distance to every line of each class, minimum per site, on 30,000 random sites.
    import shapely

    import gis_data.nearest as X

    rng = np.random.default_rng(5)
    frames = SL.frames()
    n_lines = 60
    starts = np.array([SL.km(*xy) for xy in rng.uniform(-60, 60, size=(n_lines, 2))])
    ends = starts + rng.normal(0, 15_000, size=(n_lines, 2))
    kv = rng.choice([115.0, 230.0, 345.0, 500.0, np.nan], size=n_lines)
    geoms = [SL.to4326(shapely.LineString([tuple(a), tuple(b)])) for a, b in zip(starts, ends)]
    cls = np.where(np.isnan(kv), "345", "x")
    tx = gpd.GeoDataFrame({"line_id": [str(i) for i in range(n_lines)], "voltage_kv": kv, "volt_class": cls,
                           "is_dc": False, "owner": "o", "status": "s"}, geometry=geoms, crs="EPSG:4326")
    frames["transmission"] = tx
    offsets = rng.uniform(-50, 50, size=(30_000, 2))
    sites = _sites([tuple(o) for o in offsets])
    monkeypatch.setattr(X, "THREADS", 2)
    g = C.grid(sites, FrameLayers(frames), SCN)
    gas = C.gas(sites, FrameLayers(frames), SCN)
    txp = tx.to_crs("EPSG:5070")
    eff = np.where(np.isnan(kv), 345.0, kv)
    d_all = shapely.distance(sites.geometry.to_numpy()[:, None], txp.geometry.to_numpy()[None, :]) / 1000
    for c in (230, 345, 500):
        # exact geometry on both sides; rtol only absorbs float round-off
        np.testing.assert_allclose(g[f"distance_to_line_{c}kv_km"], d_all[:, eff >= c].min(axis=1), rtol=1e-9)
    pp = frames["pipelines"].to_crs("EPSG:5070")
    d_p = shapely.distance(sites.geometry.to_numpy()[:, None], pp.geometry.to_numpy()[None, :]) / 1000
    np.testing.assert_allclose(gas["distance_to_interstate_pipeline_km"], d_p[:, 0], rtol=1e-9)
    np.testing.assert_allclose(gas["distance_to_intrastate_pipeline_km"], d_p[:, 1], rtol=1e-9)
    np.testing.assert_allclose(gas["distance_to_pipeline_km"], d_p.min(axis=1), rtol=1e-9)
    threaded = C.location(sites, FrameLayers(frames), SCN)
    monkeypatch.setattr(X, "THREADS", 1)
    pd.testing.assert_frame_equal(threaded, C.location(sites, FrameLayers(frames), SCN))
    # by hand: counties A and B tile x -20..60 km, y -20..20 km around the origin
    inside = (offsets[:, 0] > -20) & (offsets[:, 0] < 60) & (np.abs(offsets[:, 1]) < 20)
    np.testing.assert_array_equal(threaded["county_fips"].notna().to_numpy(), inside)


# -- interconnection wait from queue statistics ------------------------------------------------

DAYS_PER_MONTH = 365.25 / 12  # Julian year / 12 (models.units.DAYS_PER_MONTH)


def _ercot_queue():
    """7 projects: Alpha (zone NORTH) 5, Beta (zone WEST) 2; days from the earliest milestone to COD."""
    t0 = pd.Timestamp("2020-01-01")
    days = [365, 730, 1095, 1461, 1826, 600, 800]
    q = pd.DataFrame({
        "project_id": [f"P{i}" for i in range(7)], "project_name": "p", "capacity_mw": 100.0, "fuel": "GAS",
        "county_name": ["Alpha"] * 5 + ["Beta"] * 2, "state_abbr": "NC", "status": "s",
        "cdr_zone": ["NORTH"] * 5 + ["WEST"] * 2,
        "screening_study_start": [t0] * 7,
        # project P5 requested its full study 31 days before its screening study started: the earlier date counts
        "fis_requested": [pd.NaT] * 5 + [t0 - pd.Timedelta(days=31), pd.NaT],
        "projected_cod": [t0 + pd.Timedelta(days=d) for d in days],
    })
    q.attrs["source"] = {"name": "ERCOT Generator Interconnection Status report (Large Gen)", "vintage": "2025-11"}
    return q


def _ba(code: str, *squares):
    from shapely.ops import unary_union

    geom = unary_union([SL._square(*sq) for sq in squares])
    return gpd.GeoDataFrame({"ba_code": [code], "ba_name": ["test"]}, geometry=[SL.to4326(geom)], crs="EPSG:4326")


def test_interconnection_wait_ercot_county_zone_region_national():
    frames = SL.frames() | {"queue": _ercot_queue(), "balancing_authorities": _ba("ERCO", (-20, -20, 40, 20), (90, -10, 110, 10))}
    s = _sites([(0, 0), (30, 0), (50, 0), (100, 0)])
    out = C.evaluate(s, FrameLayers(frames), SCN, include=("location", "grid"))
    # Hand (days / 30.4375):
    #  S0 Alpha, 5 projects (>= 5): median of 365, 730, 1095, 1461, 1826 d = 1095 d
    #  S1 Beta (in ERCO), 2 projects (< 5): zone WEST median of 631 (600 + 31, FIS request earlier) and 800 d = 715.5 d
    #  S2 Beta but outside the ERCO polygon: national median 55 months (catalog)
    #  S3 in ERCO, outside every county: ERCOT-wide median of 365, 631, 730, 800, 1095, 1461, 1826 d = 800 d
    expected = [1095 / DAYS_PER_MONTH, 715.5 / DAYS_PER_MONTH, 55.0, 800 / DAYS_PER_MONTH]
    # dates are whole days and the arithmetic is the same division: rtol only absorbs float round-off
    np.testing.assert_allclose(out["interconnection_wait_months"], expected, rtol=1e-12)
    basis = out["interconnection_wait_basis"].tolist()
    assert basis[0] == "ERCOT GIS report 2025-11, county Alpha median of 5 projects (earliest study milestone to projected COD)"
    assert basis[1].startswith("ERCOT GIS report 2025-11, CDR zone WEST median of 2 projects")
    assert basis[2].startswith("LBNL Queued Up national median")
    assert basis[3].startswith("ERCOT GIS report 2025-11, ERCOT-wide median of 7 projects")


def test_queue_waits_without_ba_layer_apply_to_texas_and_grid_computes_location():
    q = _ercot_queue()
    q["state_abbr"] = "TX"
    frames = SL.frames()
    frames["counties"] = frames["counties"].assign(state_abbr="TX")
    frames["queue"] = q
    out = C.grid(_sites([(0, 0)]), FrameLayers(frames), SCN)  # no context given: grid finds the county itself
    np.testing.assert_allclose(out["interconnection_wait_months"], [1095 / DAYS_PER_MONTH], rtol=1e-12)
    w = queue_waits(q, frames["counties"], has_ba_layer=False)
    assert [k for k, _, _ in w.levels] == ["balancing_authority", "state_abbr", "county_fips", "county_fips"]


def test_interconnection_wait_lbnl_realised_by_state_and_iso_region():
    # Hand: NC projects online after 12, 24, 36, 48, 60 x 30.4375 d -> state median 36 months;
    # PJM-region rows: those five plus three VA rows (10, 20, 30 months) -> region median of 8 = (24 + 30) / 2 = 27 months
    t0 = pd.Timestamp("2015-01-01")
    months = [12, 24, 36, 48, 60, 10, 20, 30]
    q = pd.DataFrame({
        "project_id": [str(i) for i in range(8)], "project_name": "p", "capacity_mw": 50.0, "fuel": "Solar",
        "county_name": "Alpha", "state_abbr": ["NC"] * 5 + ["VA"] * 3, "status": "operational", "region": "PJM",
        "queue_date": [t0] * 8, "online_date": [t0 + pd.Timedelta(days=m * DAYS_PER_MONTH) for m in months],
    })
    q.attrs["source"] = {"vintage": "data through 2024"}
    frames = SL.frames() | {"queue": q, "balancing_authorities": _ba("PJM", (-20, -20, 200, 20))}
    frames["counties"] = pd.concat([frames["counties"], gpd.GeoDataFrame(
        {"county_fips": ["51001"], "state_fips": ["51"], "county_name": ["Gamma"], "state_abbr": ["VA"]},
        geometry=[SL.to4326(SL._square(100, -20, 140, 20))], crs="EPSG:4326")], ignore_index=True)
    out = C.evaluate(_sites([(0, 0), (120, 0), (300, 0)]), FrameLayers(frames), SCN, include=("location", "grid"))
    # timedelta keeps microseconds: rtol 1e-9 absorbs that rounding (1 us in ~1e8 s)
    np.testing.assert_allclose(out["interconnection_wait_months"], [36.0, 27.0, 55.0], rtol=1e-9)
    assert out["interconnection_wait_basis"].iloc[0] == (
        "LBNL Queued Up data through 2024, NC median of 5 projects reaching COD (queue date to online date)")
    assert "PJM median of 8 projects" in out["interconnection_wait_basis"].iloc[1]  # VA has only 3: the region's


def test_queue_without_dates_falls_back_to_national(caplog):
    q = _ercot_queue().drop(columns=["screening_study_start", "fis_requested", "projected_cod"])
    out = C.grid(_sites(), FrameLayers(SL.frames() | {"queue": q}), SCN)
    assert out["interconnection_wait_months"].iloc[0] == 55.0
    assert out["interconnection_wait_basis"].iloc[0].startswith("LBNL Queued Up national median")
    assert "none of the dated columns" in caplog.text


@pytest.mark.shared_data
def test_interconnection_wait_on_real_ercot_report(shared_data):
    from gis_data.layerset import LayerSet
    from gis_data.nearest import PreparedLayers

    data = shared_data
    doc = {"layers": {
        "counties": {"path": str(data / "boundaries_us_census/cb_2018_us_county_20m.zip"), "format": "census_counties"},
        "balancing_authorities": {"path": str(data / "grid_regions_us_hifld/control_areas.geojson.gz"), "format": "hifld_control_areas"},
        "queue": {"path": str(data / "interconnection_queue_ercot/ercot_gis_report_2025-11_large_gen.csv"), "format": "ercot_gis_report"},
    }}
    L = PreparedLayers(LayerSet.from_dict(doc, base_dir=data))
    pts = {"Odessa": (-102.37, 31.85), "El Paso": (-106.44, 31.76), "Atlanta": (-84.39, 33.75)}
    g = gpd.GeoDataFrame({"site_id": list(pts)}, geometry=gpd.points_from_xy(*zip(*pts.values())), crs="EPSG:4326").to_crs("EPSG:5070")
    out = C.evaluate(g, L, SCN, include=("location", "grid"))
    # Independent check straight from the CSV (pandas, not the loader): Ector County's projects, months from
    # the earlier of "Screening Study Started" and "FIS Requested" to "Projected COD".
    raw = pd.read_csv(data / "interconnection_queue_ercot/ercot_gis_report_2025-11_large_gen.csv", dtype=str)
    start = pd.concat([pd.to_datetime(raw["Screening Study Started"]), pd.to_datetime(raw["FIS Requested"])], axis=1).min(axis=1)
    m = (pd.to_datetime(raw["Projected COD"]) - start).dt.days / DAYS_PER_MONTH
    ector = m[raw["County"].str.strip() == "Ector"]
    assert len(ector) >= 5
    assert out["interconnection_wait_months"].iloc[0] == pytest.approx(ector.median(), rel=1e-12)  # same median
    assert out["interconnection_wait_basis"].iloc[0] == (
        f"ERCOT GIS report 2025-11, county Ector median of {len(ector)} projects (earliest study milestone to projected COD)")
    # El Paso is in Texas but not in ERCOT (El Paso Electric, WECC); Atlanta is far outside: national median
    assert out["interconnection_wait_months"].iloc[1] == 55.0 and out["interconnection_wait_months"].iloc[2] == 55.0


# -- CO2 of the behind-the-meter gas supply ------------------------------------------------------

# GE LM6000PF in models/catalogs/prime_movers.csv: 46.5 MW ISO, 8,144 Btu/kWh LHV; HHV/LHV = 39.8/36.0
# (models.units); EIA 117.0 lb CO2/MMBtu HHV; 0.45359237 kg/lb.
LM6000_HR_HHV = 8144.0 * 39.8 / 36.0


def _iso_year():
    """A year at ISO conditions (15 degC, sea-level pressure, 60 % RH, no sun or wind) and its climate."""
    from siting.chain.climate import climate_of, station_from_weather
    from siting.chain.resolved import resolve

    idx = pd.date_range("2021-01-01", periods=8760, freq="h", tz="UTC")
    w = pd.DataFrame({"temp_air_degc": 15.0, "temp_dew_degc": 7.3, "relative_humidity_pct": 60.0,
                      "pressure_pa": 101325.0, "ghi_w_per_m2": 0.0, "dni_w_per_m2": 0.0, "dhi_w_per_m2": 0.0,
                      "wind_speed_m_per_s": 0.0}, index=idx)
    return climate_of(station_from_weather(w, latitude=35.0, longitude=-90.0, elevation_m=0.0), resolve(SCN))


def test_gas_only_year_with_reserve_at_iso_by_hand():
    # 15 degC at sea level is ISO: no temperature or altitude correction. The IT load is chosen so that the
    # facility load (IT x the constant hourly PUE of this weather) is 139.5 MW (a hair under) = 3 x 46.5 MW.
    # Unit commitment holds spinning reserve for the loss of one unit: 3 units at full load leave no headroom,
    # so 4 run, each at 75 % load (4 x 46.5 - 139.5 = 46.5 MW of headroom, one unit), where the
    # aeroderivative part-load heat-rate multiplier is 1.0784 (models/catalogs/derates.csv, heat_rate_vs_load
    # 75 pct: 1/0.92730625, Buttler et al. 2015 simple-cycle curve).
    # Hand: fuel = 139.5 MW x 8760 h x 9,003.6 Btu/kWh x 1.0784 / 1000; CO2 = fuel x 117 x 0.45359237 / 1000.
    from models.reliability import size_fleet_for_target
    from siting.chain.dispatch import gas_only_year
    from siting.chain.resolved import resolve

    cl = _iso_year()
    f = float(cl.facility_mw_per_mw_it[0])
    assert np.all(cl.facility_mw_per_mw_it == f)
    it = 139.5 / f * (1.0 - 1e-12)
    year = gas_only_year(cl, resolve(SCN), altitude_m=0.0, it_load_mw=it)
    fuel = 139.5 * 8760 * LM6000_HR_HHV * 1.0784 / 1000.0
    # the same arithmetic in another order; rtol 1e-9 also absorbs the 1e-12 load offset
    assert year["fuel_mmbtu"] == pytest.approx(fuel, rel=1e-9)
    assert year["co2_tonnes"] == pytest.approx(fuel * 117.0 * 0.45359237 / 1000.0, rel=1e-9)
    assert year["reserve_short_hours"] == 0.0
    # the fleet is the least meeting the scenario's 0.9999 with the catalog's outage rates: N = 3 plus spares
    # enough that 4 units are available to commit in every hour, planned maintenance included
    unit = resolve(SCN).unit
    fleet = size_fleet_for_target(np.full(8760, 139.5), np.full(8760, 139.5), cl.temp_air_degc, unit=unit,
                                  reliability_target_frac=SCN.reliability_target_frac, min_redundancy_units=1)
    assert fleet.units_running_needed == 3 and fleet.target_met
    assert year["units_count"] == fleet.units_count
    # expected unserved energy of the dispatch = the fleet's at the same maintenance schedule (one model)
    assert year["expected_unserved_mwh"] == pytest.approx(fleet.expected_unserved_mwh_per_yr, rel=1e-9)


def test_gas_only_year_part_load_and_utilisation_by_hand():
    # A 186 MW facility at 75 % IT utilisation: 139.5 MW served; with reserve for the loss of one unit, 4 units
    # at 75 % load, where the aeroderivative part-load heat-rate multiplier is 1.0784 (models/catalogs/derates.csv,
    # heat_rate_vs_load 75 pct: 1/0.92730625, Buttler et al. 2015 simple-cycle curve).
    from siting.chain.dispatch import gas_only_year
    from siting.chain.resolved import resolve

    cl = _iso_year()
    f = float(cl.facility_mw_per_mw_it[0])
    scn = SCN.replace(it_utilization_frac=0.75)
    year = gas_only_year(cl, resolve(scn), altitude_m=0.0, it_load_mw=186.0 / f)
    hr = LM6000_HR_HHV * 1.0784
    assert year["fuel_mmbtu"] * 1000.0 / year["gas_mwh"] == pytest.approx(hr, rel=1e-9)  # catalog point
    assert year["co2_tonnes"] == pytest.approx(139.5 * 8760 * hr / 1000.0 * 117.0 * 0.45359237 / 1000.0, rel=1e-9)


def test_climate_carbon_and_station_cutoff_on_real_tmy3(layers):
    st = _greensboro_station()
    sites = _sites([(0, 0), (0, 410)])  # 10 km and 400 km from the station
    out = C.climate(sites, FrameLayers({"weather_stations": st}), SCN.replace(max_weather_station_km=300.0))
    assert out["weather_station_too_far"].tolist() == [False, True]
    assert out["co2_t_per_yr"].notna().all()  # still computed from the nearest station, only flagged
    # Identity of the definition: kg/MWh IT = annual PUE x annual heat rate [MMBtu/MWh] x 117.0 lb/MMBtu x 0.45359237
    # kg/lb, because the gas-only dispatch generates the facility energy (rtol: summation order of two annual sums)
    hand = out["cooling_pue_annual"] * out["gas_heat_rate_annual_hhv_btu_per_kwh"] / 1000.0 * 117.0 * 0.45359237
    np.testing.assert_allclose(out["co2_intensity_kg_per_mwh_it"], hand, rtol=1e-9)
    # bounds from the catalog: temperature multipliers 0.97 (0 degC) .. 1.05 (30 degC) times part load 1 .. 1.7945
    # (the turbine curve at the LM6000's 25 % minimum load)
    assert 0.97 * LM6000_HR_HHV < out["gas_heat_rate_annual_hhv_btu_per_kwh"].iloc[0] < 1.05 * 1.7945 * LM6000_HR_HHV
    none = C.climate(sites, FrameLayers({}), SCN)
    assert none["weather_station_too_far"].isna().all() and none["co2_t_per_yr"].isna().all()


# -- raster exclusion, cost and resource layers ---------------------------------------------------


def _tif(path, values, *, nodata=-9999.0, units=None):
    """A 3 x 3 GeoTIFF of 1 km cells in EPSG:5070 whose top-left corner is 1.5 km west, 1.5 km north of O."""
    import rasterio
    from affine import Affine

    x0, y0 = SL.km(-1.5, 1.5)
    with rasterio.open(path, "w", driver="GTiff", width=3, height=3, count=1, dtype="float32", crs="EPSG:5070",
                       transform=Affine(1000.0, 0.0, x0, 0.0, -1000.0, y0), nodata=nodata) as dst:
        dst.write(np.asarray(values, dtype="float32"), 1)
        if units:
            dst.update_tags(1, units=units)
            dst.units = (units,)
    return path


def test_land_samples_exclusion_cost_and_resource_rasters(tmp_path):
    # Cells by hand (row 0 north): the site at O is in the centre cell; (+1, +1) km is the north-east cell;
    # (-1, -1) km the south-west cell; (10, 0) km is outside the raster.
    excl = _tif(tmp_path / "protected areas.tif", [[0, 0, 1], [0, 0, 0], [-9999, 0, 0]])
    cost = _tif(tmp_path / "cost.tif", [[1, 2, 3], [4, 5, 6], [7, -9999, 9]])
    res = _tif(tmp_path / "ghi.tif", [[5.1, 5.2, 5.3], [5.4, 5.5, 5.6], [5.7, 5.8, 5.9]], units="kWh/m2/day")
    frames = SL.frames()
    L = FrameLayers(frames, rasters={"exclusion_raster": (excl, ""), "cost_raster": (cost, "USD/acre"), "resource_raster": (res, "")})
    s = _sites([(0, 0), (1, 1), (-1, -1), (0, -1), (10, 0)])
    out = C.land(s, L, SCN)
    assert out["excluded_by_raster"].tolist() == [False, True, pd.NA, False, pd.NA]  # nodata and outside: unknown
    assert out["exclusion_raster_name"].tolist()[:2] == [pd.NA, "protected areas.tif"]
    np.testing.assert_array_equal(out["cost_raster_value"], [5.0, 3.0, 7.0, np.nan, np.nan])  # (0,-1) is the nodata cell
    np.testing.assert_allclose(out["resource_raster_value"], [5.5, 5.3, 5.7, 5.8, np.nan], rtol=1e-6)  # float32 cells
    from siting.criteria.land import _raster
    assert _raster(L, "resource_raster")[1] == "kWh/m2/day"  # no units in the layer set: the GeoTIFF's band unit
    np.testing.assert_allclose(out["distance_to_datacenter_km"].iloc[0], 0.5, rtol=RTOL)  # setbacks unchanged
    # scored: the excluded cell is a hard exclusion naming the raster file
    from siting.profiles import load_profile
    from siting.scoring import score_table

    crit = C.evaluate(s, L, SCN)
    scored = score_table(crit, load_profile("lowest_cost"), SCN)
    assert scored["exclusion_weight_frac"].iloc[1] == 0.0
    assert "inside an excluded cell of protected areas.tif" in scored["exclusion_reason"].iloc[1]


def test_raster_roles_from_a_layer_set_with_units(tmp_path):
    from gis_data.layerset import LayerSet
    from gis_data.nearest import PreparedLayers

    _tif(tmp_path / "excl.tif", [[0, 0, 1], [0, 1, 0], [0, 0, 0]])
    _tif(tmp_path / "cost.tif", [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    doc = {"layers": {"exclusion_raster": {"path": "excl.tif", "format": "geotiff"},
                      "cost_raster": {"path": "cost.tif", "format": "geotiff", "units": "USD/acre"}}}
    ls = LayerSet.from_dict(doc, base_dir=tmp_path)
    assert ls.raster_units("cost_raster") == "USD/acre" and ls.raster_units("exclusion_raster") == ""
    assert 'units = "USD/acre"' in ls.to_toml(tmp_path)
    out = C.land(_sites([(0, 0), (-1, 1)]), PreparedLayers(ls), SCN)
    assert out["excluded_by_raster"].tolist() == [True, False]
    np.testing.assert_array_equal(out["cost_raster_value"], [5.0, 1.0])
    assert out["resource_raster_value"].isna().all()  # no resource raster: empty, not invented
    from siting.errors import ConfigError

    doc["layers"]["cost_raster"]["unit"] = "typo"
    with pytest.raises(ConfigError, match="takes keys"):
        LayerSet.from_dict(doc, base_dir=tmp_path)
