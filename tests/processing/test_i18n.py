"""Translations: Chinese (zh_CN) through the shipped .qm, and the extraction tooling."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Two lower-case English words in a row: a phrase left in English (codes, symbols and
#: names such as "Bonferroni", "AIC", "Getis-Ord General G" or "PNG (*.png)" are fine).
ENGLISH_PHRASE = re.compile(r"\b[a-z]{2,}\s+[a-z]{2,}\b")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def reads_in_chinese(text: str) -> bool:
    return bool(CJK.search(text)) or not ENGLISH_PHRASE.search(text)


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
        LABELS = {"a": Message("Label A")}

        def check(x):
            if x:
                raise InputError("Field {field} is constant; choose another.", field=x)
            return Message("{count} note(s)", count=2)

        def report(tr=str):
            return tr("Report heading")
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

        def ALIASES(algorithm):
            tr = algorithm.tr
            return {"A": tr("Alias A"), "B": algorithm.tr("Alias B")}
    '''), encoding="utf-8")
    found = {(m.context, m.source) for m in i18n.extract(tmp_path)}
    assert found == {
        ("core", "Field {field} is constant; choose another."), ("core", "Label A"), ("core", "{count} note(s)"),
        ("core", "Report heading"), ("MyAlgorithm", "Alias A"), ("MyAlgorithm", "Alias B"),
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


def test_templates_built_at_run_time_are_reported(tmp_path):
    i18n = load_i18n_script()
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text(textwrap.dedent('''
        def fail(template, ok):
            raise InputError(template + " Try again.") if ok else InputError(f"{ok} failed")
    '''), encoding="utf-8")
    assert [line for _, line, _ in i18n.computed_templates(tmp_path)] == [3, 3]
    # The plugin itself writes every template as one literal, so every one reaches the .ts file.
    assert i18n.computed_templates() == []


def test_no_translation_drops_or_renames_a_placeholder():
    """Every {placeholder} (with its format spec) of a source is in its translation, and no other."""
    i18n = load_i18n_script()
    broken = []
    for (context, source), (text, kind) in i18n.read_ts(i18n.ts_path("zh_CN")).items():
        if kind in (None, "finished") and text:
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                broken.append((context, source[:60], text[:60]))
    assert broken == []


def algorithm_texts(provider) -> dict:
    """{(algorithm, what): text} of every user-visible text of every algorithm in the current language.

    The provider reloads its algorithms first: a shipped model's texts come from its file and
    are translated when it is loaded, in the language QGIS runs in."""
    provider.refreshAlgorithms()
    texts = {}
    for algorithm in provider.algorithms():
        name = algorithm.name()
        texts.update({(name, "name"): algorithm.displayName(), (name, "group"): algorithm.group(),
                      (name, "help"): algorithm.shortHelpString(), (name, "tags"): ",".join(algorithm.tags())})
        instance = algorithm.createInstance()
        instance.initAlgorithm()
        for parameter in instance.parameterDefinitions():
            texts[(name, parameter.name())] = parameter.description()
            if parameter.type() == "enum":
                texts.update({(name, f"{parameter.name()}[{i}]"): option
                              for i, option in enumerate(parameter.options())})
        texts.update({(name, output.name()): output.description() for output in instance.outputDefinitions()})
    return texts


#: Texts that read the same in both languages: names, codes and symbols (QGIS's colour ramps
#: and the text encodings are named as QGIS and Python name them).
SAME_IN_BOTH = {"AIC", "R²", "Bonferroni", "Getis-Ord General G", "Big5", "Latin-1"}


def same_in_both(text: str) -> bool:
    from digital_resilience.processing.styling import RAMP_NAMES

    return text in SAME_IN_BOTH or text in RAMP_NAMES or not re.search("[a-z]{2}", text)


def test_every_algorithm_reads_in_chinese(provider, chinese):
    """Display name, group, help, tags, every parameter, enum option and output are translated (a text
    the same in English and Chinese must be a code or a symbol), and every display name is Chinese."""
    from qgis.PyQt.QtCore import QCoreApplication

    QCoreApplication.removeTranslator(chinese)
    try:
        english = algorithm_texts(provider)
    finally:
        QCoreApplication.installTranslator(chinese)
    translated = algorithm_texts(provider)
    assert translated.keys() == english.keys() and len(translated) > 500
    untranslated = {key: text for key, text in translated.items() if text == english[key] and not same_in_both(text)}
    assert untranslated == {}
    for algorithm in provider.algorithms():
        assert CJK.search(algorithm.displayName()) and CJK.search(algorithm.group()), algorithm.name()
        assert CJK.search(algorithm.shortHelpString()), algorithm.name()
    assert all(reads_in_chinese(text) for text in translated.values())


def test_enum_options_and_legends_in_chinese(provider, chinese):
    from digital_resilience.processing.algorithms.coupling_coordination import CouplingCoordinationAlgorithm
    from digital_resilience.processing.styling import hotspot_style, scheme_labels

    local_moran = provider.algorithm("localmoran").createInstance()
    local_moran.initAlgorithm()
    assert local_moran.parameterDefinition("CORRECTION").options() == ["无", "错误发现率（Benjamini–Hochberg）",
                                                                       "Bonferroni"]
    assert local_moran.parameterDefinition("WEIGHTS_KIND").options()[:3] == ["Queen 邻接", "Rook 邻接", "K 近邻"]
    assert scheme_labels()["fisher_jenks"] == "自然断点（Fisher–Jenks）"
    legend = [label for _, _, label in hotspot_style("GI_LAB").renderer.categories]
    assert legend[:7] == ["热点（99% 置信度）", "热点（95% 置信度）", "热点（90% 置信度）", "不显著",
                          "冷点（90% 置信度）", "冷点（95% 置信度）", "冷点（99% 置信度）"]
    # The coupling levels name their class once in Chinese, in both languages in English.
    assert CouplingCoordinationAlgorithm.level_label(1, 0.0, "极度失调", "Extreme imbalance") == "1 极度失调 [0.0, 0.1)"


def test_coupling_legend_in_english_names_both(qgis_app):
    from digital_resilience.core.indices.coupling import LEVELS
    from digital_resilience.processing.algorithms.coupling_coordination import CouplingCoordinationAlgorithm

    assert CouplingCoordinationAlgorithm.level_label(*LEVELS[-1]) == "10 优质协调 High-quality coordination [0.9, 1.0]"


def test_core_messages_are_translated_with_their_values(chinese):
    from digital_resilience.core.errors import InputError, Message, preview
    from digital_resilience.processing.algorithm import core_text, core_value

    note = Message("{count} unit(s) without neighbours were left out: {units}.", count=12, units=preview(range(12)))
    assert core_text(note) == "已剔除 12 个没有邻居的单元：0, 1, 2, 3, 4, 5, 6, 7, 8, 9 等（另有 2 个）。"
    error = InputError("{name} has values for only {count} unit(s); spatial autocorrelation needs at least {minimum}.",
                       name=Message("the variable"), count=2, minimum=3)
    assert core_text(error) == "该变量 只在 2 个单元中有值；空间自相关至少需要 3 个。"
    assert core_text("Hot spot class") == "冷热点类型"  # a label a core table keeps as a plain string
    assert core_value("北京市") == "北京市" and core_value(3) == 3


def test_a_translation_that_breaks_the_template_falls_back_to_english(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from digital_resilience.core.errors import Message
    from digital_resilience.processing.algorithm import core_text

    class Broken(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):
            return "{renamed}" if source == "{count} unit(s) with missing values were left out: {units}." else ""

    translator = Broken()
    QCoreApplication.installTranslator(translator)
    try:
        note = Message("{count} unit(s) with missing values were left out: {units}.", count=1, units="A")
        assert core_text(note) == "1 unit(s) with missing values were left out: A."
    finally:
        QCoreApplication.removeTranslator(translator)


def test_a_core_warning_reaches_the_feedback_in_chinese(provider, chinese, cities_frame, tmp_path):
    """A note the core returns (units with NULL values left out) is pushed to the log in Chinese."""
    import processing
    from qgis.core import QgsProcessingFeedback

    class Recorder(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings, self.infos = [], []

        def pushWarning(self, text):
            self.warnings.append(text)

        def pushInfo(self, text):
            self.infos.append(text)

    frame = cities_frame[["adcode", "geometry"]].copy()
    frame["GAPS"] = [None if i % 50 == 0 else float(i % 7) for i in range(len(frame))]
    path = tmp_path / "gaps.gpkg"
    frame.to_file(path, layer="gaps", driver="GPKG")
    feedback = Recorder()
    processing.run("resilience:globalautocorrelation",
                   {"INPUT": f"{path}|layername=gaps", "FIELDS": ["GAPS"], "WEIGHTS_ID_FIELD": "adcode",
                    "STATISTICS": [0], "PERMUTATIONS": 0, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)
    assert any(w.startswith("GAPS：已剔除 8 个含 NULL 值的单元：") for w in feedback.warnings), feedback.warnings
    assert any("没有邻居，未参与检验（“无邻居”）" in w for w in feedback.warnings)
    assert any(i.startswith("GAPS 莫兰指数（Moran's I）（随机化假设）：") for i in feedback.infos), feedback.infos


def test_extractor_reads_the_context_of_a_translator(tmp_path):
    """``tr = translator("Ctx")`` (processing/translation.py) is every helper module's ``tr``."""
    i18n = load_i18n_script()
    (tmp_path / "processing").mkdir()
    (tmp_path / "processing" / "helper.py").write_text(textwrap.dedent('''
        from .translation import translator

        tr = translator("HelperParameters")

        def add(algorithm):
            return tr("Helper label")
    '''), encoding="utf-8")
    assert {(m.context, m.source) for m in i18n.extract(tmp_path)} == {("HelperParameters", "Helper label")}


def test_one_translator_and_no_module_tr_functions():
    """Module texts go through ``processing/translation.py: translator`` (one implementation)."""
    import ast

    defined = []
    for path in sorted((ROOT / "processing").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == "tr":
                defined.append(path.relative_to(ROOT).as_posix())
    # The report builders move to core (issue 15, section 2) and take their translator with them.
    assert set(defined) <= {"processing/autocorrelation_report.py", "processing/mediation_report.py",
                            "processing/convergence_report.py"}


def test_translator_translates_in_its_context(chinese):
    from digital_resilience.processing.translation import translator

    assert translator("WeightsParameters")("Kind of spatial weights") != "Kind of spatial weights"
    assert translator("NoSuchContext")("Kind of spatial weights") == "Kind of spatial weights"
