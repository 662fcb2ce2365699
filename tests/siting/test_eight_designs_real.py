"""Issue 16's acceptance designs: four real sites at 400 and 1,200 MW of IT load.

Memphis TN, Abilene TX, Harris County TX and Cheyenne WY on the real layers of ``../shared/data``.
The 400 MW designs are checked inside ``test_one_chain_real.py`` (same sites, same checks, one
design per site); this module runs the 1,200 MW designs:

* the gas fleet meets ``reliability_target_frac`` (0.9999) on the year and in the binding hour
  and says why this many spares (``design_checks.check_design``);
* the permit path is the one the county's ozone class and the potential to emit call for:
  Harris County is in the Houston-Galveston-Brazoria *severe* ozone area (40 CFR 81.344; major
  source 25 t/y of NOx, CAA 182(d)), so any fleet of this size is a nonattainment NSR major
  source; the other three counties are attainment, where ~50 LM6000 units (> 700 t/y NOx
  potential to emit with SCR) cross the 250 t/y PSD line (40 CFR 52.21(b)(1)(i)(b));
* the dispatch's reported figures equal the sums of its hourly table.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from siting.scenario import Scenario

_spec = importlib.util.spec_from_file_location("design_checks", Path(__file__).with_name("design_checks.py"))
design_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(design_checks)

#: (name, lat, lon, ozone status of the county, permit path of the gas-only fleet)
SITES = [("Memphis TN", 35.0597, -90.1532, "attainment", "psd_major"),
         ("Abilene TX", 32.45, -99.74, "attainment", "psd_major"),
         ("Harris County TX", 29.76, -95.37, "severe", "nonattainment_nsr"),
         ("Cheyenne WY", 41.14, -104.82, "attainment", "psd_major")]


@pytest.fixture(scope="module")
def layers(shared_data, tmp_path_factory):
    from gis_data.layerset import LayerSet, scan_directory

    path = tmp_path_factory.mktemp("layers") / "layers.toml"
    scan_directory(shared_data).write(path)
    return LayerSet.from_path(path)


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.parametrize("name,lat,lon,ozone,permit", SITES)
def test_designs_at_1200_mw(layers, name, lat, lon, ozone, permit):
    from siting.site import design_at

    scenario = Scenario(it_load_mw=1200.0, max_gas_share_frac=0.8)
    power = design_at(lat, lon, scenario, layers=layers, name=name).design.power
    design_checks.check_design(power, scenario, name)
    design_checks.check_permit(power, ozone, permit, name)
