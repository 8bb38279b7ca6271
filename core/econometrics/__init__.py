"""Spatial econometrics for the spillover and heterogeneity algorithms, QGIS-free.

One model or step per module:

* :mod:`.data` — the panel (or cross-section) as stacked arrays, years outermost, and the
  fixed-effects (within) and random-effects (quasi-demeaning) transformations;
* :mod:`.design` — the regressors of each model (constant, X, W·X) and collinearity checks;
* :mod:`.spectrum` — log-determinants, admissible range and traces of ``I − ρW``;
* :mod:`.ols` — OLS and SLX (pooled, fixed effects; the fit is ``core.regression.ols``),
  :mod:`.lag` — SAR and SDM by maximum likelihood, :mod:`.error` — SEM and SDEM by maximum
  likelihood, :mod:`.random_effects` — random-effects versions of OLS/SLX/SAR/SDM,
  :mod:`.lee_yu` — the Lee–Yu bias correction;
* :mod:`.results` — the results type every estimator returns;
* :mod:`.effects` — LeSage–Pace direct, indirect and total effects with simulated inference;
  :mod:`.group_effects` — the same by unit group when a variable's coefficients differ between groups
  (the heterogeneity interaction model), from the scenario's reduced form and the effects' draws;
* :mod:`.diagnostics` — LM tests, LR/Wald tests of the Durbin restrictions, Hausman;
* :mod:`.local_moran` — a plain local Moran of the residuals (residual LISA);
* :mod:`.spillover` — the entry point of ``resilience:spatialdurbin``;
* :mod:`.heterogeneity` — the entry point of ``resilience:heterogeneity``;
* :mod:`.report` — the HTML report and CSV tables (paper-style tables from
  ``core.regression.table``, shared with the convergence and mediation reports).

Conventions: observations are stacked year by year (all units of the first year, then the
second...), so the panel's spatial weights are ``I_T ⊗ W``; cross-sections are panels with
one period. ``W`` is the transformed (normally row-standardised) matrix.
"""
