"""Coupling coordination: the corrected formula of Wang et al. (2021), by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.indices.coupling import LEVELS, coordination_level, coupling_coordination, rescale


def test_two_systems_by_hand():
    # U1 = 0.3, U2 = 0.5: C = 2·√0.15 / 0.8, T = 0.5·0.3 + 0.5·0.5 = 0.4, D = √(C·T)
    c = 2 * math.sqrt(0.3 * 0.5) / 0.8
    t = 0.4
    found = coupling_coordination([[0.3, 0.5]], [0.5, 0.5])
    assert found.c[0] == pytest.approx(c, abs=1e-15) == pytest.approx(0.9682458366, abs=1e-10)
    assert found.t[0] == pytest.approx(t, abs=1e-15)
    assert found.d[0] == pytest.approx(math.sqrt(c * t), abs=1e-15) == pytest.approx(0.6223329773, abs=1e-10)
    assert found.level[0] == 7  # [0.6, 0.7): 初级协调


def test_unequal_contributions_and_three_systems():
    found = coupling_coordination([[0.2, 0.8]], [0.4, 0.6])
    c = 2 * math.sqrt(0.16) / 1.0  # = 0.8
    assert found.c[0] == pytest.approx(0.8) and found.t[0] == pytest.approx(0.4 * 0.2 + 0.6 * 0.8)
    assert found.d[0] == pytest.approx(math.sqrt(c * (0.08 + 0.48)))
    # n systems: C = [Π U / (Σ U / n)^n]^(1/n) (Wang et al. 2021, eq. 5)
    u = [0.2, 0.4, 0.9]
    c3 = (np.prod(u) / (sum(u) / 3) ** 3) ** (1 / 3)
    assert coupling_coordination([u]).c[0] == pytest.approx(c3)


def test_bounds_and_edge_cases():
    found = coupling_coordination([[0, 0], [1, 1], [0.4, 0.4], [0.0, 0.6], [np.nan, 0.5]])
    assert found.c[:4].tolist() == [0.0, 1.0, 1.0, 0.0]  # equal systems couple perfectly
    assert found.d[:4].tolist() == pytest.approx([0.0, 1.0, math.sqrt(0.4), 0.0])
    assert np.isnan(found.d[4]) and found.level[4] == 0


def test_ten_levels():
    d = [0.0, 0.0999, 0.1, 0.35, 0.5, 0.59999, 0.6, 0.9, 1.0]
    assert coordination_level(d).tolist() == [1, 1, 2, 4, 6, 6, 7, 10, 10]
    assert [level for level, *_ in LEVELS] == list(range(1, 11))
    assert LEVELS[5][2:] == ("勉强协调", "Barely coordinated")


def test_bad_input():
    with pytest.raises(InputError, match="indices on \\[0, 1\\]; DEI have values outside"):
        coupling_coordination([[1.2, 0.5]], names=["DEI", "URI"])
    with pytest.raises(InputError, match="add up to 1"):
        coupling_coordination([[0.2, 0.5]], [0.5, 0.6])
    assert rescale(np.array([[1.0, 5.0], [3.0, 7.0], [2.0, 6.0]])).tolist() == [[0, 0], [1, 1], [0.5, 0.5]]
    with pytest.raises(InputError, match="same value everywhere"):
        rescale(np.array([[1.0, 2.0], [1.0, 3.0]]))


def test_coupling_on_wide_and_long_layers():
    import pandas as pd

    from digital_resilience.core.indices.coupling_layers import coupling_on_layer

    wide = pd.DataFrame({"DEI_2018": [0.3, 0.1], "DEI_2019": [0.4, 0.2], "URI_2019": [0.5, 0.2],
                         "URI_2020": [0.6, 0.3]})
    found = coupling_on_layer(wide, "DEI_2019", "URI_2019")
    assert found.years == [2019] and found.wide
    assert found.warnings == ["Years with only one of the two indices were skipped: 2018, 2020."]
    assert list(found.frame.columns[-5:]) == ["CPL_2019", "CPT_2019", "CCD_2019", "CCL_2019", "CCT_2019"]
    c = 2 * math.sqrt(0.4 * 0.5) / 0.9
    assert found.frame["CCD_2019"].iloc[0] == pytest.approx(math.sqrt(c * 0.45))
    assert found.frame["CCT_2019"].iloc[1] == "濒临失调 On the verge of imbalance"  # D = √(1·0.2) = 0.447
    long = pd.DataFrame({"year": [2018, 2019], "DEI": [0.4, 0.2], "URI": [0.5, 0.2]})
    found = coupling_on_layer(long, "DEI", "URI", alpha=0.3, year_name="year")
    assert found.years == [2018, 2019] and not found.wide
    assert found.frame["CPT"].tolist() == pytest.approx([0.3 * 0.4 + 0.7 * 0.5, 0.2])
    with pytest.raises(InputError, match="no year in common"):
        coupling_on_layer(wide.drop(columns=["DEI_2019", "URI_2019"]), "DEI_2018", "URI_2020")


def test_non_finite_values_are_missing_and_listed():
    """One inf cell with “rescale to 0–1” gave every other city D = 0 (inf was the maximum); ±inf is
    a missing value: that feature's results are NULL (CCL too, not 0), the others are computed as
    without it, and the log lists the cell."""
    import pandas as pd

    from digital_resilience.core.indices.coupling_layers import coupling_on_layer

    frame = pd.DataFrame({"DEI_2019": [1.0, 3.0, 2.0, np.inf], "URI_2019": [5.0, 7.0, 6.0, 6.5]},
                         index=pd.Index([10, 11, 12, 13], name="fid"))
    found = coupling_on_layer(frame, "DEI_2019", "URI_2019", rescaled=True)
    # by hand, without feature 13: DEI → 0, 1, 0.5; URI → 0, 1, 0.5
    d = [0.0, 1.0, math.sqrt(2 * math.sqrt(0.25) / 1.0 * 0.5)]
    assert found.frame["CCD_2019"].iloc[:3].tolist() == pytest.approx(d)
    assert found.frame["CCL_2019"].iloc[:3].tolist() == [1, 10, 8]
    assert np.isnan(found.frame["CCD_2019"].iloc[3])
    assert found.frame["CCL_2019"].isna().tolist() == [False, False, False, True]
    assert pd.isna(found.frame["CCT_2019"].iloc[3])
    assert any("not finite" in w and "DEI_2019 fid 13" in w for w in found.warnings)


def test_level_is_null_without_data():
    import pandas as pd

    from digital_resilience.core.indices.coupling_layers import coupling_on_layer

    found = coupling_on_layer(pd.DataFrame({"A": [0.3, np.nan], "B": [0.5, 0.2]}), "A", "B")
    assert found.frame["CCL"].tolist()[0] == 7 and found.frame["CCL"].isna().tolist() == [False, True]
