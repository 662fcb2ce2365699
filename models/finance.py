"""Project finance, vectorised over many deals: cash flows, IRR, NPV, LCOE, debt, tax.

Every function works on numpy arrays whose **last axis is the year** (index 0 is the
financial close / construction year, index ``t >= 1`` the ``t``-th operating year) and
whose leading axes are deals, so thousands of deals are evaluated in one call.

Conventions (those of NREL SAM's Single Owner model, against which
:func:`project_cash_flows` is tested): money is nominal USD; revenue and costs fall at
the end of each year; the owner can use tax losses against other income (negative tax
is a benefit, as SAM assumes); state income tax is deductible from federal taxable
income; depreciation follows MACRS half-year tables (IRS Publication 946, Table A-1)
or straight line; debt is either a fraction of the installed cost repaid in level
(mortgage-style) payments, or sized by a target debt-service coverage ratio with
repayment sculpted to the cash flow available for debt service.

References
----------
.. [1] IRS, Publication 946, *How to Depreciate Property* (2023), Appendix A, Table A-1.
.. [2] Short, W., Packey, D. J., Holt, T. (1995). *A Manual for the Economic Evaluation of
   Energy Efficiency and Renewable Energy Technologies*. NREL/TP-462-5173 (capital
   recovery factor, levelised cost of energy).
.. [3] Blair, N. et al. (2018). *System Advisor Model (SAM) General Description
   (Version 2017.9.5)*. NREL/TP-6A20-70414 (Single Owner cash flow, DSCR debt sizing).
.. [4] Yescombe, E. R. (2014). *Principles of Project Finance*, 2nd ed., ch. 12
   (debt sculpting to a target cover ratio).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from models.errors import ConfigError, unknown_name

__all__ = [
    "capital_recovery_factor",
    "annuity_payment",
    "npv",
    "irr",
    "lcoe",
    "levelized_price",
    "macrs_table",
    "macrs_half_year",
    "straight_line_half_year",
    "depreciation_schedule",
    "level_debt",
    "sculpted_debt",
    "DebtSchedule",
    "CashFlows",
    "project_cash_flows",
    "solve_price_for_equity_irr",
    "construction_draw_fracs",
    "interest_during_construction",
    "finance_input",
    "finance_inputs",
    "cpi_u_factor",
    "CoalPrice",
    "coal_price",
    "nominal_rate",
]


# ---------------------------------------------------------------------------------------
# Time value of money
# ---------------------------------------------------------------------------------------
def capital_recovery_factor(rate_frac, n_years):
    """Capital recovery factor: the level annual payment that repays 1 USD.

    Parameters
    ----------
    rate_frac : float or array
        Interest or discount rate per year [-]; 0 is allowed (gives ``1/n``).
    n_years : int or array
        Number of annual payments [yr], >= 1.

    Returns
    -------
    numpy.ndarray or float
        ``r (1+r)^n / ((1+r)^n - 1)`` [1/yr].

    References
    ----------
    .. [1] Short, Packey & Holt (1995), NREL/TP-462-5173, eq. 4-4.
    """
    r = np.asarray(rate_frac, dtype=float)
    n = np.asarray(n_years, dtype=float)
    if np.any(n < 1):
        raise ConfigError(f"n_years={n_years!r}: expected at least 1 year")
    if np.any(r <= -1):
        raise ConfigError(f"rate_frac={rate_frac!r}: expected a rate above -1 (e.g. 0.07 for 7 %)")
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (1.0 + r) ** n
        crf = np.where(np.abs(r) < 1e-12, 1.0 / n, r * g / (g - 1.0))
    return crf[()] if crf.ndim == 0 else crf


def annuity_payment(principal_usd, rate_frac, n_years):
    """Level end-of-year payment that repays a loan over ``n_years``.

    Parameters
    ----------
    principal_usd : float or array
        Amount borrowed [USD].
    rate_frac : float or array
        Interest rate per year [-].
    n_years : int or array
        Number of payments [yr].

    Returns
    -------
    numpy.ndarray or float
        Payment per year [USD/yr].
    """
    return np.asarray(principal_usd, dtype=float) * capital_recovery_factor(rate_frac, n_years)


def nominal_rate(real_rate_frac, inflation_frac):
    """Nominal rate from a real rate and inflation (Fisher): ``(1+r)(1+i) - 1`` [-]."""
    return (1.0 + np.asarray(real_rate_frac, dtype=float)) * (1.0 + np.asarray(inflation_frac, dtype=float)) - 1.0


def _discount_factors(rate_frac, n_periods: int) -> np.ndarray:
    r = np.asarray(rate_frac, dtype=float)[..., None]
    return (1.0 + r) ** -np.arange(n_periods, dtype=float)


def npv(rate_frac, cash_flows_usd):
    """Net present value of cash flows at years 0, 1, ... (the first is not discounted).

    Parameters
    ----------
    rate_frac : float or array (deals,)
        Discount rate per year [-].
    cash_flows_usd : array (..., years)
        Cash flows, year 0 first [USD].

    Returns
    -------
    numpy.ndarray or float
        NPV [USD], one per deal.
    """
    cf = np.asarray(cash_flows_usd, dtype=float)
    out = np.sum(cf * _discount_factors(rate_frac, cf.shape[-1]), axis=-1)
    return out[()] if np.ndim(out) == 0 else out


def irr(cash_flows_usd, *, lo_frac: float = -0.99, hi_frac: float = 10.0, tol_frac: float = 1e-10):
    """Internal rate of return of many cash-flow series at once (vectorised bisection).

    The NPV is evaluated on all deals together at each step, so the cost is about 50
    array operations over ``(deals, years)`` whatever the number of deals. A series
    whose NPV does not change sign between ``lo_frac`` and ``hi_frac`` (all positive,
    all negative) has no IRR and gets NaN. For conventional series (outflows first,
    then inflows) the root is unique.

    Parameters
    ----------
    cash_flows_usd : array (..., years)
        Cash flows, year 0 first [USD].
    lo_frac, hi_frac : float
        Search bracket [-].
    tol_frac : float
        Width of the final bracket [-].

    Returns
    -------
    numpy.ndarray or float
        IRR per deal [-] (NaN where there is none in the bracket).
    """
    cf = np.asarray(cash_flows_usd, dtype=float)
    lead = cf.shape[:-1]
    lo = np.full(lead, lo_frac)
    hi = np.full(lead, hi_frac)
    f_lo = npv(lo, cf)
    f_hi = npv(hi, cf)
    valid = np.sign(f_lo) * np.sign(f_hi) <= 0
    n_iter = int(np.ceil(np.log2((hi_frac - lo_frac) / tol_frac)))
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        f_mid = npv(mid, cf)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(left, mid, lo)
        f_lo = np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
    out = np.where(valid, 0.5 * (lo + hi), np.nan)
    return out[()] if out.ndim == 0 else out


def lcoe(capex_usd, annual_cost_usd, annual_energy_mwh, rate_frac):
    """Levelised cost of energy: PV of costs over PV of energy.

    Parameters
    ----------
    capex_usd : float or array (deals,)
        Cost at year 0 [USD].
    annual_cost_usd : array (..., years)
        Costs in operating years 1..N [USD/yr].
    annual_energy_mwh : array (..., years)
        Energy in operating years 1..N [MWh/yr].
    rate_frac : float or array
        Discount rate [-].

    Returns
    -------
    numpy.ndarray or float
        LCOE [USD/MWh].

    References
    ----------
    .. [1] Short, Packey & Holt (1995), NREL/TP-462-5173, eq. 4-7.
    """
    cost = np.asarray(annual_cost_usd, dtype=float)
    energy = np.broadcast_to(np.asarray(annual_energy_mwh, dtype=float), cost.shape)
    d = _discount_factors(rate_frac, cost.shape[-1] + 1)[..., 1:]
    out = (np.asarray(capex_usd, dtype=float) + np.sum(cost * d, axis=-1)) / np.sum(energy * d, axis=-1)
    return out[()] if np.ndim(out) == 0 else out


def levelized_price(amounts_usd, annual_energy_mwh, rate_frac):
    """Level price that has the same PV as a stream of payments: PV(amount)/PV(energy).

    Parameters
    ----------
    amounts_usd : array (..., years)
        Payments in years 1..N [USD/yr].
    annual_energy_mwh : array (..., years)
        Energy in years 1..N [MWh/yr].
    rate_frac : float or array
        Discount rate [-].

    Returns
    -------
    numpy.ndarray or float
        [USD/MWh].
    """
    return lcoe(0.0, amounts_usd, annual_energy_mwh, rate_frac)


# ---------------------------------------------------------------------------------------
# Depreciation
# ---------------------------------------------------------------------------------------
@functools.cache
def _macrs_rows() -> dict[int, np.ndarray]:
    from models.catalog import read_catalog

    out: dict[int, list[tuple[int, float]]] = {}
    for row in read_catalog("finance_macrs"):
        out.setdefault(int(row["recovery_period_yr"]), []).append((int(row["year"]), float(row["rate_pct"])))
    return {k: np.array([v for _, v in sorted(rows)]) / 100.0 for k, rows in out.items()}


def macrs_table(recovery_period_yr: int) -> np.ndarray:
    """Published MACRS GDS half-year percentages as fractions (IRS Pub 946, Table A-1).

    Parameters
    ----------
    recovery_period_yr : int
        3, 5, 7, 10, 15 or 20 [yr].

    Returns
    -------
    numpy.ndarray
        Fraction of the basis deducted in tax years 1 .. n+1 [-]; sums to 1.

    References
    ----------
    .. [1] IRS Publication 946 (2023), Appendix A, Table A-1.
    """
    rows = _macrs_rows()
    if recovery_period_yr not in rows:
        raise unknown_name("MACRS recovery period (years)", recovery_period_yr, [str(k) for k in rows])
    return rows[recovery_period_yr].copy()


def macrs_half_year(recovery_period_yr: int, db_factor: float) -> np.ndarray:
    """MACRS declining-balance schedule with half-year convention, computed from the rule.

    Declining balance at ``db_factor / n`` switching to straight line over the remaining
    life when that gives more; the first and last years get half a year. Table A-1 of
    IRS Pub 946 rounds these fractions to 0.01 % (0.001 % for 20-year property).

    Parameters
    ----------
    recovery_period_yr : int
        Recovery period n [yr].
    db_factor : float
        2.0 for 200 % DB (3- to 10-year property), 1.5 for 150 % DB (15, 20-year) [-].

    Returns
    -------
    numpy.ndarray
        Fractions for years 1 .. n+1 [-].

    References
    ----------
    .. [1] IRS Publication 946 (2023), ch. 4, "Declining Balance Method" and Appendix A.
    """
    n = int(recovery_period_yr)
    if n < 1 or db_factor <= 0:
        raise ConfigError(f"recovery_period_yr={recovery_period_yr!r}, db_factor={db_factor!r}: expected n >= 1, factor > 0")
    out = np.zeros(n + 1)
    basis = 1.0
    remaining_life = float(n)
    for year in range(n + 1):
        frac_year = 0.5 if year in (0, n) else 1.0
        db = basis * db_factor / n * frac_year
        sl = basis / remaining_life * frac_year if remaining_life > 0 else basis
        d = min(max(db, sl), basis)
        out[year] = d
        basis -= d
        remaining_life -= frac_year
    return out


def straight_line_half_year(recovery_period_yr: int) -> np.ndarray:
    """Straight-line schedule with half-year convention: ``1/(2n)``, ``1/n`` ..., ``1/(2n)`` [-]."""
    n = int(recovery_period_yr)
    if n < 1:
        raise ConfigError(f"recovery_period_yr={recovery_period_yr!r}: expected >= 1")
    out = np.full(n + 1, 1.0 / n)
    out[0] = out[-1] = 0.5 / n
    return out


def depreciation_schedule(method: str, n_years: int) -> np.ndarray:
    """Depreciation fractions over operating years 1..``n_years`` for a named method.

    Parameters
    ----------
    method : str
        ``"macrs_3"`` ... ``"macrs_20"`` (Pub 946 Table A-1), ``"sl_<n>"`` (straight line,
        half-year) or ``"sl_<n>_full"`` (straight line, full years, as SAM's ``sl_<n>``).
    n_years : int
        Length of the operating period [yr]; fractions past it are dropped (the
        remaining basis is deducted in the last year, so the total is always 1).

    Returns
    -------
    numpy.ndarray
        Shape (n_years,) [-].
    """
    valid = [f"macrs_{k}" for k in _macrs_rows()] + ["sl_<n>", "sl_<n>_full"]
    if method.startswith("macrs_"):
        if method not in valid:
            raise unknown_name("depreciation method", method, valid)
        sched = macrs_table(int(method.split("_")[1]))
    elif method.startswith("sl_"):
        parts = method.split("_")
        try:
            n = int(parts[1])
        except (IndexError, ValueError):
            raise unknown_name("depreciation method", method, valid) from None
        if len(parts) == 3 and parts[2] == "full":
            sched = np.full(n, 1.0 / n)
        elif len(parts) == 2:
            sched = straight_line_half_year(n)
        else:
            raise unknown_name("depreciation method", method, valid)
    else:
        raise unknown_name("depreciation method", method, valid)
    out = np.zeros(n_years)
    k = min(len(sched), n_years)
    out[:k] = sched[:k]
    out[n_years - 1] += 1.0 - out.sum()
    return out


# ---------------------------------------------------------------------------------------
# Debt
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DebtSchedule:
    """Debt of many deals over operating years 1..N (arrays shaped (deals, years)).

    Attributes
    ----------
    debt_usd : numpy.ndarray (deals,)
        Amount borrowed at close [USD].
    interest_usd, principal_usd, balance_usd : numpy.ndarray (deals, years)
        Interest and principal paid in each year, balance at the end of it [USD].
    """

    debt_usd: np.ndarray
    interest_usd: np.ndarray
    principal_usd: np.ndarray
    balance_usd: np.ndarray

    @property
    def debt_service_usd(self) -> np.ndarray:
        """Interest plus principal per year [USD/yr]."""
        return self.interest_usd + self.principal_usd


def _tenor_mask(tenor_yr, n_years: int) -> np.ndarray:
    tenor = np.asarray(tenor_yr, dtype=float)[..., None]
    if np.any(tenor < 1) or np.any(tenor > n_years):
        raise ConfigError(f"debt tenor {tenor_yr!r} yr: expected 1 to the {n_years}-year analysis period")
    return np.arange(1, n_years + 1) <= tenor


def level_debt(debt_usd, rate_frac, tenor_yr, n_years: int) -> DebtSchedule:
    """Mortgage-style debt: level payments of principal plus interest over the tenor.

    Parameters
    ----------
    debt_usd : float or array (deals,)
        Amount borrowed [USD].
    rate_frac : float or array (deals,)
        Interest rate [-].
    tenor_yr : int or array (deals,)
        Repayment years [yr].
    n_years : int
        Operating years in the analysis [yr].

    Returns
    -------
    DebtSchedule
    """
    debt = np.asarray(debt_usd, dtype=float)
    r = np.broadcast_to(np.asarray(rate_frac, dtype=float), debt.shape)[..., None]
    mask = _tenor_mask(np.broadcast_to(tenor_yr, debt.shape), n_years)
    t = np.arange(n_years, dtype=float)  # payments made before year t+1
    pay = annuity_payment(debt, r[..., 0], np.broadcast_to(tenor_yr, debt.shape))[..., None]
    # Balance after k level payments: B_k = D (1+r)^k - P ((1+r)^k - 1)/r
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (1.0 + r) ** t
        growth = np.where(np.abs(r) < 1e-12, t, (g - 1.0) / r)
    start = np.maximum(debt[..., None] * g - pay * growth, 0.0) * mask
    interest = start * r
    principal = np.where(mask, pay - interest, 0.0)
    balance = np.maximum(start - principal, 0.0) * mask
    return DebtSchedule(debt, interest, principal, balance)


def sculpted_debt(cfads_usd, dscr_target, rate_frac, tenor_yr) -> DebtSchedule:
    """Debt sized and repaid so that every year's coverage equals the target DSCR.

    Debt service in year t is ``CFADS_t / DSCR`` over the tenor; the debt is the present
    value of that debt service at the loan rate, and principal is debt service less
    interest on the opening balance.

    Parameters
    ----------
    cfads_usd : array (deals, years)
        Cash flow available for debt service (EBITDA) in operating years [USD/yr].
    dscr_target : float or array (deals,)
        Target debt-service coverage ratio, > 0 [-].
    rate_frac : float or array (deals,)
        Interest rate [-].
    tenor_yr : int or array (deals,)
        Repayment years [yr].

    Returns
    -------
    DebtSchedule

    References
    ----------
    .. [1] Yescombe (2014), *Principles of Project Finance*, §12.5 (sculpted repayment).
    .. [2] NREL SAM Single Owner, "debt sized by DSCR" option (Blair et al. 2018).
    """
    cfads = np.asarray(cfads_usd, dtype=float)
    lead = cfads.shape[:-1]
    n = cfads.shape[-1]
    dscr = np.broadcast_to(np.asarray(dscr_target, dtype=float), lead)
    if np.any(dscr <= 0):
        raise ConfigError(f"dscr_target={dscr_target!r}: expected a ratio above 0 (lenders ask 1.2-1.5)")
    r = np.broadcast_to(np.asarray(rate_frac, dtype=float), lead)
    mask = _tenor_mask(np.broadcast_to(tenor_yr, lead), n)
    service = np.where(mask, np.maximum(cfads, 0.0) / dscr[..., None], 0.0)
    df = _discount_factors(r, n + 1)[..., 1:]
    debt = np.sum(service * df, axis=-1)
    # Opening balance at the start of year t is the PV at year t-1 of the remaining service.
    # B_{t-1} = sum_{k>=t} S_k (1+r)^-(k-t+1): computed by a backward recursion.
    start = np.zeros_like(service)
    acc = np.zeros(lead)
    for t in range(n - 1, -1, -1):
        acc = (acc + service[..., t]) / (1.0 + r)
        start[..., t] = acc
    interest = start * r[..., None]
    principal = service - interest
    balance = start - principal
    return DebtSchedule(debt, interest, principal, np.where(np.abs(balance) < 1e-6, 0.0, balance))


# ---------------------------------------------------------------------------------------
# The project cash flow
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CashFlows:
    """Annual cash flows of many deals (arrays (deals, years) over operating years 1..N).

    Year-0 quantities are (deals,) arrays. ``equity_cf_usd`` and ``project_cf_usd``
    include year 0 (shape (deals, N+1)). All money nominal USD.

    ``capital_cost_usd`` is the cost at commercial operation before term-debt fees and
    reserves (overnight capex plus capitalised construction interest): the depreciable
    basis and the unlevered project's year-0 outflow. ``installed_cost_usd`` adds the
    term-debt fee and the debt-service reserve funded at close (SAM's "total installed
    cost" with financing costs), the uses of funds that debt and equity pay.
    """

    installed_cost_usd: np.ndarray
    debt: DebtSchedule
    equity_usd: np.ndarray
    revenue_usd: np.ndarray
    opex_usd: np.ndarray
    ebitda_usd: np.ndarray
    depreciation_usd: np.ndarray
    taxable_income_usd: np.ndarray
    state_tax_usd: np.ndarray
    federal_tax_usd: np.ndarray
    tax_credit_usd: np.ndarray
    reserve_flow_usd: np.ndarray
    equity_cf_usd: np.ndarray
    project_cf_usd: np.ndarray
    energy_mwh: np.ndarray
    capital_cost_usd: np.ndarray
    debt_fee_usd: np.ndarray
    dsra_usd: np.ndarray
    fee_amortisation_usd: np.ndarray
    reserve_balance_usd: np.ndarray

    @property
    def dscr(self) -> np.ndarray:
        """EBITDA over debt service in years with debt service, NaN elsewhere [-]."""
        ds = self.debt.debt_service_usd
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ds > 0, self.ebitda_usd / ds, np.nan)


def _scale_debt(debt: DebtSchedule, scale: np.ndarray) -> DebtSchedule:
    s = scale[:, None]
    return DebtSchedule(debt.debt_usd * scale, debt.interest_usd * s, debt.principal_usd * s, debt.balance_usd * s)


def project_cash_flows(
    *,
    installed_cost_usd,
    revenue_usd,
    opex_usd,
    energy_mwh,
    depreciation_frac,
    federal_tax_frac=0.21,
    state_tax_frac=0.0,
    debt_frac=None,
    dscr_target=None,
    debt_rate_frac=0.07,
    debt_tenor_yr=15,
    debt_fee_frac=0.0,
    dsra_months=0.0,
    itc_frac=0.0,
    ptc_usd=None,
    max_debt_frac=None,
) -> CashFlows:
    """After-tax cash flows to the owner of many single-owner projects at once.

    Exactly one of ``debt_frac`` (level-payment debt, a fraction of the uses of funds)
    and ``dscr_target`` (debt sized by coverage, sculpted repayment) is given.

    Uses of funds at commercial operation (year 0) are the capital cost (capex plus any
    capitalised construction interest, given as ``installed_cost_usd``), the term-debt fee
    (``debt_fee_frac`` x debt) and the debt-service reserve (``dsra_months``/12 of the
    next year's debt service); debt and equity pay them in proportion, as in SAM Single
    Owner. The reserve is then kept at ``dsra_months`` of the next year's debt service,
    its changes flow to equity and it is released with the last payment; it earns no
    interest. For tax, the capital cost is depreciated (less half of any ITC, IRC
    §50(c)); the reserve is cash, not depreciable; the debt fee is amortised straight
    line over the tenor (Treas. Reg. §1.446-5) - SAM neither depreciates nor deducts it.

    Parameters
    ----------
    installed_cost_usd : float or array (deals,)
        Capital cost at commercial operation before term-debt fees and reserves:
        overnight capex plus capitalised construction interest [USD].
    revenue_usd : array (deals, years)
        Contract plus merchant revenue in operating years [USD/yr].
    opex_usd : array (deals, years)
        Fuel, O&M, major maintenance and other operating costs [USD/yr].
    energy_mwh : array (deals, years)
        Energy sold [MWh/yr] (for PTC and levelised metrics).
    depreciation_frac : array (years,) or (deals, years)
        Share of the depreciable basis deducted each year [-].
    federal_tax_frac, state_tax_frac : float or array (deals,)
        Income tax rates [-]; state tax is deductible from federal taxable income.
    debt_frac : float or array (deals,), optional
        Debt as a share of the uses of funds (capital cost, fee and reserve) [-].
    dscr_target : float or array (deals,), optional
        Target DSCR for sculpted debt [-].
    debt_rate_frac : float or array (deals,)
        Loan interest rate [-].
    debt_tenor_yr : int or array (deals,)
        Loan tenor [yr].
    debt_fee_frac : float or array (deals,)
        Up-front lender fee as a share of the debt, financed [-].
    dsra_months : float or array (deals,)
        Debt-service reserve: months of the next year's debt service held from close to
        the last payment [months].
    itc_frac : float or array (deals,)
        Investment tax credit as a share of the capital cost, taken in year 1; the
        depreciable basis is reduced by half the credit (IRC §50(c)) [-].
    ptc_usd : array (deals, years), optional
        Production tax credit in each year [USD/yr].
    max_debt_frac : float or array (deals,), optional
        Cap on DSCR-sized debt as a share of the uses of funds; a capped schedule is
        scaled down, so coverage is then above the target [-].

    Returns
    -------
    CashFlows

    References
    ----------
    .. [1] Blair et al. (2018), SAM General Description, NREL/TP-6A20-70414 (Single Owner).
    .. [2] 26 CFR §1.446-5, Debt issuance costs (amortised over the term of the debt).
    """
    revenue = np.atleast_2d(np.asarray(revenue_usd, dtype=float))
    n_deals, n = revenue.shape
    shape = (n_deals, n)
    opex = np.broadcast_to(np.asarray(opex_usd, dtype=float), shape)
    energy = np.broadcast_to(np.asarray(energy_mwh, dtype=float), shape)
    cost = np.broadcast_to(np.asarray(installed_cost_usd, dtype=float), (n_deals,))
    dep_frac = np.broadcast_to(np.asarray(depreciation_frac, dtype=float), shape)

    def per_deal(x):
        return np.broadcast_to(np.asarray(x, dtype=float), (n_deals,))

    fed, sta = per_deal(federal_tax_frac), per_deal(state_tax_frac)
    fee, itc = per_deal(debt_fee_frac), per_deal(itc_frac)
    dsra_m = per_deal(dsra_months)
    rate = per_deal(debt_rate_frac)
    tenor = np.broadcast_to(np.asarray(debt_tenor_yr), (n_deals,))
    if (debt_frac is None) == (dscr_target is None):
        raise ConfigError(
            f"debt_frac={debt_frac!r}, dscr_target={dscr_target!r}: give exactly one "
            "(a debt share of cost, or a target DSCR for sculpted debt)"
        )
    if np.any(dsra_m < 0):
        raise ConfigError(f"dsra_months={dsra_months!r}: expected 0 or more months of debt service")
    ebitda = revenue - opex
    if debt_frac is not None:
        dfrac = per_deal(debt_frac)
        if np.any((dfrac < 0) | (dfrac >= 1)):
            raise ConfigError(f"debt_frac={debt_frac!r}: expected 0 <= debt_frac < 1")
        # Reserve per unit of level debt: months/12 of the annual payment (CRF).
        k = dsra_m / 12.0 * capital_recovery_factor(rate, tenor.astype(float))
        denom = 1.0 - dfrac * (fee + k)
        if np.any(denom <= 0):
            raise ConfigError(f"debt_frac={debt_frac!r} with fee {debt_fee_frac!r} and a {dsra_months!r}-month reserve "
                              "finances more than the project costs; lower the debt share, fee or reserve")
        debt = level_debt(dfrac * cost / denom, rate, tenor, n)
    else:
        debt = sculpted_debt(ebitda, dscr_target, rate, tenor)
        if max_debt_frac is not None:
            cap = per_deal(max_debt_frac)
            with np.errstate(divide="ignore", invalid="ignore"):
                k = np.where(debt.debt_usd > 0, dsra_m / 12.0 * debt.debt_service_usd[:, 0] / debt.debt_usd, 0.0)
                # Largest debt D with D <= cap * (cost + fee * D + k * D).
                limit = cap * cost / (1.0 - cap * (fee + k))
                scale = np.where(debt.debt_usd > limit, limit / debt.debt_usd, 1.0)
            debt = _scale_debt(debt, scale)
    service = debt.debt_service_usd
    # Reserve balance at the end of year t (t = 0 is close): months/12 of year t+1's debt service.
    next_service = np.concatenate([service, np.zeros((n_deals, 1))], axis=1)  # years 1..N+1
    balance = dsra_m[:, None] / 12.0 * next_service  # end of years 0..N
    dsra0 = balance[:, 0]
    reserve = balance[:, :-1] - balance[:, 1:]  # released (+) or topped up (-) in years 1..N
    fee_usd = fee * debt.debt_usd
    total = cost + fee_usd + dsra0
    mask = np.arange(1, n + 1)[None, :] <= tenor[:, None]
    amort = np.where(mask, (fee_usd / np.maximum(tenor, 1))[:, None], 0.0)
    itc_usd = itc * cost
    dep_basis = cost - 0.5 * itc_usd
    depreciation = dep_basis[:, None] * dep_frac
    taxable = ebitda - debt.interest_usd - depreciation - amort
    state_tax = sta[:, None] * taxable
    federal_tax = fed[:, None] * (taxable - state_tax)
    credit = np.zeros(shape)
    credit[:, 0] += itc_usd
    if ptc_usd is not None:
        credit = credit + np.broadcast_to(np.asarray(ptc_usd, dtype=float), shape)
    equity0 = total - debt.debt_usd
    after_tax = ebitda - service - state_tax - federal_tax + credit + reserve
    equity_cf = np.concatenate([-equity0[:, None], after_tax], axis=1)
    # Unlevered, after-tax project cash flow (no interest, fee or reserve).
    unlev_taxable = ebitda - depreciation
    unlev_state = sta[:, None] * unlev_taxable
    unlev_tax = unlev_state + fed[:, None] * (unlev_taxable - unlev_state)
    project_cf = np.concatenate([-cost[:, None], ebitda - unlev_tax + credit], axis=1)
    return CashFlows(
        installed_cost_usd=total,
        debt=debt,
        equity_usd=equity0,
        revenue_usd=revenue,
        opex_usd=np.array(opex),
        ebitda_usd=ebitda,
        depreciation_usd=depreciation,
        taxable_income_usd=taxable,
        state_tax_usd=state_tax,
        federal_tax_usd=federal_tax,
        tax_credit_usd=credit,
        reserve_flow_usd=reserve,
        equity_cf_usd=equity_cf,
        project_cf_usd=project_cf,
        energy_mwh=np.array(energy),
        capital_cost_usd=np.array(cost),
        debt_fee_usd=fee_usd,
        dsra_usd=dsra0,
        fee_amortisation_usd=amort,
        reserve_balance_usd=balance[:, 1:],
    )


# ---------------------------------------------------------------------------------------
# Construction period
# ---------------------------------------------------------------------------------------
def construction_draw_fracs(construction_months: int, draws_frac=None) -> np.ndarray:
    """Share of the capital drawn in each month of construction.

    Parameters
    ----------
    construction_months : int
        Months from the first draw to commercial operation, >= 0 [months]; 0 means the
        capital is spent at commercial operation (no construction period).
    draws_frac : sequence of float, optional
        A term sheet's monthly draw schedule (one share per month, summing to 1) [-].
        Absent: even draws, 1/``construction_months`` each - an assumption; EPC payment
        milestones usually follow an S-curve.

    Returns
    -------
    numpy.ndarray
        Shape (construction_months,) [-]; empty when there is no construction period.
    """
    m = int(construction_months)
    if m < 0 or m != construction_months:
        raise ConfigError(f"construction_months={construction_months!r}: expected a whole number of months >= 0")
    if draws_frac is None or len(draws_frac) == 0:
        return np.full(m, 1.0 / m) if m else np.zeros(0)
    d = np.asarray(draws_frac, dtype=float)
    if len(d) != m or np.any(d < 0) or not np.isclose(d.sum(), 1.0, rtol=0, atol=1e-6):
        raise ConfigError(
            f"construction draws {list(np.round(d, 4))} (sum {d.sum():.6f}, {len(d)} months): expected "
            f"{m} non-negative monthly shares summing to 1, one per construction month"
        )
    return d


def interest_during_construction(draws_usd, rate_frac):
    """Interest during construction on monthly draws, capitalised at commercial operation.

    Each month's draw is paid at the end of that month and borrowed until the end of the
    last month (commercial operation), compounding monthly at the effective monthly
    rate ``(1 + rate)^(1/12) - 1``: IDC = sum_m draw_m ((1 + rate)^((M - m)/12) - 1).

    Parameters
    ----------
    draws_usd : array (..., months)
        Capital drawn in construction months 1..M [USD].
    rate_frac : float or array (...)
        Annual effective construction-loan rate [-].

    Returns
    -------
    numpy.ndarray or float
        Capitalised interest at commercial operation [USD].

    References
    ----------
    .. [1] US Army Corps of Engineers, Institute for Water Resources (1993), *National
       Economic Development Procedures Manual - National Economic Development Costs*,
       IWR Report 93-R-12 (interest during construction with a monthly factor), as coded
       in the R package EngrEcon ``interest_during_construction``.
    """
    draws = np.asarray(draws_usd, dtype=float)
    m = draws.shape[-1]
    r = np.asarray(rate_frac, dtype=float)
    if np.any(r <= -1):
        raise ConfigError(f"rate_frac={rate_frac!r}: expected a rate above -1 (e.g. 0.07 for 7 %)")
    months_left = (m - np.arange(1, m + 1, dtype=float)) / 12.0
    factor = (1.0 + r[..., None]) ** months_left - 1.0
    out = np.sum(draws * factor, axis=-1)
    return out[()] if np.ndim(out) == 0 else out


def solve_price_for_equity_irr(cash_flows_at_price, target_irr_frac, *, lo=0.0, hi=1000.0, tol=1e-6, max_iter=200):
    """Solve, for many deals at once, the price that gives a target after-tax equity IRR.

    The equity NPV at the target rate rises with the price (revenue rises, and with it
    any sculpted debt); the root is found by vectorised bisection on that NPV, which
    needs no inner IRR.

    Parameters
    ----------
    cash_flows_at_price : callable
        ``f(price (deals,)) -> CashFlows``; the price's unit is the caller's (USD/MWh for
        a PPA, USD/kW-month for a capacity payment).
    target_irr_frac : float or array (deals,)
        Target equity IRR [-].
    lo, hi : float
        Price bracket [caller's unit].
    tol : float
        Width of the final bracket [caller's unit].

    Returns
    -------
    numpy.ndarray
        Solved price per deal [caller's unit]; NaN where the bracket holds no root.
    """
    n_deals = cash_flows_at_price(np.array([lo])).equity_cf_usd.shape[0]
    target = np.broadcast_to(np.asarray(target_irr_frac, dtype=float), (n_deals,))
    lo_a = np.full(n_deals, float(lo))
    hi_a = np.full(n_deals, float(hi))
    f_lo = npv(target, cash_flows_at_price(lo_a).equity_cf_usd)
    f_hi = npv(target, cash_flows_at_price(hi_a).equity_cf_usd)
    ok = (f_lo <= 0) & (f_hi >= 0)
    for _ in range(max_iter):
        if np.all(hi_a - lo_a < tol):
            break
        mid = 0.5 * (lo_a + hi_a)
        f_mid = npv(target, cash_flows_at_price(mid).equity_cf_usd)
        below = f_mid < 0
        lo_a = np.where(below, mid, lo_a)
        hi_a = np.where(below, hi_a, mid)
    return np.where(ok, 0.5 * (lo_a + hi_a), np.nan)


# ---------------------------------------------------------------------------------------
# Cited inputs
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FinanceInput:
    """One cited cost, price or datacenter fact from ``catalogs/finance_inputs.csv``."""

    key: str
    value: float
    unit: str
    dollar_year: str
    data_year: str
    notes: str
    source: str
    source_url: str


@functools.cache
def finance_inputs() -> dict[str, FinanceInput]:
    """All cited finance inputs by key (copied from ../shared/reference with sources)."""
    from models.catalog import read_catalog

    out = {}
    for row in read_catalog("finance_inputs"):
        out[row["key"]] = FinanceInput(
            key=row["key"], value=float(row["value"]), unit=row["unit"], dollar_year=row["dollar_year"],
            data_year=row["data_year"], notes=row["notes"], source=row["source"], source_url=row["source_url"],
        )
    return out


def finance_input(key: str) -> FinanceInput:
    """Look up one cited input; a miss lists the valid keys."""
    try:
        return finance_inputs()[key]
    except KeyError:
        raise unknown_name("finance input", key, finance_inputs()) from None


def cpi_u_factor(from_year: int, to_year: int) -> float:
    """Multiplier from USD of ``from_year`` to USD of ``to_year`` by the CPI-U annual averages.

    Parameters
    ----------
    from_year, to_year : int
        Dollar years within the catalog's CPI-U rows (2015-2025) [yr].

    Returns
    -------
    float
        ``CPI[to_year] / CPI[from_year]`` [-].

    References
    ----------
    .. [1] BLS CPI-U, US city average, all items (CUUR0000SA0), annual averages, as copied in
       ``catalogs/finance_inputs.csv`` (``cpi_u_<year>``).
    """
    rows = {int(k.rsplit("_", 1)[1]): v.value for k, v in finance_inputs().items() if k.startswith("cpi_u_")}
    for y in (from_year, to_year):
        if int(y) not in rows:
            raise ConfigError(f"dollar year {y!r}: CPI-U is catalogued for {min(rows)}-{max(rows)} only; "
                              "give costs in a dollar year within that range")
    return rows[int(to_year)] / rows[int(from_year)]


@dataclass(frozen=True)
class CoalPrice:
    """Delivered coal price for a state, or the national average when the state has none.

    Attributes
    ----------
    usd_per_mmbtu : float
        Delivered price, HHV, nominal USD of ``data_year`` [USD/MMBtu].
    state_abbr : str
        State the price is for (``"US"`` for the national average).
    national_fallback : bool
        True when the asked state has no price in the catalog.
    data_year, source, source_url : str
        Period, publisher and link of the figure.
    """

    usd_per_mmbtu: float
    state_abbr: str
    national_fallback: bool
    data_year: str
    source: str
    source_url: str

    @property
    def label(self) -> str:
        """One line saying what the price is and where it comes from."""
        if self.national_fallback:
            where = f"US average (no EIA state value for {self.state_abbr} in the catalog)"
        else:
            where = "US average" if self.state_abbr == "US" else self.state_abbr
        return f"coal delivered to power plants, {where}, {self.data_year}: {self.usd_per_mmbtu:.2f} USD/MMBtu ({self.source})"


def coal_price(state_abbr: str | None) -> CoalPrice:
    """Delivered coal price to power plants in a state (EIA), or the labelled US average.

    Parameters
    ----------
    state_abbr : str or None
        Two-letter state code; None or a state without a catalogued price gives the US average.

    Returns
    -------
    CoalPrice

    References
    ----------
    .. [1] EIA, Electric Power Monthly Table 4.10.B (state, Jan-Jul 2024 year to date) and Electric
       Power Annual Table 7.1 (US, 2021), as copied in ``catalogs/finance_inputs.csv``.
    """
    st = (state_abbr or "").strip().upper()
    key = f"coal_price_{st}_usd_per_mmbtu"
    rows = finance_inputs()
    row = rows.get(key) if st and st != "US" else None
    fallback = row is None and bool(st) and st != "US"
    row = row or rows["coal_price_US_usd_per_mmbtu"]
    return CoalPrice(row.value, st or "US", fallback, row.data_year, row.source, row.source_url)
