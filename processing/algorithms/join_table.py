"""resilience:jointable: attach a yearly indicator table (CSV/XLSX) to the city layer."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from ...core.indices.options import ENCODINGS, JOIN_BY, OUTPUT_SHAPES, TABLE_SHAPES
from ..algorithm import ResilienceAlgorithm, core_text, core_texts, core_value, multi_step
from ..io.bridge import WKB, frame_to_sink, read_frame
from ..parameters.choices import chosen, enum_parameter
from ..parameters.classification import add_classification_parameters, classification
from ..parameters.help import as_advanced, with_help
from ..styling import Style, attach_style, graduated_style, latest_field


class JoinTableAlgorithm(ResilienceAlgorithm):
    NAME = "jointable"
    DISPLAY_NAME = "Join indicator table"
    SHORT_DESCRIPTION = "Joins a yearbook indicator table (CSV/XLSX, long or wide) to the cities."
    GROUP = "indices"
    REQUIRES = ("numpy", "pandas", "mapclassify")
    TAGS = "join,table,csv,xlsx,excel,yearbook,panel,indicators,gbk,adcode,统计年鉴,面板"
    HELP = (
        "Attaches a table of yearly indicators (a statistical yearbook export, CSV or XLSX) to a layer of "
        "cities.\n\n"
        "Table layouts (detected, or chosen): long (city, year, indicator, value), wide (city, year, one "
        "column per indicator, like the sample synthetic_panel.csv) or wide by indicator and year (city, "
        "GDPPC_2019, GDPPC2019, 2019_GDPPC, 人均GDP2019年…). CSV files may be UTF-8 (with or without BOM) "
        "or GBK/GB18030 (detected; or force the encoding). The first row holds the column names. Cells "
        "like 1,234.5, 12.5% and full-width digits are read as numbers; empty cells, -, —, … and NA are "
        "missing values; any other text in an indicator column is an error naming its line.\n\n"
        "Joining: by code (e.g. adcode; 110100, '110100' and 110100.0 are the same code) or by name. Names "
        "are normalised: full-width characters and spaces, and the suffixes 市, 地区, 盟, 自治州, 自治县, 林区, "
        "特别行政区 with the ethnic designations before them (延边朝鲜族自治州 = 延边州 = 延边). Nothing is "
        "guessed silently: table rows that fit no city or several cities are not joined, and the report "
        "table lists them, every match made only after normalising, the cities without data, renamed "
        "indicators and skipped columns. Two table rows (or two columns) for one city, indicator and year are an "
        "error that lists them, and so is a table that matches no city at all.\n\n"
        "Output: the layer with the panel attached, either one feature per city with one field per "
        "indicator and year (STEM_YYYY, e.g. GDPPC_2019: the shape the other algorithms read) or one "
        "feature per city and year with a year field (the input's feature id, repeated each year, is then "
        "written as fid_src: a GeoPackage needs its fid unique). Field stems have at most 5 characters: other "
        "indicator names are renamed (your mapping 人均GDP=GDPPC, else V01, V02…) and keep their name in "
        "the field alias. The map shows the first indicator in the latest year."
    )

    INPUT = "INPUT"
    LAYER_KEY = "LAYER_KEY"
    TABLE = "TABLE"
    JOIN_BY = "JOIN_BY"
    TABLE_KEY = "TABLE_KEY"
    LAYOUT = "LAYOUT"
    YEAR_COLUMN = "YEAR_COLUMN"
    INDICATOR_COLUMN = "INDICATOR_COLUMN"
    VALUE_COLUMN = "VALUE_COLUMN"
    INDICATORS = "INDICATORS"
    RENAME = "RENAME"
    ENCODING = "ENCODING"
    SHEET = "SHEET"
    SHAPE = "SHAPE"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Cities"), [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
        self.addParameter(with_help(QgsProcessingParameterField(
            self.LAYER_KEY, self.tr("City key field"), "adcode",
            parentLayerParameterName=self.INPUT, optional=True),
                self.tr("City field to join on (code, e.g. adcode, or name)")))
        self.addParameter(QgsProcessingParameterFile(
            self.TABLE, self.tr("Indicator table (CSV or XLSX)"), behavior=QgsProcessingParameterFile.File,
            fileFilter=self.tr("Tables (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.CSV *.XLSX *.XLS)")))
        self.addParameter(enum_parameter(self.JOIN_BY, self.tr("Join by"), JOIN_BY, {
            "code": self.tr("Code"), "name": self.tr("Name (normalised)")}))
        self.addParameter(with_help(QgsProcessingParameterString(
            self.TABLE_KEY, self.tr("Table key column"), optional=True),
            self.tr("Table column with the codes or names (empty: the city field's name, or adcode, code, name, "
                    "city, 城市, 城市名称, 地区, 行政区划代码, 代码…)")))
        self.addParameter(enum_parameter(self.LAYOUT, self.tr("Table layout"), TABLE_SHAPES, {
            "auto": self.tr("Detect automatically"), "long": self.tr("Long: city, year, indicator, value"),
            "wide": self.tr("Wide: city, year, one column per indicator"),
            "wide_years": self.tr("Wide: city, one column per indicator and year (GDPPC_2019)")}))
        self.addParameter(enum_parameter(self.SHAPE, self.tr("Output"), OUTPUT_SHAPES, {
            "wide": self.tr("One feature per city, a field per indicator and year (STEM_YYYY)"),
            "long": self.tr("One feature per city and year, with a year field")}))
        self.addParameter(enum_parameter(self.ENCODING, self.tr("Text encoding of a CSV table"), ENCODINGS, {
            "auto": self.tr("Detect automatically (UTF-8, UTF-8 with BOM, GBK/GB18030)"), "utf-8": "UTF-8",
            "gb18030": "GBK / GB18030", "big5": "Big5", "latin-1": "Latin-1"}))
        advanced_parameters = [
            QgsProcessingParameterString(self.YEAR_COLUMN, self.tr("Year column (empty: year, 年份, 年…)"),
                                         optional=True),
            with_help(QgsProcessingParameterString(self.INDICATOR_COLUMN, self.tr("Indicator-name column"),
                                                   optional=True),
                      self.tr("Indicator-name column of a long table (empty: indicator, 指标…)")),
            with_help(QgsProcessingParameterString(self.VALUE_COLUMN, self.tr("Value column"), optional=True),
                      self.tr("Value column of a long table (empty: value, 数值…)")),
            with_help(QgsProcessingParameterString(self.INDICATORS, self.tr("Indicators to join"), optional=True),
                      self.tr("Indicators to join, comma-separated (empty: every numeric one)")),
            with_help(QgsProcessingParameterString(self.RENAME, self.tr("Field stems for indicators"), optional=True),
                      self.tr("Field stems for indicator names, e.g. 人均GDP=GDPPC; 宽带用户=BBAND")),
            with_help(QgsProcessingParameterString(self.SHEET, self.tr("XLSX sheet"), optional=True),
                      self.tr("Sheet of an XLSX workbook (empty: the first)")),
        ]
        for parameter in advanced_parameters:
            self.addParameter(as_advanced(parameter))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Cities with indicators")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.REPORT, self.tr("Join report"), QgsProcessing.TypeVector, optional=True))
        add_classification_parameters(self)
        for name, description in (("MATCHED_ROWS", self.tr("Table rows joined")),
                                  ("UNMATCHED_ROWS", self.tr("Table rows not joined")),
                                  ("UNITS_WITHOUT_DATA", self.tr("Cities without data"))):
            self.addOutput(QgsProcessingOutputNumber(name, description))
        self.addOutput(QgsProcessingOutputString("FIELDS", self.tr("Indicator field stems")))

    def process(self, parameters, context, feedback):
        from ...core.errors import Message
        from ...core.indices.encoding import GUESSED
        from ...core.indices.field_names import parse_mapping
        from ...core.indices.join import join_panel
        from ...core.indices.numbers import numeric_share
        from ...core.indices.table_shapes import CODE_NAMES, NAME_NAMES, find_column, table_to_panel
        from ...core.indices.tables import EXCEL, read_table
        from ...core.names import name_column

        source = self.input_source(parameters, context)
        steps = multi_step(4, feedback)
        path = self.parameterAsFile(parameters, self.TABLE, context)
        if path.lower().endswith(EXCEL):
            self.check_dependencies(("openpyxl",))
        layer_key = self.parameterAsString(parameters, self.LAYER_KEY, context) or "adcode"
        if source.fields().lookupField(layer_key) < 0:
            raise QgsProcessingException(self.tr(
                "The cities have no field {field}; choose the field with the codes or names to join on.").format(
                    field=layer_key))
        by = chosen(self, parameters, self.JOIN_BY, JOIN_BY, context)
        encoding = chosen(self, parameters, self.ENCODING, ENCODINGS, context)
        table = read_table(path, encoding, self.parameterAsString(parameters, self.SHEET, context) or None)
        if table.encoding:
            feedback.pushInfo(self.tr("Read {rows} rows of {path} ({encoding}).").format(
                rows=len(table.frame), path=path, encoding=table.encoding))
            if encoding == "auto" and table.encoding in GUESSED:
                feedback.pushWarning(self.tr(
                    "The text encoding {encoding} was guessed: if names or column names look garbled, choose the "
                    "file's encoding in “Text encoding of a CSV table” (or save it as “CSV UTF-8”).").format(
                        encoding=table.encoding))
        given_key = self.parameterAsString(parameters, self.TABLE_KEY, context).strip() or None
        candidates = (layer_key, *(CODE_NAMES if by == "code" else NAME_NAMES))
        what = Message("codes or names of the cities")
        table_key = find_column(table.frame.columns, given_key, candidates, what, required=False)
        if table_key is None and by == "code":
            # A yearbook table keyed by the cities' names (城市, 城市名称, 地区 … holding names, not
            # codes): join on the layer's name field.
            name_key = find_column(table.frame.columns, None, NAME_NAMES, what, required=False)
            layer_names = name_column(source.fields().names())
            if name_key and layer_names and numeric_share(table.frame[name_key]) < 0.5:
                by, table_key, layer_key = "name", name_key, layer_names
                feedback.pushInfo(self.tr("The table has no column of codes: its column {column} is joined on the "
                                          "cities' names ({field}).").format(column=name_key, field=layer_names))
        if table_key is None:
            table_key = find_column(table.frame.columns, given_key, candidates, what)
        indicators = [s.strip() for s in self.parameterAsString(parameters, self.INDICATORS, context).split(",")
                      if s.strip()]
        panel = table_to_panel(
            table.frame, table_key, chosen(self, parameters, self.LAYOUT, TABLE_SHAPES, context),
            self.parameterAsString(parameters, self.YEAR_COLUMN, context).strip() or None,
            self.parameterAsString(parameters, self.INDICATOR_COLUMN, context).strip() or None,
            self.parameterAsString(parameters, self.VALUE_COLUMN, context).strip() or None,
            indicators or None)
        feedback.pushInfo(self.tr("Layout: {layout}; key column: {key}; year column: {year}; {count} "
                                  "indicator(s).").format(layout=panel.shape, key=panel.key_column,
                                                          year=panel.year_column or "-",
                                                          count=len(panel.indicators)))
        steps.setCurrentStep(1)
        frame = read_frame(source, geometry=WKB, feedback=steps)
        steps.setCurrentStep(2)
        shape = chosen(self, parameters, self.SHAPE, OUTPUT_SHAPES, context)
        result = join_panel(frame, layer_key, panel, by=by, shape=shape,
                            rename=parse_mapping(self.parameterAsString(parameters, self.RENAME, context)),
                            labels=indicator_labels())
        self.log_report(result, feedback)

        steps.setCurrentStep(3)
        # Each field's alias names its indicator (宽带用户 2011; the template's name for a known code),
        # in the file itself as well as in the style.
        dest_id = frame_to_sink(self, parameters, self.OUTPUT, context, result.frame, source.wkbType(),
                                source.sourceCrs(), base_fields=source.fields(), aliases=core_texts(result.aliases),
                                feedback=steps)
        first = next(iter(result.stems.values()))
        latest = result.years[-1]
        year_field = "year" if shape == "long" else None
        column = first if (latest is None or year_field) else f"{first}_{latest}"
        values = result.frame[column] if year_field is None else \
            result.frame.loc[result.frame[year_field] == latest, column]
        attribute = latest_field(first, latest, year_field)
        attach_style(context, dest_id, graduated_style(values, attribute, ramp="Blues",
                                                       aliases=core_texts(result.aliases),
                                                       name=self.tr("Cities with indicators"), allow_empty=True,
                                                       **classification(self, parameters, context)))
        results = {self.OUTPUT: dest_id, "MATCHED_ROWS": result.matched_rows,
                   "UNMATCHED_ROWS": result.unmatched_rows, "UNITS_WITHOUT_DATA": result.units_without_data,
                   "FIELDS": ",".join(result.stems.values())}
        report = result.report.copy()
        for column in ("unit", "lines", "detail"):
            report[column] = report[column].map(core_value)
        report_id = frame_to_sink(self, parameters, self.REPORT, context, report)
        if report_id is not None:
            results[self.REPORT] = report_id
            attach_style(context, report_id, Style(aliases={
                "issue": self.tr("Issue"), "key": self.tr("Table value"), "unit": self.tr("City"),
                "lines": self.tr("Lines in the table"), "detail": self.tr("Detail")},
                name=self.tr("Join report")))
        return results

    def log_report(self, result, feedback) -> None:
        labels = {
            "unmatched": self.tr("Not joined, fits no city: {key} (lines {lines})"),
            "ambiguous": self.tr("Not joined, fits several cities ({unit}): {key} (lines {lines})"),
            "normalised": self.tr("Matched after normalising: {key} → {unit}"),
            "no_data": self.tr("City without data: {unit}"),
            "renamed": self.tr("Indicator {key} written as field stem {unit}"),
            "skipped_column": self.tr("Column {key} skipped (not numeric, or no year in its name)"),
        }
        read_as = self.tr("Column {key}, lines {lines}: {detail}")
        for row in result.report.itertuples():
            text = labels.get(row.issue, read_as).format(key=row.key, unit=core_value(row.unit),
                                                         lines=core_value(row.lines), detail=core_value(row.detail))
            if row.issue in ("unmatched", "ambiguous", "no_data", "not_finite", "thousands", "percent"):
                feedback.pushWarning(text)
            else:
                feedback.pushInfo(text)
        for warning in result.warnings:
            feedback.pushWarning(core_text(warning))
        feedback.pushInfo(self.tr("{matched} table rows joined, {unmatched} not joined; {empty} cities without "
                                  "data.").format(matched=result.matched_rows, unmatched=result.unmatched_rows,
                                                  empty=result.units_without_data))


def indicator_labels() -> dict:
    """{indicator code: bilingual name} of the shipped indicator system (the sample's BBAND,
    GDPPC …): a table column with a known code gets the indicator's name as its fields' alias."""
    from ...core.indices.system import read_system
    from ...core.indices.templates import template_path

    system = read_system(template_path("digital_resilience"))
    return {indicator.code: indicator.label for index in system.indices for indicator in index.indicators}
