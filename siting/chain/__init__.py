"""The site chain: one calculation of a site's power, water, money and time, used by every workflow.

Every path that says something about a site's power or water - the single-site
:func:`siting.power.design_power`, the site report, ``siting water``, the batch designs of
``siting score --design-top`` and the screening climate criterion - runs the same steps,
for one site or for a vector of sites:

==============  ===========================================================================
module          step
==============  ===========================================================================
resolved        the scenario resolved once per run: prime mover, costs, gas technology and
                its water factors, battery, PV system, LP settings
climate         a weather station's year: hourly wet bulb, cooling water and PUE (per MW of
                IT load; the cooling model is linear in load), PV and wind profiles
fleet           the N+k gas fleet for the hourly facility load at nameplate IT load
dispatch        the hourly year of every power option (gas only, renewables plus gas with the
                capacity LP, grid with backup, bridge to grid)
permits         the ozone class the permit model takes, potential to emit, permit path
water           the water budget by scope: on-site cooling, power generation, total
money           annual cost, LCOE, time to first power, the cost of waiting, the
                recommended option
site            the chain for a vector of sites grouped by (station, elevation, IT load), or
                one site with its hourly frames
==============  ===========================================================================

Grouping sites that share a station, an elevation and an IT load shares work and never
changes a number: every per-site figure is computed by the same arithmetic whether the
site is alone or in a block of thousands (tested).
"""
