"""Mediation through a third variable: X (digital economy) → M (innovation) → Y (resilience).

* :mod:`.design` — the regression data for a cross-section, a pooled panel with year
  effects, or a panel with unit (and year) fixed effects (within transformation);
* :mod:`.stepwise` — Baron and Kenny's three regressions (total effect c, path a, paths
  b and c′);
* :mod:`.sobel` — the Sobel (and Aroian) test of the indirect effect a·b;
* :mod:`.bootstrap` — the cluster bootstrap of the indirect effect with percentile and
  bias-corrected confidence intervals;
* :mod:`.analysis` — the whole run behind ``resilience:mediation``.
"""
