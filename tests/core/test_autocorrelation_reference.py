"""The analytical autocorrelation statistics against R spdep 1.2-7 and GeoDa's published value.

References (independent implementations, never our own output):
* ``tests/reference/autocorrelation/spdep_values.csv``: printed by
  ``spdep_autocorrelation.R`` (R 4.2, spdep 1.2-7) with moran.test, geary.test,
  globalG.test, localmoran, localG (Gi, and Gi* via include.self), localC, moran_bv and
  localmoran_bv, on spData's Columbus data (49 neighbourhoods; queen contiguity from
  poly2nb, and 4-nearest-neighbour inverse-distance weights, not symmetric) and on the
  sample's 367 cities (queen contiguity with one island, synthetic latent indicators).
  The weights files were written by the same script and are read with our GAL/GWT reader.
* GeoDa's published Moran's I of Columbus CRIME under queen contiguity: 0.500
  (Anselin, GeoDa workbook, "Global Spatial Autocorrelation").
Agreement is required to 1e-8 relative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.autocorrelation.geary import Geary
from digital_resilience.core.autocorrelation.getis_ord import GeneralG
from digital_resilience.core.autocorrelation.local_geary import LocalGeary
from digital_resilience.core.autocorrelation.local_getis_ord import LocalG
from digital_resilience.core.autocorrelation.local_moran import LocalMoran, LocalMoranBV
from digital_resilience.core.autocorrelation.moran import Moran, MoranBV
from digital_resilience.core.weights.files import read_weights_file

RELATIVE = 1e-8


@pytest.fixture(scope="module")
def reference(root):
    return pd.read_csv(root / "tests" / "reference" / "autocorrelation" / "spdep_values.csv")


@pytest.fixture(scope="module")
def value(reference):
    def get(case, quantity):
        rows = reference[(reference.case == case) & (reference.quantity == quantity)].sort_values("i")
        assert len(rows), f"no reference for {case} {quantity}"
        return rows.value.to_numpy() if len(rows) > 1 else float(rows.value.iloc[0])

    return get


@pytest.fixture(scope="module")
def columbus(root):
    folder = root / "tests" / "reference" / "autocorrelation"
    data = pd.read_csv(folder / "columbus.csv")
    ids = data.POLYID.to_numpy()
    weights = {
        "queen": read_weights_file(folder / "columbus_queen.gal", ids),
        "idw": read_weights_file(folder / "columbus_knn4_idw.gwt", ids),
    }
    return data, weights


#: spdep listw style -> (our weights file, our transformation)
STYLES = {"queen_W": ("queen", "R"), "queen_B": ("queen", "B"), "idw_W": ("idw", "R")}
ALTERNATIVES = {"greater": "greater", "two.sided": "two-sided"}


def close(ours, theirs, rel=RELATIVE):
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=rel, atol=0)


def weights_for(columbus, style):
    kind, transform = STYLES[style]
    return columbus[1][kind].with_transform(transform)


def test_geoda_published_moran_of_columbus_crime(columbus):
    data, _ = columbus
    moran = Moran(data.CRIME, weights_for(columbus, "queen_W"), permutations=0)
    assert round(moran.I, 3) == 0.500


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("alternative", list(ALTERNATIVES))
def test_moran_geary_and_g_match_spdep(columbus, value, style, alternative):
    data, _ = columbus
    weights = weights_for(columbus, style)
    ours_alt = ALTERNATIVES[alternative]
    moran = Moran(data.CRIME, weights, permutations=0, alternative=ours_alt)
    for inference, variance, z, p in (("randomisation", moran.VI_rand, moran.z_rand, moran.p_rand),
                                      ("normality", moran.VI_norm, moran.z_norm, moran.p_norm)):
        case = f"columbus/{style}/CRIME/moran/{inference}/{alternative}"
        close([moran.I, moran.EI, variance, z, p],
              [value(case, q) for q in ("statistic", "expectation", "variance", "z", "p")])
    # spdep's "greater" for Geary is C below its expectation (positive autocorrelation): our
    # z is (C − 1)/sd, so its "less" alternative, and spdep's z has the opposite sign.
    geary = Geary(data.CRIME, weights, permutations=0, alternative="less" if alternative == "greater" else ours_alt)
    for inference, variance, z, p in (("randomisation", geary.VC_rand, geary.z_rand, geary.p_rand),
                                      ("normality", geary.VC_norm, geary.z_norm, geary.p_norm)):
        case = f"columbus/{style}/CRIME/geary/{inference}/{alternative}"
        close([geary.C, geary.EC, variance, -z, p],
              [value(case, q) for q in ("statistic", "expectation", "variance", "z", "p")])
    g = GeneralG(data.CRIME, weights, permutations=0, alternative=ours_alt)
    case = f"columbus/{style}/CRIME/getisord/randomisation/{alternative}"
    close([g.G, g.EG, g.VG, g.z_rand, g.p_rand],
          [value(case, q) for q in ("statistic", "expectation", "variance", "z", "p")])


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("conditional", [True, False])
def test_local_moran_matches_spdep_localmoran(columbus, value, style, conditional):
    data, _ = columbus
    lisa = LocalMoran(data.CRIME, weights_for(columbus, style), permutations=0, conditional=conditional)
    case = f"columbus/{style}/CRIME/localmoran/{'conditional' if conditional else 'total'}"
    close(lisa.Is, value(case, "Ii"))
    close(lisa.EI, value(case, "E.Ii"))
    close(lisa.VI, value(case, "Var.Ii"))
    close(lisa.z_score, value(case, "Z.Ii"))
    close(lisa.p_norm, value(case, "p"))
    # Without permutations the two-sided normal p-value is the one used.
    close(lisa.p, value(case, "p"))


@pytest.mark.parametrize("style", list(STYLES))
def test_local_g_and_local_geary_match_spdep(columbus, value, style):
    data, _ = columbus
    weights = weights_for(columbus, style)
    gi = LocalG(data.CRIME, weights, star=False)
    case = f"columbus/{style}/CRIME/localG"
    close(gi.G, value(case, "G"))
    close(gi.z_score, value(case, "Z"))
    close(gi.p, value(case, "p"))
    geary = LocalGeary(data.CRIME, weights, permutations=9, seed=1)
    close(geary.C, value(f"columbus/{style}/CRIME/localC", "C"))


@pytest.mark.parametrize("style", ["B", "W"])
def test_local_g_star_matches_spdep_with_include_self(columbus, value, style):
    data, _ = columbus
    gi_star = LocalG(data.CRIME, weights_for(columbus, "queen_" + style), star=True)
    case = f"columbus/queen_{style}/CRIME/localGstar"
    close(gi_star.G, value(case, "G"))
    close(gi_star.z_score, value(case, "Z"))
    close(gi_star.p, value(case, "p"))


@pytest.mark.parametrize("style", list(STYLES))
def test_bivariate_moran_matches_spdep(columbus, value, style):
    data, _ = columbus
    weights = weights_for(columbus, style)
    close(LocalMoranBV(data.CRIME, data.INC, weights, permutations=0).Is,
          value(f"columbus/{style}/CRIME~INC/localmoran_bv", "Ibvi"))
    close(MoranBV(data.CRIME, data.INC, weights, permutations=0).I, value(f"columbus/{style}/CRIME~INC/moran_bv", "I"))
    # spdep's localmoran_bv has no analytical moments; ours are the exact moments of the
    # conditional permutation, which for y = x must be spdep's conditional localmoran.
    close(LocalMoranBV(data.HOVAL, data.HOVAL, weights, permutations=0).z_score,
          value(f"columbus/{style}/HOVAL/localmoran/conditional", "Z.Ii"))


# ------------------------------------------------------------- cities with an island
@pytest.fixture(scope="module")
def china(root, sample_dir, cities_frame):
    weights = read_weights_file(root / "tests" / "reference" / "autocorrelation" / "china_queen.gal",
                                cities_frame.adcode.to_numpy())
    latent = pd.read_csv(sample_dir / "synthetic_latent.csv")
    wide = latent.pivot(index="adcode", columns="year", values=["digital_economy", "resilience"])
    return weights, wide.loc[cities_frame.adcode.to_numpy()]


def test_our_queen_contiguity_equals_spdep_poly2nb(china, cities_frame, value):
    from digital_resilience.core.weights.build import WeightsSpec, build_weights

    spdep_queen, _ = china
    ours = build_weights(cities_frame, cities_frame.adcode.to_numpy(), WeightsSpec("queen"))
    assert (ours.matrix != spdep_queen.matrix).nnz == 0
    assert spdep_queen.islands.tolist() == [int(value("china/queen", "islands")) - 1]


@pytest.mark.parametrize("year", [2011, 2019])
def test_statistics_with_an_island_match_spdep_zero_policy(china, value, year):
    weights, wide = china
    dei = wide[("digital_economy", year)].to_numpy()
    moran = Moran(dei, weights, permutations=0)
    for inference, variance, z, p in (("randomisation", moran.VI_rand, moran.z_rand, moran.p_rand),
                                      ("normality", moran.VI_norm, moran.z_norm, moran.p_norm)):
        case = f"china/queen_W/DEI_{year}/moran/{inference}/two.sided"
        close([moran.I, moran.EI, variance, z, p],
              [value(case, q) for q in ("statistic", "expectation", "variance", "z", "p")])
    geary = Geary(dei, weights, permutations=0)
    case = f"china/queen_W/DEI_{year}/geary/randomisation/two.sided"
    close([geary.C, geary.VC_rand, -geary.z_rand, geary.p_rand],
          [value(case, q) for q in ("statistic", "variance", "z", "p")])
    g = GeneralG(dei, weights.with_transform("B"), permutations=0)
    case = f"china/queen_B/DEI_{year}/getisord/randomisation/two.sided"
    close([g.G, g.EG, g.VG, g.z_rand, g.p_rand],
          [value(case, q) for q in ("statistic", "expectation", "variance", "z", "p")])
    lisa = LocalMoran(dei, weights, permutations=0)
    island = weights.islands
    reference_i = value(f"china/queen_W/DEI_{year}/localmoran/conditional", "Ii")
    connected = np.setdiff1d(np.arange(weights.n), island)
    close(lisa.Is[connected], reference_i[connected])
    close(lisa.z_score[connected], value(f"china/queen_W/DEI_{year}/localmoran/conditional", "Z.Ii")[connected])
    assert np.isnan(lisa.Is[island]).all() and np.isnan(lisa.p[island]).all()  # spdep: I = 0, Z = NaN
    gi = LocalG(dei, weights, star=False)
    close(gi.z_score[connected], value(f"china/queen_W/DEI_{year}/localG", "Z")[connected])
    # moran_bv refuses islands; the reference drops the island from data and weights.
    keep = connected
    bivariate = MoranBV(dei[keep], wide[("resilience", year)].to_numpy()[keep], weights.subset(keep), permutations=0)
    close(bivariate.I, value(f"china/queen_W/DEI_{year}~RES_{year}/moran_bv", "I"))


# ------------------------------------------------------------------------ properties
def test_statistics_do_not_change_under_affine_rescaling(columbus):
    data, _ = columbus
    weights = weights_for(columbus, "idw_W")
    x = data.CRIME.to_numpy()
    for transformed in (3.5 * x + 100.0, 0.01 * x - 7.0):
        assert Moran(transformed, weights, 0).I == pytest.approx(Moran(x, weights, 0).I, rel=1e-12)
        assert Geary(transformed, weights, 0).C == pytest.approx(Geary(x, weights, 0).C, rel=1e-12)
        np.testing.assert_allclose(LocalMoran(transformed, weights, 0).z_score, LocalMoran(x, weights, 0).z_score,
                                   rtol=1e-10)


def test_local_moran_averages_to_global_moran_under_row_standardisation(columbus):
    data, _ = columbus
    weights = weights_for(columbus, "queen_W")
    assert LocalMoran(data.CRIME, weights, 0).Is.mean() == pytest.approx(Moran(data.CRIME, weights, 0).I, rel=1e-12)
