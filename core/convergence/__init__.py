"""σ- and β-convergence of a yearly indicator across units (cities).

* :mod:`.sigma` — dispersion per year: coefficient of variation, standard deviation of
  logs, Theil index (between/within regions) and Gini coefficient (Dagum's decomposition),
  overall and by region group, with a trend test;
* :mod:`.speed` — speed of convergence and half-life from a β coefficient;
* :mod:`.beta` — β-convergence by OLS: cross-section and panel with fixed effects;
* :mod:`.spatial` — spatial β-convergence (SAR, SEM, SDM by maximum likelihood with
  the models of :mod:`core.econometrics`);
* :mod:`.chart` — the σ chart; :mod:`.analysis` — the whole run behind ``resilience:convergence``.
"""
