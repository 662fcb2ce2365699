"""Benchmark of the vectorised deal finance against NREL SAM Single Owner (PySAM), same run.

Usage: python tests/bench/bench_finance.py --json OUT.json [--deals N] [--sam-runs M]

Our side: N deals (20 years, DSCR-sculpted debt, MACRS 15, state and federal tax, random capex and
PPA price) through :func:`models.finance.project_cash_flows`, equity IRR and NPV, in one call.
Baseline: M PySAM Single Owner runs of the matched case (flat generation, same debt and taxes),
each a full ``execute()`` with its IRR and NPV; SAM does far more per run (monthly and hourly
revenue, reserves, incentives), so the ratio measures what the vectorised engine saves on the
part both do. Figures are best-of-3 wall time; not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from models import finance as fin

N_YEARS = 20
CAP_KW = 100_000.0


def _best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _ours(n_deals: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    capex = rng.uniform(80e6, 150e6, n_deals)
    price = rng.uniform(20.0, 40.0, n_deals)
    energy = np.full((n_deals, N_YEARS), CAP_KW * 0.8 * 8760 / 1000.0)
    opex = (20.0 * CAP_KW + 3.0 * energy) * 1.025 ** np.arange(N_YEARS)
    dep = fin.depreciation_schedule("macrs_15", N_YEARS)
    rate = fin.nominal_rate(0.06, 0.025)

    def run():
        cf = fin.project_cash_flows(
            installed_cost_usd=capex, revenue_usd=energy * price[:, None], opex_usd=opex, energy_mwh=energy,
            depreciation_frac=dep, federal_tax_frac=0.21, state_tax_frac=0.07, dscr_target=1.3,
            debt_rate_frac=0.07, debt_tenor_yr=15,
        )
        return fin.irr(cf.equity_cf_usd), fin.npv(rate, cf.equity_cf_usd)

    return run


def _sam(n_runs: int):
    import PySAM.Singleowner as so

    def build():
        m = so.default("CustomGenerationProfileSingleOwner")
        m.SystemOutput.gen = [CAP_KW * 0.8] * 8760
        m.SystemOutput.system_capacity = CAP_KW
        m.SystemOutput.degradation = [0.0]
        m.Lifetime.system_use_lifetime_output = 0
        fp = m.FinancialParameters
        fp.analysis_period = N_YEARS
        fp.inflation_rate, fp.real_discount_rate = 2.5, 6.0
        fp.federal_tax_rate, fp.state_tax_rate = [21.0], [7.0]
        fp.property_tax_rate = fp.insurance_rate = 0
        fp.debt_option, fp.dscr, fp.term_int_rate, fp.term_tenor, fp.payment_option = 1, 1.3, 7.0, 15, 0
        for name in ("cost_debt_closing", "cost_debt_fee", "cost_other_financing", "construction_financing_cost",
                     "dscr_reserve_months", "months_working_reserve", "months_receivables_reserve",
                     "reserves_interest", "equip1_reserve_cost", "equip2_reserve_cost", "equip3_reserve_cost",
                     "salvage_percentage"):
            setattr(fp, name, 0)
        sc = m.SystemCosts
        sc.total_installed_cost = 100e6
        sc.om_fixed, sc.om_capacity, sc.om_production = [0], [20.0], [3.0]
        m.Revenue.ppa_soln_mode, m.Revenue.ppa_price_input, m.Revenue.ppa_escalation = 1, [0.022], 0.0
        m.Depreciation.depr_alloc_macrs_15_percent, m.Depreciation.depr_alloc_sl_20_percent = 100, 0
        m.Depreciation.depr_bonus_fed = m.Depreciation.depr_bonus_sta = 0
        return m

    model = build()  # built once: the timed loop only changes the price and executes, as a sweep would

    def run():
        for i in range(n_runs):
            model.Revenue.ppa_price_input = [0.022 + 0.00001 * i]
            model.execute()
            _ = (model.Outputs.project_return_aftertax_irr, model.Outputs.project_return_aftertax_npv)

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, help="output JSON file")
    ap.add_argument("--deals", type=int, default=10_000, help="deals in one vectorised call (default 10,000)")
    ap.add_argument("--sam-runs", type=int, default=20, help="PySAM Single Owner runs (default 20)")
    args = ap.parse_args()
    ours_s = _best(_ours(args.deals))
    sam_s = _best(_sam(args.sam_runs))
    from siting import deal as D

    example = D.load_example("btm_gas_1gw_tolling")
    rng = np.random.default_rng(2)
    knobs = {"capex_usd_per_kw": rng.uniform(785, 2400, args.deals), "contract_price": rng.uniform(10, 25, args.deals)}
    deal_s = _best(lambda: D.evaluate_many(example, knobs))
    out = {
        "benchmark": "vectorised deal cash flows + equity IRR + NPV vs PySAM Single Owner",
        "n_deals": args.deals,
        "n_years": N_YEARS,
        "seconds": ours_s,
        "throughput_per_s": args.deals / ours_s,
        "baseline": "PySAM Singleowner.execute, matched case (flat generation, DSCR debt, MACRS 15, taxes)",
        "baseline_runs": args.sam_runs,
        "baseline_seconds": sam_s,
        "baseline_throughput_per_s": args.sam_runs / sam_s,
        "speedup": (args.deals / ours_s) / (args.sam_runs / sam_s),
        "deal_variants_seconds": deal_s,
        "deal_variants_throughput_per_s": args.deals / deal_s,
        "deal_variants": "siting.deal.evaluate_many on the 1 GW tolling example (all metrics incl. delivered cost)",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "note": "wall time, best of 3, on a shared machine under load from other jobs",
    }
    with open(args.json, "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=2)


if __name__ == "__main__":
    main()
