"""Linear regression building blocks shared by the convergence and mediation analyses.

Small and explicit on purpose: ordinary least squares with classical, heteroskedasticity-
robust (HC1) or cluster-robust standard errors (:mod:`.ols`), the within transformation
for fixed effects (:mod:`.within`), the unit × year panel read from a wide or long layer
(:mod:`.panel_data`) and paper-style coefficient tables (:mod:`.table`).
"""
