"""qgis_process in the user's language: QGIS's own Chinese setting (``locale/userLocale=zh-Hans``
with the override on) and a Chinese system locale without it both give the Chinese help and
messages; English otherwise."""

from __future__ import annotations

import os
import subprocess
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
QGIS_PROCESS = "/usr/bin/qgis_process.bin"


def qgis_process(tmp_path, ini: str, *arguments, system_locale: str = "C.UTF-8"):
    profile = tmp_path / "profile"
    settings = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[PythonPlugins]\ndigital_resilience=true\n\n" + ini, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(profile),
           "QGIS_PLUGINPATH": str(ROOT / ".build" / "plugins"), "PYTHONPATH": sysconfig.get_paths()["purelib"],
           "XDG_RUNTIME_DIR": str(tmp_path), "LC_ALL": system_locale, "LANG": system_locale}
    env.pop("LANGUAGE", None)
    return subprocess.run([QGIS_PROCESS, *arguments], capture_output=True, text=True, env=env, cwd="/tmp",
                          timeout=300)


@pytest.mark.parametrize(("ini", "system_locale", "chinese"), [
    ("[locale]\nuserLocale=zh-Hans\noverrideFlag=true\n", "C.UTF-8", True),  # QGIS Options › 简体中文
    ("[locale]\nuserLocale=zh-Hant\noverrideFlag=true\n", "C.UTF-8", True),  # 繁體中文: Simplified fallback
    ("", "zh_CN.UTF-8", True),  # "use the system locale", a Chinese system
    ("[locale]\nuserLocale=zh-Hans\noverrideFlag=false\n", "C.UTF-8", False),  # QGIS follows the system
], ids=["zh-Hans", "zh-Hant", "system-zh_CN", "no-override"])
def test_qgis_process_help_and_errors_follow_qgis_language(tmp_path, cities_path, ini, system_locale, chinese):
    help_text = qgis_process(tmp_path, ini, "help", "resilience:spatialweights", system_locale=system_locale).stdout
    run = qgis_process(tmp_path, ini, "run", "resilience:reportmap", "--", f"INPUT={cities_path}", "TITLE=x",
                       f"OUTPUT={tmp_path / 'map.jpg'}", system_locale=system_locale)
    assert run.returncode != 0
    if chinese:
        assert help_text.startswith("空间权重 (resilience:spatialweights)"), help_text[:300]
        assert "请将报告地图保存为" in run.stdout + run.stderr, (run.stdout + run.stderr)[-2000:]
    else:
        assert help_text.startswith("Spatial weights (resilience:spatialweights)"), help_text[:300]
