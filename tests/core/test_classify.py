"""Fisher-Jenks breaks computed in the core against mapclassify's (the independent reference)."""

import numpy as np
import pytest

mapclassify = pytest.importorskip("mapclassify")

from digital_resilience.core.classify import class_breaks, fisher_jenks  # noqa: E402


def sample_values(rng, kind: str, n: int, distinct: int) -> np.ndarray:
    """n test values of a kind: normal, integers (0 … distinct − 1), lognormal, rounded to 2
    decimals, or blocks of 10 equal values (heavy ties)."""
    if kind == "normal":
        return rng.normal(size=n)
    if kind == "integers":
        return rng.integers(0, distinct, n).astype(float)
    if kind == "lognormal":
        return rng.lognormal(0, 2, n)
    if kind == "rounded":
        return np.round(rng.uniform(0, 1, n), 2)
    return np.repeat(rng.normal(size=n // 10 + 1), 10)


@pytest.mark.parametrize("kind", ["normal", "integers", "lognormal", "rounded"])
def test_fisher_jenks_breaks_are_mapclassifys_or_an_equally_good_partition(kind):
    rng = np.random.default_rng({"normal": 1, "integers": 2, "lognormal": 3, "rounded": 4}[kind])
    for _ in range(8):
        n, k = int(rng.integers(8, 160)), int(rng.integers(2, 8))
        x = sample_values(rng, kind, n, distinct=12)
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


def full_search_bounds(x, k):
    """Fisher's dynamic programme trying every start of the last class for every end (O(k n²)):
    the plain reference for the divide-and-conquer search of the core."""
    data = np.sort(np.asarray(x, dtype=float))
    n = data.size
    s1 = np.concatenate([[0.0], np.cumsum(data - data.mean())])
    s2 = np.concatenate([[0.0], np.cumsum((data - data.mean()) ** 2)])
    cost = np.full(n + 1, np.inf)
    cost[0] = 0.0
    starts = np.zeros((k + 1, n + 1), dtype=np.int64)
    for c in range(1, k + 1):
        new = np.full(n + 1, np.inf)
        for end in range(c, n - (k - c) + 1):
            begin = np.arange(c - 1, end)
            total = s1[end] - s1[begin]
            candidates = cost[begin] + ((s2[end] - s2[begin]) - total * total / (end - begin))
            starts[c, end] = begin[int(np.argmin(candidates))]
            new[end] = candidates.min()
        cost = new
    bounds, end = [], n
    for c in range(k, 0, -1):
        bounds.append(float(data[end - 1]))
        end = starts[c, end]
    return bounds[::-1]


@pytest.mark.parametrize("kind", ["normal", "integers", "lognormal", "blocks"])
def test_fisher_jenks_finds_the_full_searchs_partition(kind):
    """The divide-and-conquer search gives the full search's bounds (the same first minimiser of
    every class end); with no more distinct values than classes, any partition of zero within-class
    variance is optimal, and both give the same distinct bounds."""
    rng = np.random.default_rng({"normal": 5, "integers": 6, "lognormal": 7, "blocks": 8}[kind])
    for _ in range(12):
        n, k = int(rng.integers(5, 400)), int(rng.integers(2, 9))
        x = sample_values(rng, kind, n, distinct=6)
        k = min(k, x.size)
        expected, found = full_search_bounds(x, k), fisher_jenks(x, k, sample=x.size)
        if len(np.unique(x)) > k:
            assert found == expected
        else:
            assert sorted(set(found)) == sorted(set(expected))
