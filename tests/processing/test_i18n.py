"""Translations: Chinese (zh_CN) through the shipped .qm, and the extraction tooling."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def chinese(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication

    from digital_resilience.plugin.plugin import install_translator

    translator = install_translator("zh_CN")
    assert translator is not None, "resources/i18n/digital_resilience_zh_CN.qm is missing"
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_provider_groups_and_algorithms_in_chinese(provider, chinese):
    from digital_resilience.processing.algorithm import translate

    assert provider.name() == "数字韧性"
    by_name = {alg.name(): alg for alg in provider.algorithms()}
    assert by_name["spatialweights"].group() == "空间权重"
    assert by_name["reportmap"].group() == "地图与报告"
    assert by_name["reportmap"].displayName() == "报告地图"
    assert by_name["reportmap"].shortHelpString().startswith("将已设置样式的图层")
    assert translate("Spillover and dynamics") == "空间溢出与动态"
    # Parameter descriptions are translated when an algorithm instance is initialised.
    fresh = by_name["spatialweights"].createInstance()
    fresh.initAlgorithm()
    assert fresh.parameterDefinition("KIND").description() == "空间权重类型"


def test_core_input_error_is_translated_then_filled(chinese):
    from digital_resilience.core.errors import InputError
    from digital_resilience.processing.algorithms.report_map import ReportMapAlgorithm

    error = InputError("The weights file {path} does not exist.", path="queen.gal")
    assert ReportMapAlgorithm().error_text(error) == "权重文件 queen.gal 不存在。"


def test_processing_error_and_legend_labels_in_chinese(provider, chinese, cities_path, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    from digital_resilience.processing.styling import lisa_style

    with pytest.raises(QgsProcessingException, match="请将报告地图保存为"):
        processing.run("resilience:reportmap", {"INPUT": str(cities_path), "TITLE": "x",
                                                "OUTPUT": str(tmp_path / "map.jpg")})
    labels = [label for _, _, label in lisa_style("LISA_CL").renderer.categories]
    assert labels[:6] == ["高-高", "低-低", "低-高", "高-低", "不显著", "无邻居"]


def test_every_extracted_string_is_in_the_ts_file():
    """Run `python scripts/i18n.py update` after adding user-visible strings (then translate)."""
    i18n = load_i18n_script()
    known = i18n.read_ts(i18n.ts_path("zh_CN"))
    missing = [(m.context, m.source[:60], m.filename) for m in i18n.extract() if (m.context, m.source) not in known]
    assert missing == []


def test_shipped_qm_is_compiled_from_the_ts(tmp_path):
    i18n = load_i18n_script()
    if i18n.lrelease_binary() is None:
        pytest.skip("lrelease (qttools5-dev-tools) is not installed")
    qm = i18n.compile_ts(i18n.ts_path("zh_CN"), tmp_path / "zh.qm")
    assert qm.read_bytes() == i18n.ts_path("zh_CN").with_suffix(".qm").read_bytes()


def test_extractor_finds_tr_wrappers_algorithm_texts_and_core_templates(tmp_path):
    i18n = load_i18n_script()
    (tmp_path / "core").mkdir()
    (tmp_path / "processing").mkdir()
    (tmp_path / "core" / "thing.py").write_text(textwrap.dedent('''
        def check(x):
            if x:
                raise InputError("Field {field} is constant; choose another.", field=x)
    '''), encoding="utf-8")
    (tmp_path / "processing" / "alg.py").write_text(textwrap.dedent('''
        from qgis.PyQt.QtCore import QCoreApplication

        def tr(text):
            return QCoreApplication.translate("Helpers", text)

        def translate(text, context="Base"):
            return QCoreApplication.translate(context, text)

        class MyAlgorithm:
            NAME = "mine"
            DISPLAY_NAME = "My algorithm"
            HELP = ("Long "
                    "help.")
            def initAlgorithm(self):
                self.tr("Input layer")
                self.tr("Other", "Elsewhere")
                tr("Helper text")
                translate("Base text")
                translate("Core text", "core")
                QCoreApplication.translate("Direct", "Direct text")
                self.tr(variable)
    '''), encoding="utf-8")
    found = {(m.context, m.source) for m in i18n.extract(tmp_path)}
    assert found == {
        ("core", "Field {field} is constant; choose another."),
        ("MyAlgorithm", "My algorithm"), ("MyAlgorithm", "Long help."), ("MyAlgorithm", "Input layer"),
        ("Elsewhere", "Other"), ("Helpers", "Helper text"), ("Base", "Base text"), ("core", "Core text"),
        ("Direct", "Direct text"),
    }
    path = tmp_path / "x.ts"
    messages = i18n.extract(tmp_path)
    i18n.write_ts(path, "zh_CN", messages, {("Helpers", "Helper text"): ("助手文本", None)})
    again = i18n.read_ts(path)
    assert again[("Helpers", "Helper text")] == ("助手文本", None)
    assert again[("Base", "Base text")] == ("", "unfinished")
    if shutil.which("lrelease"):
        assert i18n.compile_ts(path).exists()
