"""The spillover model finds what the synthetic panel was built with (SYNTHETIC_PANEL.md):
a positive own effect of the digital economy and a positive spillover through W·D."""


from __future__ import annotations

from digital_resilience.core.econometrics.spillover import SpilloverSpec, run_spillover


def test_sdm_two_way_queen_finds_the_spillover(synthetic):
    data, queen, _, _ = synthetic
    result = run_spillover(data, queen, SpilloverSpec(model="SDM", effects="twoway", drop_islands=True,
                                                      draws=500, seed=1))
    effects = result.effects
    direct, direct_se = effects.value("DIG", "direct")
    indirect, indirect_se = effects.value("DIG", "indirect")
    # Own effect: the true β averages 0.75 over the years; spillover: 0.25 W·D plus N's and
    # the heterogeneous β's spatial structure, which the spatial lag partly absorbs.
    assert 0.6 < direct < 1.2 and direct / direct_se > 10
    assert indirect > 0.1 and indirect / indirect_se > 3
    tests = {t.name: t for t in result.tests}
    assert tests["LR: SDM → SAR"].p < 0.01 and tests["LR: SDM → SEM"].p < 0.01
    assert tests["Hausman"].p < 0.01  # the unit effects are correlated with the regressors
    lm = {t.name: t for t in result.lm}
    assert lm["LM lag"].p < 0.01 and lm["LM error"].p < 0.01
    assert set(result.models) == {"OLS", "SLX", "SAR", "SEM", "SDM", "SDEM"}
    assert result.main.n_obs == 366 * 9 and result.main.bias_corrected
