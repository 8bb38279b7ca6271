"""Build the plugin zip that the QGIS plugin repository accepts.

The zip has one top folder, ``digital_resilience/``, holding ``__init__.py``,
``metadata.txt`` and ``LICENSE`` at its first level and the plugin's packages and
resources below; no tests, benchmarks, CI files, build tools, ``__pycache__``,
``.pyc`` or ``.git``. In a git checkout, files that git ignores (build output, caches)
never ship. Standard library only.

    python scripts/build_zip.py [--out dist]
"""

from __future__ import annotations

import argparse
import configparser
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = "digital_resilience"
SHIPPED_FILES = ("__init__.py", "metadata.txt", "LICENSE", "README.md")
SHIPPED_DIRS = ("core", "processing", "plugin", "resources")
NEVER = ("__pycache__", ".pyc", ".pyo", ".git", ".DS_Store", ".ts")


def metadata_version(root: Path = ROOT) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(root / "metadata.txt", encoding="utf-8")
    return parser["general"]["version"]


def candidate_files(root: Path = ROOT) -> list[Path]:
    """Files of the shipped parts that git does not ignore (all files outside git)."""
    files = []
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", *SHIPPED_FILES, *SHIPPED_DIRS],
            capture_output=True, check=True,
        ).stdout.decode("utf-8").split("\0")
        files = [root / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        pass
    if not files:
        files = [root / name for name in SHIPPED_FILES]
        for folder in SHIPPED_DIRS:
            files.extend(p for p in (root / folder).rglob("*") if p.is_file())
    return sorted(p for p in files if p.exists() and not any(part in str(p) for part in NEVER))


def build(out_dir: Path, root: Path = ROOT) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{TOP}-{metadata_version(root)}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in candidate_files(root):
            archive.write(path, f"{TOP}/{path.relative_to(root).as_posix()}")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    target = build(args.out)
    size = target.stat().st_size
    with zipfile.ZipFile(target) as archive:
        count = len(archive.namelist())
    print(f"{target} ({count} files, {size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
