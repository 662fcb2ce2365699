"""Benchmark translator: the SemiAnalysis reference case and like-for-like scope rules."""

import csv

import pytest

from models import benchmarks as bm
from models.errors import ConfigError, UnknownNameError
from models.units import GAL_PER_M3, M3_PER_ACRE_FT, M_PER_FT


def test_catalog_rows_cite_their_source():
    for b in bm.benchmarks().values():
        assert b.source and b.source_url.startswith("http"), b.key
        assert b.water_scope in bm.WATER_SCOPES
        assert b.gal_per_unit > 0


@pytest.mark.shared_data
def test_catalog_values_match_the_reference_rows(shared_reference):
    # Every catalog row is a copy of a reference row (same item, value, source).
    text = (shared_reference / "water_benchmarks.csv").read_text(encoding="utf-8")
    ref = {r["item"]: r for r in csv.DictReader(text.splitlines())}
    for b in bm.benchmarks().values():
        if not b.in_reference:
            # rows this catalog adds (e.g. almond acres) cite their own source and are not in the reference set
            assert b.item not in ref, b.key
            continue
        r = ref[b.item]
        assert r["source"] == b.source and r["source_url"] == b.source_url
        if r["value"]:
            assert float(r["value"]) == pytest.approx(b.value, rel=1e-12)


def test_semianalysis_reference_case_in_n_out():
    # SemiAnalysis 'From Tokens to Burgers': 346 M gal/yr = 2.35 In-N-Out restaurants at 147 M gal/yr,
    # each 600,000 burgers x 245 gal. rtol 5e-3: the published ratio is rounded to 2.35.
    assert bm.equivalent_count(346e6, "blue_consumption", "in_n_out_restaurant") == pytest.approx(2.35, rel=5e-3)
    # consistency of the source's own numbers: 600,000 x 245 gal = 147 M gal (exact)
    assert 600_000 * bm.benchmark("double_double_burger").gal_per_unit == pytest.approx(
        bm.benchmark("in_n_out_restaurant").gal_per_unit, rel=1e-12
    )


def test_derived_unit_conversions():
    # Hand conversions: 2,700 L / 3.785411784 = 713.3 gal (reference note says ~713);
    # alfalfa midpoint 4.885 acre-ft x 325,851 gal = 1.5918 M gal (reference: 325,851 gal per acre-foot).
    assert bm.benchmark("cotton_tshirt").gal_per_unit == pytest.approx(713.3, rel=1e-3)  # 4 significant digits
    assert bm.benchmark("alfalfa_acre_low_desert").gal_per_unit == pytest.approx(4.885 * 325_851, rel=1e-5)
    assert bm.benchmark("person_public_supply").gal_per_unit == pytest.approx(138 * 365, rel=1e-12)


def test_blue_benchmark_never_compared_with_total_footprint():
    with pytest.raises(ConfigError, match="like with like"):
        bm.equivalent_count(1e6, "blue_consumption", "cotton_tshirt")
    with pytest.raises(ConfigError, match="like with like"):
        bm.equivalent_count(1e6, "withdrawal", "in_n_out_restaurant")
    with pytest.raises(ConfigError):
        bm.equivalent_count(1e6, "total_footprint", "in_n_out_restaurant")


def test_translate_pairs_each_benchmark_with_the_matching_site_metric():
    t = bm.translate(100e6, 150e6)
    assert not t.empty and t["like_for_like"].all()
    assert set(t["water_scope"]) == {"blue_consumption", "withdrawal"}
    for _, row in t.iterrows():
        expected_site = 100e6 if row["water_scope"] == "blue_consumption" else 150e6
        assert row["site_gal"] == expected_site
        assert row["count"] == pytest.approx(expected_site / row["gal_per_unit"], rel=1e-12)
    golf = t[t["key"].str.startswith("golf")]
    # no region named: the national total, plus each region's average facility for a per-course scale
    assert list(golf["key"]) == ["golf_facility_southwest", "golf_facility_upper_west_mountain", "golf_facility_northeast",
                                 "golf_us_all_facilities_2020"]


def test_translate_without_withdrawal_skips_withdrawal_benchmarks_and_flags_other_scopes():
    t = bm.translate(100e6, include_other_scopes=True)
    assert "household_family_of_four" not in set(t["key"])
    other = t[~t["like_for_like"]]
    assert set(other["water_scope"]) == {"blue_green_consumption", "total_footprint"}
    assert other["caveat"].str.contains("not like for like").all()
    assert (t[t["like_for_like"]]["caveat"] == "").all()


def test_unknown_key_lists_valid():
    with pytest.raises(UnknownNameError, match="in_n_out_restaurant"):
        bm.benchmark("big_mac")


def test_almond_acre_applied_water_hand_conversion():
    # Goldhamer & Fereres (2017): maximum yield at 1250 mm of applied water per season.
    # Hand calculation: 1.25 m x 4046.8564224 m2/acre (NIST SP 811) = 5058.57 m3
    # / 0.003785411784 m3/gal = 1,336,333 gal per acre per year.
    # rtol 1e-5: the catalog stores gal_per_unit to 6 significant digits.
    b = bm.benchmark("almond_acre_applied")
    assert b.gal_per_unit == pytest.approx(1.25 * 4046.8564224 / 0.003785411784, rel=1e-5)
    assert b.gal_per_unit == pytest.approx(1.25 * M3_PER_ACRE_FT / M_PER_FT * GAL_PER_M3, rel=1e-5)
    assert b.water_scope == "withdrawal" and "blue" in b.reference_water_type and "applied" in b.reference_water_type
    assert not b.in_reference and b.source_url.startswith("https://doi.org/")


def test_almond_acres_for_the_reference_case():
    # SemiAnalysis reference case, 400 MW hybrid: ~346 M gal/yr. Taken as the site's withdrawal
    # (applied irrigation is compared with withdrawal), hand calculation:
    # 346e6 gal / 1,336,333 gal per acre = 258.9 acres of almonds.
    # rtol 1e-4: the hand figure is rounded to 4 significant digits.
    assert bm.equivalent_count(346e6, "withdrawal", "almond_acre_applied") == pytest.approx(258.9, rel=1e-4)
    t = bm.translate(300e6, 346e6).set_index("key")
    row = t.loc["almond_acre_applied"]
    assert row["site_metric"] == "withdrawal" and row["site_gal"] == 346e6 and row["like_for_like"]
    assert row["count"] == pytest.approx(258.9, rel=1e-4)


def test_almonds_blue_only_compared_with_blue():
    # Applied (blue) almond water is never set against the site's consumption, and the per-nut
    # total footprint (green + blue + grey) is never like for like with any site figure.
    with pytest.raises(ConfigError, match="like with like"):
        bm.equivalent_count(346e6, "blue_consumption", "almond_acre_applied")
    for scope in ("blue_consumption", "withdrawal"):
        with pytest.raises(ConfigError, match="like with like"):
            bm.equivalent_count(346e6, scope, "almond_nut")
    t = bm.translate(346e6)  # withdrawal unknown: no almond acres rather than acres against consumption
    assert "almond_acre_applied" not in set(t["key"]) and "almond_nut" not in set(t["key"])
    flagged = bm.translate(346e6, 400e6, include_other_scopes=True).set_index("key")
    assert not flagged.loc["almond_nut", "like_for_like"]
    assert flagged.loc["almond_acre_applied", "like_for_like"]
    # every like-for-like row pairs a blue benchmark with the matching blue site figure
    like = flagged[flagged["like_for_like"]]
    assert set(like["water_scope"]) <= {"blue_consumption", "withdrawal"}


# -- golf: regional where the site's region is known, national otherwise ------------------------


def test_golf_national_figure_by_default_and_it_says_why():
    # Reference: US golf facilities applied 1.68 million acre-ft in 2020 = 547 billion gal
    # (x 325,851 gal per acre-foot). rtol 1e-3: the reference rounds the gallons to 547.0 billion.
    b, note = bm.golf_benchmark()
    assert b.key == "golf_us_all_facilities_2020"
    assert b.gal_per_unit == pytest.approx(1.68e6 * 325_851, rel=1e-3)
    assert b.gal_per_unit == pytest.approx(1.68e6 * M3_PER_ACRE_FT * GAL_PER_M3, rel=1e-3)
    assert "regional golf figure not used: no published state list for the GCSAA regions found" in note
    row = bm.translate(300e6, 400e6).set_index("key").loc["golf_us_all_facilities_2020"]
    # like for like: golf irrigation is applied (withdrawn) water, set against the site's withdrawal
    assert row["water_scope"] == "withdrawal" and row["site_metric"] == "withdrawal" and row["site_gal"] == 400e6
    assert row["count"] == pytest.approx(400e6 / 547e9, rel=1e-12)
    assert bm.GOLF_REGION_NOT_USED in row["note"]
    # each regional row says it is another region's average course, not the site's region
    # (Northeast: 13.8 million gal per facility per year, GCSAA 2005 data, from the reference)
    ne = bm.translate(300e6, 400e6).set_index("key").loc["golf_facility_northeast"]
    assert ne["count"] == pytest.approx(400e6 / 13.8e6, rel=1e-12) and ne["region"] == "Northeast"
    assert "not known" in ne["note"] and "Northeast region" in ne["note"]


def test_golf_region_named_by_the_caller_gets_that_regions_figure():
    # Reference (GCSAA GCEP, 2005 data): Southwest 149.5, Upper West/Mountain 97.9, Northeast 13.8 M gal per facility.
    t = bm.translate(300e6, 149.5e6, golf_region="Southwest").set_index("key")
    golf = t[t.index.str.startswith("golf")]
    assert list(golf.index) == ["golf_facility_southwest"]  # the regional row replaces the national one
    assert golf.loc["golf_facility_southwest", "count"] == pytest.approx(1.0, rel=1e-12)
    assert golf.loc["golf_facility_southwest", "site_metric"] == "withdrawal"
    assert "GCSAA Southwest region" in golf.loc["golf_facility_southwest", "note"]
    assert bm.golf_benchmark("Northeast")[0].gal_per_unit == 13.8e6
    assert set(bm.golf_regions()) == {"Southwest", "Upper West/Mountain", "Northeast"}
    with pytest.raises(UnknownNameError, match="Upper West/Mountain"):
        bm.golf_benchmark("Pacific")  # a GCSAA region the reference has no per-facility figure for
    # like for like stays enforced: golf is never set against consumption
    with pytest.raises(ConfigError, match="like with like"):
        bm.equivalent_count(1e6, "blue_consumption", "golf_facility_southwest")

