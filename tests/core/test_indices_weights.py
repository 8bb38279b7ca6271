"""Entropy, CRITIC, CV weights and TOPSIS: hand computations and pymcdm (an independent library)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.indices.critic import critic_weights
from digital_resilience.core.indices.entropy import entropy_weights
from digital_resilience.core.indices.fixed import equal_weights, user_weights
from digital_resilience.core.indices.standardise import minmax, zscore
from digital_resilience.core.indices.topsis import topsis
from digital_resilience.core.indices.variation import cv_weights

pymcdm = pytest.importorskip("pymcdm")

# Four cities, two indicators: x1 positive, x2 negative (less is better).
RAW = np.array([[10.0, 5.0], [20.0, 5.0], [30.0, 9.0], [40.0, 9.0]])
DIRECTIONS = np.array([1, -1])


def test_minmax_by_direction_by_hand():
    # x1: (x - 10)/30 ; x2: (9 - x)/4
    assert minmax(RAW, DIRECTIONS).tolist() == [[0.0, 1.0], [1 / 3, 1.0], [2 / 3, 0.0], [1.0, 0.0]]
    z = zscore(RAW, DIRECTIONS)
    sd1 = math.sqrt(((10 - 25) ** 2 + (20 - 25) ** 2 + (30 - 25) ** 2 + (40 - 25) ** 2) / 3)
    assert z[0, 0] == pytest.approx((10 - 25) / sd1)
    assert z[0, 1] == pytest.approx(-(5 - 7) / math.sqrt(16 / 3))


def test_entropy_weights_by_hand():
    """Worked example with shift 0 (0·ln 0 = 0):

    column 1: y = 0, 1/3, 2/3, 1 -> p = 0, 1/6, 2/6, 3/6
              e1 = -(1/ln 4)(1/6 ln 1/6 + 1/3 ln 1/3 + 1/2 ln 1/2) = 0.729574…
    column 2: y = 1, 1, 0, 0 -> p = 1/2, 1/2, 0, 0 -> e2 = -(1/ln 4)(ln 1/2) = 0.5
    d = 1 - e; w = d / Σd.
    """
    e1 = -(1 / 6 * math.log(1 / 6) + 1 / 3 * math.log(1 / 3) + 1 / 2 * math.log(1 / 2)) / math.log(4)
    e2 = -math.log(0.5) / math.log(4)
    d1, d2 = 1 - e1, 1 - e2
    found = entropy_weights(minmax(RAW, DIRECTIONS), shift=0.0)
    assert found.entropy == pytest.approx([e1, e2], abs=1e-15)
    assert found.divergence == pytest.approx([d1, d2], abs=1e-15)
    assert found.weights == pytest.approx([d1 / (d1 + d2), d2 / (d1 + d2)], abs=1e-15)
    assert found.weights == pytest.approx([0.351008, 0.648992], abs=1e-6)


def test_entropy_weights_equal_pymcdm_where_its_zero_rule_does_not_apply(sample_dir):
    import pandas as pd

    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    codes = ["BBAND", "MOBIL", "TELEC", "ITEMP", "DIFI", "SO2", "PM25"]
    directions = np.array([1, 1, 1, 1, 1, -1, -1])
    standardised = minmax(panel[codes].to_numpy(float), directions)
    shifted = standardised + 1e-4  # no zeros left: pymcdm's rule for zeros is not triggered
    ours = entropy_weights(standardised, shift=1e-4).weights
    theirs = pymcdm.weights.entropy_weights(shifted)
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert ours.sum() == pytest.approx(1.0)


def naive_entropy_weights(data):
    """The pitfall, written out: an entropy that is set to 0 when a column holds a zero (pymcdm's
    ``entropy_weights`` still carries this rule; since 1.4 its sum normalisation refuses zeros first)."""
    p = data / data.sum(axis=0)
    entropy = np.array([0.0 if (col == 0).any() else -(col * np.log(col)).sum() for col in p.T]) / np.log(len(data))
    return (1 - entropy) / (1 - entropy).sum()


def test_the_zero_pitfall():
    """With min–max data every column holds a zero, so the naive rule gives every indicator divergence
    1: the weights degenerate to equal weights. Ours takes p·ln p = 0 at p = 0 (its limit), so the
    weights are continuous in the shift."""
    standardised = minmax(RAW, DIRECTIONS)
    assert naive_entropy_weights(standardised) == pytest.approx([0.5, 0.5])  # the pitfall
    ours = entropy_weights(standardised, shift=0.0).weights
    assert ours == pytest.approx([0.351008, 0.648992], abs=1e-6)
    # Continuity at 0: a tiny shift moves the weights by a tiny amount ...
    assert entropy_weights(standardised, shift=1e-9).weights == pytest.approx(ours, abs=1e-6)
    # ... and the documented shift 0.0001 by little more.
    assert entropy_weights(standardised, shift=1e-4).weights == pytest.approx(ours, abs=1e-3)
    # One indicator with a single zero among positive values: the naive rule gives it divergence 1
    # (88 % of the weight); its true entropy 0.861 is close to the other's 0.869 (weights 0.51/0.49).
    data = np.array([[0.0, 0.5], [0.9, 0.1], [1.0, 0.9], [0.95, 1.0], [0.92, 0.3]])
    assert naive_entropy_weights(data)[0] > 0.88
    found = entropy_weights(data, shift=0.0)
    p = data[1:, 0] / data[:, 0].sum()
    assert found.entropy[0] == pytest.approx(-(p * np.log(p)).sum() / np.log(5), abs=1e-15)
    assert found.weights == pytest.approx([0.5149, 0.4851], abs=1e-4)
    # pymcdm agrees with ours once the zero is shifted away.
    assert entropy_weights(data, shift=1e-4).weights == pytest.approx(
        pymcdm.weights.entropy_weights(data + 1e-4), abs=1e-12)


def test_entropy_errors():
    with pytest.raises(InputError, match="at least two units"):
        entropy_weights(np.array([[0.5, 0.2]]))
    with pytest.raises(InputError, match="values ≥ 0"):
        entropy_weights(np.array([[-1.0, 0.2], [0.5, 0.3]]))


def test_critic_weights_by_hand_and_pymcdm():
    data = np.array([[0.0, 1.0, 0.2], [0.5, 0.4, 1.0], [1.0, 0.0, 0.0], [0.25, 0.7, 0.6]])
    n = len(data)
    # By hand: sample sd, Pearson r from sums, C_j = sd_j Σ_k (1 - r_jk).
    means = [sum(data[:, j]) / n for j in range(3)]
    sds = [math.sqrt(sum((data[i, j] - means[j]) ** 2 for i in range(n)) / (n - 1)) for j in range(3)]

    def r(a, b):
        cov = sum((data[i, a] - means[a]) * (data[i, b] - means[b]) for i in range(n)) / (n - 1)
        return cov / (sds[a] * sds[b])

    information = [sds[j] * sum(1 - r(j, k) for k in range(3)) for j in range(3)]
    expected = [c / sum(information) for c in information]
    found = critic_weights(data)
    assert found.sd == pytest.approx(sds, abs=1e-14)
    assert found.information == pytest.approx(information, abs=1e-14)
    assert found.weights == pytest.approx(expected, abs=1e-14)
    assert found.weights == pytest.approx(pymcdm.weights.critic_weights(data), abs=1e-12)


def test_critic_on_the_sample_equals_pymcdm(sample_dir):
    import pandas as pd

    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    codes = ["DOCT", "BEDS", "PENS", "EDUSH", "UNEMP"]
    standardised = minmax(panel[codes].to_numpy(float), np.array([1, 1, 1, 1, -1]))
    assert critic_weights(standardised).weights == pytest.approx(
        pymcdm.weights.critic_weights(standardised), abs=1e-12)


def test_cv_equal_and_user_weights():
    found = cv_weights(RAW)
    cv1 = np.std(RAW[:, 0], ddof=1) / 25
    cv2 = np.std(RAW[:, 1], ddof=1) / 7
    assert found.weights == pytest.approx([cv1 / (cv1 + cv2), cv2 / (cv1 + cv2)])
    with pytest.raises(InputError, match=r"a positive mean\); b \(mean -1.5, minimum -2\) do not"):
        cv_weights(np.array([[1.0, -1.0], [2.0, -2.0]]), ["a", "b"])
    # a growth rate around zero: mean 0.01, sd 1.2, CV 120, which took 0.997 of the weight; refused
    growth = np.column_stack([[10.0, 20.0, 30.0, 40.0], [-1.49, 1.5, -0.5, 0.53]])
    with pytest.raises(InputError, match=r"ratio scale .*; GROW \(mean 0.01, minimum -1.49\) do not"):
        cv_weights(growth, ["GDP", "GROW"])
    assert equal_weights(4).tolist() == [0.25] * 4
    assert user_weights([30, 20, 50], ["a", "b", "c"], "X").tolist() == [0.3, 0.2, 0.5]
    with pytest.raises(InputError, match="weight for every indicator of index X; b have none"):
        user_weights([1, None], ["a", "b"], "X")


def test_topsis_equals_pymcdm(sample_dir):
    import pandas as pd

    panel = pd.read_csv(sample_dir / "synthetic_panel.csv")
    rows = panel[panel.year == 2019]
    codes = ["GREEN", "SO2", "WWATR", "WASTE", "PM25"]
    directions = np.array([1, -1, -1, 1, -1])
    raw = rows[codes].to_numpy(float)
    weights = np.array([0.1, 0.3, 0.2, 0.15, 0.25])
    expected = pymcdm.methods.TOPSIS(pymcdm.normalizations.minmax_normalization)(raw, weights, directions)
    assert topsis(minmax(raw, directions), weights) == pytest.approx(expected, abs=1e-12)
