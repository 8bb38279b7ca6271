"""The Sobel test of an indirect effect a·b (first-order delta method).

    se(ab) = sqrt(b² se_a² + a² se_b²)                         Sobel (1982)
    se(ab) = sqrt(b² se_a² + a² se_b² + se_a² se_b²)           Aroian (1947)

z = a·b / se and a two-sided normal p-value. The test assumes a·b is normal, which it
rarely is in small samples; the bootstrap interval (:mod:`.bootstrap`) does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats


@dataclass
class IndirectTest:
    indirect: float
    se: float
    z: float
    p: float


def sobel(a: float, se_a: float, b: float, se_b: float, aroian: bool = False) -> IndirectTest:
    variance = b * b * se_a * se_a + a * a * se_b * se_b
    if aroian:
        variance += se_a * se_a * se_b * se_b
    se = math.sqrt(variance)
    z = a * b / se if se > 0 else float("nan")
    return IndirectTest(a * b, se, z, float(2.0 * stats.norm.sf(abs(z))))
