"""Fisher-Jenks breaks computed in the core against mapclassify's (the independent reference)."""

import numpy as np
import pytest

mapclassify = pytest.importorskip("mapclassify")

from digital_resilience.core.classify import class_breaks, fisher_jenks  # noqa: E402


@pytest.mark.parametrize("kind", ["normal", "integers", "lognormal", "rounded"])
def test_fisher_jenks_breaks_are_mapclassifys_or_an_equally_good_partition(kind):
    rng = np.random.default_rng({"normal": 1, "integers": 2, "lognormal": 3, "rounded": 4}[kind])
    for _ in range(8):
        n, k = int(rng.integers(8, 160)), int(rng.integers(2, 8))
        if kind == "normal":
            x = rng.normal(size=n)
        elif kind == "integers":
            x = rng.integers(0, 12, n).astype(float)
        elif kind == "lognormal":
            x = rng.lognormal(0, 2, n)
        else:
            x = np.round(rng.uniform(0, 1, n), 2)
        if len(np.unique(x)) <= k:
            continue
        expected = [float(b) for b in mapclassify.FisherJenks(x, k=k).bins]
        found = fisher_jenks(x, k)
        if found != expected:  # a tie: another partition with the same (least) sum of squares
            assert within_class_squares(x, found) == pytest.approx(within_class_squares(x, expected), abs=1e-12)
        else:
            assert class_breaks(x, "fisher_jenks", k) == sorted(set(expected))


def within_class_squares(x, bounds) -> float:
    x, low, total = np.sort(x), -np.inf, 0.0
    for bound in bounds:
        members = x[(x > low) & (x <= bound)]
        total += float(((members - members.mean()) ** 2).sum()) if members.size else 0.0
        low = bound
    return total


def test_fisher_jenks_does_not_import_mapclassify():
    import subprocess
    import sys

    code = ("import sys; import numpy as np; from digital_resilience.core.classify import class_breaks; "
            "class_breaks(np.arange(50.0) ** 2, 'fisher_jenks', 5); print('mapclassify' in sys.modules)")
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == "False"
