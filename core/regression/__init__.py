"""Linear regression building blocks shared by every regression of the toolkit.

Small and explicit on purpose: ordinary least squares with classical, heteroskedasticity-
robust (HC1) or cluster-robust standard errors (:mod:`.ols`: convergence, mediation, and the
OLS/SLX models of the spatial Durbin and heterogeneity algorithms), the within
transformation of an unbalanced panel for fixed effects (:mod:`.within`), the unit × year
panel read from a wide or long layer (:mod:`.panel_data`) and paper-style coefficient tables
(:mod:`.table`, for every report).
"""
