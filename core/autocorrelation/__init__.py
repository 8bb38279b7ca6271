"""Spatial autocorrelation: global and local statistics with exact and fast inference.

One statistic per module, esda-like (construct with the data and the weights, read the
results as attributes), reproducing R spdep's analytical values:

* :mod:`.moran` — global Moran's I (normality, randomisation, permutation), bivariate I;
* :mod:`.geary` — global Geary's C; :mod:`.getis_ord` — Getis-Ord General G;
* :mod:`.local_moran` — LISA: univariate, bivariate, differential;
* :mod:`.local_geary` — local Geary; :mod:`.local_getis_ord` — Gi and Gi* hot spots;
* :mod:`.permutation` — the conditional permutation engine (plain numpy, no JIT);
* :mod:`.inference` — p-values and multiple-testing control; :mod:`.clusters` — quadrant
  and cluster codes (GeoDa's), labels and colours;
* :mod:`.runs` — fields × years of a panel, NULL handling and output columns;
  :mod:`.plots` — Moran scatter plots and the chart of Moran's I over the years.
"""
