"""The entry point of ``resilience:spatialdurbin``: a spatial model with its effects,
the neighbouring models for comparison and the specification tests.

``run_spillover(data, weights, spec)`` aligns the weights with the data's units (leaving
out islands on request), estimates the chosen model, its effects with simulated
inference, the other models of the family for the comparison table and the LR tests, the
LM tests, and the Hausman test when the model has a fixed/random-effects counterpart. Only the
chosen model's failure is an error: a comparison model that cannot be estimated (e.g. its ρ at
the bound) is left out, with the tests that need it, and named in ``warnings``.

Standard errors (``spec.standard_errors``, pooled and fixed-effects models): "information" — the
information matrix of the ML models, classical ones for least squares; "cluster" — the least-squares
models (OLS, SLX) clustered by city (CR1, ``core.regression.ols``), the ML models keep the information
matrix (a note says so); "bootstrap" — the chosen model (and its effects) by the wild cluster bootstrap
by city (:mod:`.bootstrap`), the least-squares comparison models clustered by city, the ML comparison
models with the information matrix. The Hausman test always uses the information-matrix (classical)
covariance, which it assumes.
"""

# ruff: noqa: N803, N806 - matrix notation (W, X, Z, T...) as in the econometrics literature
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, Message, preview
from ..names import labelled
from ..progress import report, span
from ..weights.model import SpatialWeights
from .bootstrap import DRAWS as BOOTSTRAP_DRAWS
from .bootstrap import bootstrap_effects, bootstrapped, check_clusters, failures_note, wild_cluster_bootstrap
from .data import EFFECT_LABELS, FIXED_EFFECTS, RANDOM_EFFECTS, PanelData
from .design import ERROR_MODELS, LAG_MODELS, ML_MODELS, MODELS
from .diagnostics import Test, hausman, lm_tests, lr_test, wald_common_factor, wald_no_durbin
from .effects import EffectsTable, compute_effects
from .error import fit_error
from .lag import fit_lag
from .ols import fit_ols
from .options import EFFECTS, STANDARD_ERRORS
from .random_effects import fit_random_effects
from .results import ModelResult
from .spectrum import Spectrum


@dataclass
class SpilloverSpec:
    """What to estimate. ``durbin``: the variables with a W·X term (None: all). ``standard_errors``: one
    of :data:`STANDARD_ERRORS` (module docstring), ``bootstrap_draws`` the bootstrap's B (seed ``seed``)."""

    model: str = "SDM"
    effects: str = "twoway"
    bias_correction: bool = True
    durbin: list | None = None
    draws: int = 1000
    seed: int = 1
    compare: bool = True
    drop_islands: bool = False
    standard_errors: str = "information"
    bootstrap_draws: int = BOOTSTRAP_DRAWS
    #: Labels of the units in messages (``core.names.unit_labels``: "三沙市 (460300)"); ids if None.
    labels: dict | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.model not in MODELS:
            raise InputError("Unknown model “{model}”; use one of {models}.", model=self.model,
                             models=", ".join(MODELS))
        if self.effects not in EFFECTS:
            raise InputError("Unknown panel effects “{effects}”; use one of {choices}.", effects=self.effects,
                             choices=", ".join(EFFECTS))
        if self.draws < 0:
            raise InputError("The number of simulation draws must be positive (e.g. 1000).")
        if self.standard_errors not in STANDARD_ERRORS:
            raise InputError("Unknown type of standard errors “{kind}”; use one of {kinds}.",
                             kind=self.standard_errors, kinds=", ".join(STANDARD_ERRORS))
        if self.standard_errors == "bootstrap" and self.bootstrap_draws < 2:
            raise InputError("The bootstrap needs at least 2 draws (e.g. {draws}); set the number of bootstrap "
                             "draws in the advanced options.", draws=BOOTSTRAP_DRAWS)


@dataclass
class SpilloverResult:
    main: ModelResult
    effects: EffectsTable
    models: dict[str, ModelResult]
    lm: list[Test]
    tests: list[Test]
    data: PanelData
    weights: SpatialWeights
    spectrum: Spectrum
    spec: SpilloverSpec
    notes: list[str] = field(default_factory=list)
    #: The notes that call for attention (also in ``notes``): models left out of the comparison.
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self):
        return self.data.years


# ------------------------------------------------------------------ weights
def align_weights(weights: SpatialWeights, unit_ids) -> SpatialWeights:
    """The weights among ``unit_ids``, in that order (an error names units without weights)."""
    index = pd.Index(weights.ids)
    positions = index.get_indexer(pd.Index(unit_ids))
    if (positions < 0).any():
        missing = np.asarray(unit_ids)[positions < 0]
        raise InputError("The spatial weights have no entry for the unit(s) {units}; build the weights from the "
                         "same layer (and id field).", units=preview(missing))
    if len(positions) == weights.n and (positions == np.arange(weights.n)).all():
        return weights
    return weights.subset(positions)


def without_islands(data: PanelData, weights: SpatialWeights, drop: bool, needed: bool, labels=None):
    """(data, weights, notes) with no unit lacking neighbours, or an error naming them
    (by their ``labels``, e.g. "三沙市 (460300)")."""
    notes = []
    while len(weights.islands) and needed:
        islands = labelled(weights.ids[weights.islands], labels)
        if not drop:
            raise InputError(
                "Maximum-likelihood spatial models need every unit to have a neighbour, but {count} unit(s) have "
                "none with these weights: {units}. Use k-nearest neighbours (every unit then has k neighbours), "
                "or turn on “Leave out units without neighbours”.",
                count=len(islands), units=preview(islands))
        keep = np.setdiff1d(np.arange(weights.n), weights.islands)
        notes.append(Message("{count} unit(s) without neighbours were left out: {units}.", count=len(islands),
                             units=preview(islands)))
        data = data.subset_units(keep)
        weights = weights.subset(keep)
    return data, weights, notes


def spectrum_for(weights: SpatialWeights, seed: int = 0) -> Spectrum:
    """The spectrum of the transformed W (real eigenvalues when W is similar to symmetric)."""
    scale = None
    if weights.transform == "R" and weights.is_symmetric:
        scale = np.asarray(weights.matrix.sum(axis=1)).ravel()
        scale = scale if (scale > 0).all() else None
    return Spectrum(weights.transformed(), symmetric_scale=scale, seed=seed)


# ------------------------------------------------------------------- models
def fit_model(data, W, spectrum, model: str, effects: str, durbin=None, bias_correction=True,
              clustered: bool = False) -> ModelResult:
    """Estimate one model with the given panel effects (``clustered``: least-squares standard errors
    clustered by city; the ML models ignore it)."""
    if not data.is_panel and effects != "none":
        effects = "none"
    if effects in RANDOM_EFFECTS:
        return fit_random_effects(data, W, spectrum, model, effects, durbin)
    if model in LAG_MODELS:
        return fit_lag(data, W, spectrum, model, effects, durbin, bias_correction)
    if model in ERROR_MODELS:
        return fit_error(data, W, spectrum, model, effects, durbin, bias_correction)
    return fit_ols(data, W, model, effects, durbin, clustered)


def _family(model: str, effects: str) -> list[str]:
    """The models fitted for the comparison table (the chosen one first)."""
    family = ["OLS", "SLX", "SAR", "SEM", "SDM", "SDEM"]
    if effects in RANDOM_EFFECTS:
        family = [m for m in family if m not in ERROR_MODELS]
    return [model] + [m for m in family if m != model]


def run_spillover(data: PanelData, weights: SpatialWeights, spec: SpilloverSpec, progress=None) -> SpilloverResult:
    """Estimate ``spec.model`` on ``data`` with ``weights``; see the module docstring."""
    effects = spec.effects if data.is_panel else "none"
    notes = list(data.notes)
    check_standard_errors(spec, effects)
    weights = align_weights(weights, data.unit_ids)
    needs_ml = spec.model in ML_MODELS
    data, weights, dropped = without_islands(data, weights, spec.drop_islands, needs_ml, spec.labels)
    warnings: list[Message] = list(dropped)  # units left out: a warning (notes get it at the end)
    bootstrap = spec.standard_errors == "bootstrap"
    clustered = spec.standard_errors != "information"  # least-squares models by city with either robust choice
    spectrum = spectrum_for(weights, seed=spec.seed)
    W = spectrum.W
    report(progress, 0.05)
    # Phases of the progress: the bootstrap, when there is one, takes most of the time.
    fitted, effects_end, compare_end = (0.75, 0.78, 0.95) if bootstrap else (0.25, 0.5, 0.8)
    robust = fit_with_standard_errors(data, spectrum, spec, effects, spec.durbin, span(progress, 0.05, fitted))
    main, plain = robust.model, robust.plain
    warnings.extend(robust.warnings)
    if robust.boot is not None:
        effects_table = bootstrap_effects(main, robust.boot, spectrum)
    else:
        effects_table = compute_effects(main, spectrum, spec.draws, spec.seed, span(progress, fitted, effects_end))
    if not effects_table.inferred:
        notes.append(Message("No inference on the direct, indirect and total effects (simulation draws = {draws}): "
                             "they are point estimates, without standard errors, z, p or stars. Set at least 2 "
                             "draws (e.g. 1000) in the advanced options.", draws=spec.draws))
    models = {spec.model: main}
    tests: list[Test] = []
    lm: list[Test] = []
    if spec.compare:
        family = _family(spec.model, effects)[1:]
        if len(weights.islands):
            family = [m for m in family if m not in ML_MODELS]
            notes.append(Message("Units without neighbours: the maximum-likelihood models were not estimated "
                                 "for comparison."))
        for i, model in enumerate(family):
            try:
                models[model] = fit_model(data, W, spectrum, model, effects, spec.durbin, spec.bias_correction,
                                          clustered)
            except InputError as error:  # a comparison model only: the chosen one was estimated
                warnings.append(Message(
                    "The {model} model was left out of the comparison table and of the tests that need it: "
                    "{reason}", model=model, reason=error))
            report(progress, effects_end + (compare_end - effects_end) * (i + 1) / len(family))
        try:
            lm = lm_tests(data, W, effects)
        except InputError as error:
            warnings.append(Message("The LM tests were left out: {reason}", reason=error))
        tests = durbin_tests(models)
        tests.extend(hausman_tests(data, W, spectrum, spec, effects, plain, warnings))
    report(progress, 1.0)
    for result in models.values():
        notes.extend(Message("{model}: {note}", model=result.model, note=note) for note in result.notes)
    notes.extend(warnings)
    return SpilloverResult(main, effects_table, _ordered(models), lm, tests, data, weights, spectrum, spec, notes,
                           warnings)


@dataclass
class RobustFit:
    """A model fitted with the spec's standard errors: ``model`` (with them), ``plain`` (information
    matrix), the bootstrap's draws (or None) and the warnings to pass on."""

    model: ModelResult
    plain: ModelResult
    boot: object | None
    warnings: list


def fit_with_standard_errors(data, spectrum, spec: SpilloverSpec, effects: str, durbin=None,
                             progress=None) -> RobustFit:
    """``spec.model`` on ``data`` with ``spec.standard_errors``: the information matrix; clustered by city
    (CR1) for the least-squares models (the ML models keep the information matrix, with a warning); or the
    wild cluster bootstrap by city of the model (``core.econometrics.bootstrap``)."""
    W = spectrum.W
    if spec.standard_errors == "bootstrap":
        check_clusters(data.n)
    plain = fit_model(data, W, spectrum, spec.model, effects, durbin, spec.bias_correction)
    warnings: list = []
    if spec.standard_errors == "bootstrap":
        def refit(redrawn):
            return fit_model(redrawn, W, spectrum, spec.model, effects, durbin, spec.bias_correction)

        boot = wild_cluster_bootstrap(data, W, plain, refit, spec.bootstrap_draws, spec.seed, progress)
        warnings.extend(note for note in [failures_note(boot)] if note is not None)
        return RobustFit(bootstrapped(plain, boot), plain, boot, warnings)
    report(progress, 1.0)
    if spec.standard_errors == "information":
        return RobustFit(plain, plain, None, warnings)
    if spec.model in ML_MODELS:
        warnings.append(Message(
            "Standard errors clustered by city are computed for the least-squares models (OLS, SLX) only: the "
            "{model} model keeps its information-matrix standard errors. Choose the wild cluster bootstrap by city "
            "for standard errors of the {model} model that are robust to errors correlated within a city.",
            model=spec.model))
        return RobustFit(plain, plain, None, warnings)
    return RobustFit(fit_model(data, W, spectrum, spec.model, effects, durbin, spec.bias_correction, True), plain,
                     None, warnings)


def check_standard_errors(spec: SpilloverSpec, effects: str) -> None:
    """Robust standard errors are offered for pooled and fixed-effects models, not random effects."""
    if spec.standard_errors != "information" and effects in RANDOM_EFFECTS:
        raise InputError("Standard errors clustered by city and the wild cluster bootstrap are available for "
                         "pooled and fixed-effects models, not with {effects}: choose city and/or year fixed "
                         "effects, or “information matrix” standard errors.", effects=EFFECT_LABELS[effects])


def _ordered(models: dict) -> dict:
    order = ["OLS", "SLX", "SAR", "SEM", "SDM", "SDEM"]
    return {name: models[name] for name in order if name in models}


def durbin_tests(models: dict) -> list[Test]:
    """LR and Wald tests of the Durbin models against their restrictions."""
    tests = []
    sdm, sar, sem = models.get("SDM"), models.get("SAR"), models.get("SEM")
    if sdm is not None and sar is not None:
        tests.append(lr_test(Message("LR: SDM → SAR"), sdm, sar, Message("θ = 0 (the SDM reduces to the SAR)")))
        tests.append(wald_no_durbin(sdm))
    if sdm is not None and sem is not None:
        tests.append(lr_test(Message("LR: SDM → SEM"), sdm, sem, Message("θ = −ρβ (the SDM reduces to the SEM)")))
        tests.append(wald_common_factor(sdm))
    sdem, slx = models.get("SDEM"), models.get("SLX")
    if sdem is not None and sem is not None:
        tests.append(lr_test(Message("LR: SDEM → SEM"), sdem, sem, Message("θ = 0 (the SDEM reduces to the SEM)")))
    if sdem is not None and slx is not None:
        tests.append(lr_test(Message("LR: SDEM → SLX"), sdem, slx, Message("λ = 0 (the SDEM reduces to the SLX)")))
    if sdm is not None and slx is not None:
        tests.append(lr_test(Message("LR: SDM → SLX"), sdm, slx, Message("ρ = 0 (the SDM reduces to the SLX)")))
    return tests


def hausman_tests(data, W, spectrum, spec: SpilloverSpec, effects: str, main: ModelResult,
                  warnings: list | None = None) -> list[Test]:
    """Hausman test of fixed against random effects for OLS/SLX/SAR/SDM panels (left out, with a
    warning in ``warnings``, when the counterpart cannot be estimated)."""
    if not data.is_panel or spec.model in ERROR_MODELS:
        return []
    counterpart = {"unit": "random", "twoway": "random_time", "random": "unit", "random_time": "twoway"}
    if effects not in counterpart:
        return []
    try:
        other = fit_model(data, W, spectrum, spec.model, counterpart[effects], spec.durbin, spec.bias_correction)
    except InputError as error:
        if warnings is None:
            raise
        warnings.append(Message("The Hausman test was left out: the {model} model with {effects} could not be "
                                "estimated: {reason}", model=spec.model,
                                effects=EFFECT_LABELS[counterpart[effects]], reason=error))
        return []
    fixed, random = (main, other) if effects in FIXED_EFFECTS else (other, main)
    return [hausman(fixed, random)]
