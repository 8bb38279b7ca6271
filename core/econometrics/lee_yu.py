"""The Lee–Yu (2010) bias correction of fixed-effects spatial panel estimates.

ML with fixed effects estimated alongside (Elhorst's demeaning, the "direct approach")
is biased by the incidental parameters: σ² by the factor (T − 1)/T with unit effects, and
with year effects every parameter by O(1/n). The correction follows Elhorst's
``sar_panel_FE``/``sem_panel_FE`` (Elhorst 2014, §3.4; Lee and Yu 2010, J. Econometrics
154: 165–185):

* unit fixed effects:   σ²_BC = T/(T − 1) · σ²             (ρ and β are unbiased);
* time fixed effects:   σ²_BC = n/(n − 1) · σ²;
* two-way effects:      θ_BC = θ + T · I(θ)⁻¹ · [0, 1/(1 − ρ), 1/(2σ²)]'  for θ = (β, ρ, σ²),
                        then σ²_BC = T/(T − 1) · σ²_BC;

where I(θ) is the information matrix (Lee and Yu's Σ scaled by nT). The standard errors
are then evaluated at the corrected estimates.
"""
# ruff: noqa: N803 - matrix notation (W, X, Z, T...) as in the econometrics literature


from __future__ import annotations

import numpy as np

from ..errors import InputError, Message


def correct_fixed_effects(theta, information, effects: str, n: int, T: int, spectrum, model: str,
                          name: str):
    """The corrected (β, ρ, σ²) and a one-line note of what was corrected."""
    theta = np.array(theta, dtype=np.float64)
    if effects == "unit":
        if T < 2:
            raise InputError("Unit fixed effects need at least two years.")
        theta[-1] *= T / (T - 1.0)
        return theta, Message("Lee–Yu correction: σ² × T/(T − 1) = × {factor} (unit fixed effects).",
                              factor=f"{T / (T - 1.0):.4f}")
    if effects == "time":
        theta[-1] *= n / (n - 1.0)
        return theta, Message("Lee–Yu correction: σ² × n/(n − 1) = × {factor} (year fixed effects).",
                              factor=f"{n / (n - 1.0):.4f}")
    rho, sigma2 = theta[-2], theta[-1]
    bias = np.zeros(len(theta))
    bias[-2] = 1.0 / (1.0 - rho)
    bias[-1] = 1.0 / (2.0 * sigma2)
    shift = T * np.linalg.solve(information(theta), bias)
    corrected = theta + shift
    corrected[-1] *= T / (T - 1.0)
    if not spectrum.lower < corrected[-2] < spectrum.upper:
        raise InputError(
            "{model}: the Lee–Yu correction moves {name} to {value:.4f}, outside its admissible range; the "
            "estimate is at the edge of the model. Turn the bias correction off or choose another model.",
            model=model, name=name, value=float(corrected[-2]))
    return corrected, Message("Lee–Yu correction (two-way fixed effects): {name} {before} → {after}, σ² {sigma2} → "
                              "{corrected}, β shifted accordingly.", name=name, before=f"{theta[-2]:+.4f}",
                              after=f"{corrected[-2]:+.4f}", sigma2=f"{sigma2:.4g}", corrected=f"{corrected[-1]:.4g}")
