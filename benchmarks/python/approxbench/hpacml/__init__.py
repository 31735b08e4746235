"""HPAC-ML benchmark applications (paper, Table I) in the C subset, with drivers.

Each module defines `APP`, an `HpacApp` (approxbench.hpacml.app); `APPS` maps
their names to them.
"""

from approxbench.hpacml import binomial, bonds, minibude, miniweather, particlefilter

APPS = {app.name: app for app in (binomial.APP, bonds.APP, minibude.APP, miniweather.APP, particlefilter.APP)}
