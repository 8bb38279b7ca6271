"""The autocorrelation core on Debian 12's system numpy 1.24 / SciPy 1.10, what QGIS users have.

The venv has newer versions, so an API added later (``scipy.stats.false_discovery_control``,
SciPy 1.11) passes every other test and crashes for users. This runs the statistics, with
permutations and both corrections, in the system Python (no pandas there: the data are read
with ``csv``), with warnings as errors. Skipped where the system Python has no SciPy.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin")

SCRIPT = r"""
import csv, sys, warnings
warnings.simplefilter("error")
sys.path.insert(0, sys.argv[1])
import numpy as np, scipy
from digital_resilience.core.autocorrelation.geary import Geary
from digital_resilience.core.autocorrelation.getis_ord import GeneralG
from digital_resilience.core.autocorrelation.local_geary import LocalGeary
from digital_resilience.core.autocorrelation.local_getis_ord import LocalG
from digital_resilience.core.autocorrelation.local_moran import LocalMoran, LocalMoranBV
from digital_resilience.core.autocorrelation.moran import Moran, MoranBV
from digital_resilience.core.weights.files import read_weights_file
folder = sys.argv[2]
with open(folder + "/columbus.csv", encoding="utf-8") as file:
    rows = list(csv.DictReader(file))
ids = np.array([int(r["POLYID"]) for r in rows])
y = np.array([float(r["CRIME"]) for r in rows])
x = np.array([float(r["INC"]) for r in rows])
queen = read_weights_file(folder + "/columbus_queen.gal", ids)
idw = read_weights_file(folder + "/columbus_knn4_idw.gwt", ids)
for w in (queen, idw, queen.with_transform("B")):
    for correction in ("fdr", "bonferroni"):
        LocalMoran(y, w, permutations=99, seed=1, correction=correction)
        LocalMoranBV(y, x, w, permutations=99, seed=1, correction=correction)
        LocalGeary(y, w, permutations=99, seed=1, correction=correction)
        LocalG(y, w, permutations=99, seed=1, correction=correction)
        LocalG(y, w, star=False, permutations=0, correction=correction)
    Moran(y, w, permutations=99, seed=1)
    MoranBV(y, x, w, permutations=99, seed=1)
    Geary(y, w, permutations=99, seed=1)
    GeneralG(y, w, permutations=99, seed=1)
print(scipy.__version__, np.__version__)
"""


def system_versions():
    if SYSTEM_PYTHON is None:
        return None
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import numpy, scipy; print(scipy.__version__)"],
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


@pytest.mark.skipif(system_versions() is None, reason="no system Python with numpy and SciPy")
def test_autocorrelation_runs_on_the_system_scipy(root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONSAFEPATH"] = "1"
    done = subprocess.run([SYSTEM_PYTHON, "-c", SCRIPT, str(root / ".build" / "plugins"),
                           str(root / "tests" / "reference" / "autocorrelation")],
                          capture_output=True, text=True, env=env, timeout=300, cwd="/tmp")
    assert done.returncode == 0, done.stderr[-2000:]
