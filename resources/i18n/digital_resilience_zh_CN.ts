<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AutocorrelationParameters</name>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="61" />
      <source>Units (cities)</source>
      <translation>单元（城市）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="64" />
      <source>Variables</source>
      <translation>变量</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="64" />
      <source>Variable</source>
      <translation>变量</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="68" />
      <source>Every year</source>
      <translation>所有年份</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="69" />
      <source>Every year of the chosen field (DEI_2019 → DEI_2011 … DEI_2019; a long layer: every year instead of the last)</source>
      <translation>所选字段的每一年（DEI_2019 → DEI_2011 … DEI_2019；长格式图层：每一年，而非仅最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="78" />
      <source>Permutations</source>
      <translation>置换次数</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="80" />
      <source>Permutations (0 = analytical inference only)</source>
      <translation>置换次数（0 = 仅解析推断）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="82" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="84" />
      <source>Random seed (the same seed gives the same result; empty: a new draw every run)</source>
      <translation>随机种子（相同种子得到相同结果；留空：每次运行重新抽样）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="87" />
      <source>Significance level</source>
      <translation>显著性水平</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="90" />
      <source>Multiple-testing control</source>
      <translation>多重检验校正</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="91" />
      <source>None</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="91" />
      <source>False discovery rate (Benjamini–Hochberg)</source>
      <translation>错误发现率（Benjamini–Hochberg）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="92" />
      <source>Bonferroni</source>
      <translation>Bonferroni</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="96" />
      <source>Units with NULL values</source>
      <translation>含 NULL 值的单元</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="97" />
      <source>Leave them out and report them</source>
      <translation>剔除并报告</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="97" />
      <source>Stop with an error</source>
      <translation>报错并停止</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="103" />
      <source>Several years</source>
      <translation>多个年份</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="104" />
      <source>One layer, fields per year</source>
      <translation>单个图层，每年一组字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="104" />
      <source>One layer per year</source>
      <translation>每年一个图层</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="105" />
      <source>One layer, one set of fields per year (LI_2019 …); or one layer per year (the last year in the output, every year in the folder below)</source>
      <translation>单个图层，每年一组字段（LI_2019 …）；或每年一个图层（输出为最后一年，各年图层存于下方文件夹）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="109" />
      <source>Folder for one layer per year</source>
      <translation>逐年图层的存放文件夹</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="110" />
      <source>Layers per year</source>
      <translation>逐年图层</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="187" />
      <source>Plots need the Python package matplotlib, which QGIS's Python lacks: install it (python -m pip install matplotlib; on Windows in the OSGeo4W Shell) or leave the plot output empty.</source>
      <translation>绘图需要 Python 包 matplotlib，而 QGIS 的 Python 中没有：请安装（python -m pip install matplotlib；Windows 上请在 OSGeo4W Shell 中运行），或将绘图输出留空。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="235" />
      <source>Significance — {run}</source>
      <translation>显著性 — {run}</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="247" />
      <source>The input already has {fields}; the output replaces them.</source>
      <translation>输入中已有字段 {fields}；输出将替换这些字段。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/autocorrelation.py" line="354" />
      <source>Could not create the layer {path}.</source>
      <translation>无法创建图层 {path}。</translation>
    </message>
    <message>
      <source>One layer per year (the last year in the output, every year in the folder below)</source>
      <translation type="vanished">每年一个图层（输出为最后一年，各年图层存于下方文件夹）</translation>
    </message>
    <message>
      <source>One layer, one set of fields per year (LI_2019 …)</source>
      <translation type="vanished">单个图层，每年一组字段（LI_2019 …）</translation>
    </message>
  </context>
  <context>
    <name>CityParameters</name>
    <message>
      <location filename="../../processing/parameters/cities.py" line="35" />
      <source>Cities</source>
      <translation>城市</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="37" />
      <source>City id field</source>
      <translation>城市标识字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="38" />
      <source>City id field (e.g. adcode; default: feature id)</source>
      <translation>城市标识字段（如 adcode；默认：要素 ID）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="40" />
      <source>City name field</source>
      <translation>城市名称字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="41" />
      <source>City name field (labels; default: a field called “name”)</source>
      <translation>城市名称字段（用于标注；默认：名为“name”的字段）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="47" />
      <source>Point of each city</source>
      <translation>城市的代表点</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="48" />
      <source>Centroid</source>
      <translation>质心</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="48" />
      <source>Point on surface</source>
      <translation>面上点</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="49" />
      <source>Longitude/latitude fields</source>
      <translation>经纬度字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="51" />
      <source>Longitude field (WGS84 degrees)</source>
      <translation>经度字段（WGS84 度）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="54" />
      <source>Latitude field (WGS84 degrees)</source>
      <translation>纬度字段（WGS84 度）</translation>
    </message>
    <message>
      <source>The expression {expression} fails: {error}</source>
      <translation type="vanished">表达式 {expression} 计算失败：{error}</translation>
    </message>
    <message>
      <source>The expression {expression} is invalid: {error}</source>
      <translation type="vanished">表达式 {expression} 无效：{error}</translation>
    </message>
    <message>
      <source>The expression {expression} uses fields that are not in the layer: {fields}; choose from {available}.</source>
      <translation type="vanished">表达式 {expression} 使用了图层中不存在的字段：{fields}；请从以下字段中选择：{available}。</translation>
    </message>
  </context>
  <context>
    <name>ClassificationParameters</name>
    <message>
      <location filename="../../processing/parameters/classification.py" line="30" />
      <source>Classification</source>
      <translation>分级方法</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/classification.py" line="31" />
      <source>Number of classes</source>
      <translation>分级数</translation>
    </message>
  </context>
  <context>
    <name>CompositeIndexAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="32" />
      <source>Composite index (entropy weights)</source>
      <translation>综合指数（熵权法）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="33" />
      <source>Entropy-weighted composite indices (e.g. DEI, URI) from yearly indicators.</source>
      <translation>由逐年指标按熵权法计算综合指数（如 DEI、URI）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="38" />
      <source>Builds composite indices from yearly indicators: by default a digital economy index and an urban resilience index with four dimensions (social, economic, infrastructure, ecological).

Layer: wide (one feature per city, fields STEM_YYYY such as GDPPC_2019, as Join indicator table writes), long (one feature per city and year: choose the year field) or a single cross-section.

Indicator system: a template (the sample's systems, in resources/templates/indicator_systems), a CSV/XLSX file with the columns code, index, dimension, direction (+ more is better, - less is better), weight (optional; see the templates), or the table in this dialog (code, index, dimension, direction, weight). A file or a table replaces the template.

Method: entropy weight method (default), CRITIC, coefficient of variation (on the raw values), equal weights or user weights (the weight column). Indicators are standardised by direction with min–max to [0, 1] (or z-scores); entropy and CRITIC weights are estimated on the min–max matrix. Entropy: p_ij = y'_ij / Σ_i y'_ij with y' = y + 0.0001 (the shift keeps ln p defined: a min–max indicator always has a zero, and implementations that skip zeros give that indicator the largest weight), e_j = −Σ p ln p / ln n, d_j = 1 − e_j, w_j = d_j / Σ d. The index is Σ w_j y_ij on [0, 1]; a dimension's sub-index is the same sum over its indicators, so the sub-indices add up to the index. Optional: TOPSIS relative closeness with the same weights.

Panel: weights and min/max from all city-years together (default: indices comparable over time) or each year separately.

Output fields (per year, STEM_YYYY on a wide layer; STEM on a long one): DEI digital economy index (数字经济指数); URI urban resilience index (城市韧性指数); URSOC social (社会韧性), URECO economic (经济韧性), URINF infrastructure (基础设施韧性), URENV ecological (生态韧性) resilience; DEIT and URIT the TOPSIS closeness; CI for a system without index names. Other systems take the stems of their index_stem/dim_stem columns or of their names. The weights table lists each indicator's entropy e_j, divergence d_j (or CRITIC's sd, conflict and information, or the CV), weight w_j and rank. The map shows the first index in the latest year (Fisher–Jenks classes; other classifications under the advanced parameters).

Index ranking chart (optional, PNG or SVG): the top and bottom 10 cities of the first index in the latest year, labelled with the name field (or a field called name); the advanced parameters choose another index or sub-index, another year and the number of cities.

Bad input: unknown or non-numeric fields, a dimension without indicators and fewer than two cities are errors; constant indicators are dropped with a warning; missing values stop the run unless you choose to drop those city-years or fill them with the year mean (both are logged). Values that are not finite numbers (±inf) are missing values under the same choice. Coefficient-of-variation weights refuse indicators with negative values (not a ratio scale).</source>
      <translation>由逐年指标构建综合指数：默认构建数字经济指数，以及包含社会、经济、基础设施、生态四个维度的城市韧性指数。

图层：宽格式（每个城市一个要素，字段形如 GDPPC_2019 的 STEM_YYYY，与“连接指标表”的输出一致）、长格式（每个城市每年一个要素：请选择年份字段）或单一截面。

指标体系：可选模板（样例数据所用的指标体系，位于 resources/templates/indicator_systems），也可用含 code、index、dimension、direction（+ 为正向指标，- 为负向指标）、weight（可选；参见模板）列的 CSV/XLSX 文件，或在本对话框的表格中填写（code、index、dimension、direction、weight）。文件或表格将替代模板。

方法：熵权法（默认）、CRITIC 法、变异系数法（基于原始值）、等权重或自定义权重（weight 列）。指标按方向做极差标准化至 [0, 1]（或 Z 分数标准化）；熵权与 CRITIC 权重在极差标准化矩阵上估计。熵权法：p_ij = y'_ij / Σ_i y'_ij，其中 y' = y + 0.0001（平移使 ln p 有定义：极差标准化后的指标必有零值，而跳过零值的实现会赋予该指标最大权重），e_j = −Σ p ln p / ln n，d_j = 1 − e_j，w_j = d_j / Σ d。指数为 Σ w_j y_ij，取值于 [0, 1]；维度分指数为其所属指标的同样加权和，故各分指数之和等于总指数。可选：以相同权重计算 TOPSIS 相对贴近度。

面板：由全部城市-年份合并确定权重与最值（默认：指数可跨年比较），或逐年单独计算。

输出字段（宽格式图层为逐年 STEM_YYYY；长格式为 STEM）：DEI 数字经济指数；URI 城市韧性指数；URSOC 社会韧性、URECO 经济韧性、URINF 基础设施韧性、URENV 生态韧性；DEIT 和 URIT 为 TOPSIS 贴近度；指标体系未给出指数名称时为 CI。其他指标体系取其 index_stem/dim_stem 列或名称作为字段前缀。权重表列出每个指标的熵值 e_j、差异系数 d_j（或 CRITIC 法的标准差、冲突性与信息量，或变异系数）、权重 w_j 及其排名。地图显示第一个指数最新年份的分布（Fisher–Jenks 分级；高级参数中可选择其他分级方法）。

指数排名图（可选，PNG 或 SVG）：第一个指数最新年份排名前 10 位和后 10 位的城市，以名称字段（或名为 name 的字段）标注；可在高级参数中选择其他指数或分指数、其他年份以及城市数量。

错误输入：字段不存在或非数值、维度下没有指标、城市少于两个均会报错；常数指标将被剔除并给出警告；存在缺失值时停止运行，除非选择剔除这些城市-年份或以当年均值填补（两者均会记录）。不是有限数的值（±inf）按缺失值处理，适用同一选项。变异系数法拒绝含负值的指标（不是比率尺度）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="36" />
      <source>index,composite,entropy,weights,critic,topsis,coefficient of variation,digital economy,resilience,熵权法,综合指数,数字经济,城市韧性</source>
      <translation>index,composite,entropy,weights,critic,topsis,coefficient of variation,digital economy,resilience,熵权法,综合指数,数字经济,城市韧性,指标体系,权重,变异系数,CRITIC 法,TOPSIS</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="94" />
      <source>Cities with indicators</source>
      <translation>含指标的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="95" />
      <source>Indicator system (template)</source>
      <translation>指标体系（模板）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="99" />
      <source>Indicator system file</source>
      <translation>指标体系文件</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="101" />
      <source>Tables (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.CSV *.XLSX *.XLS)</source>
      <translation>表格 (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.CSV *.XLSX *.XLS)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="102" />
      <source>Indicator system file (CSV/XLSX; replaces the template)</source>
      <translation>指标体系文件（CSV/XLSX；替代模板）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="104" />
      <source>Indicator system table</source>
      <translation>指标体系表</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="105" />
      <source>Indicator (field stem)</source>
      <translation>指标（字段前缀）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="105" />
      <source>Index</source>
      <translation>指数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="105" />
      <source>Dimension</source>
      <translation>维度</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="106" />
      <source>Direction (+/-)</source>
      <translation>方向（+/-）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="106" />
      <source>Weight</source>
      <translation>权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="107" />
      <source>Indicator system table (replaces the template)</source>
      <translation>指标体系表（替代模板）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="108" />
      <source>Weighting method</source>
      <translation>赋权方法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="109" />
      <source>Entropy weight method</source>
      <translation>熵权法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="109" />
      <source>CRITIC</source>
      <translation>CRITIC 法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="110" />
      <source>Coefficient of variation</source>
      <translation>变异系数法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="110" />
      <source>Equal weights</source>
      <translation>等权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="111" />
      <source>User weights (weight column)</source>
      <translation>自定义权重（weight 列）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="112" />
      <source>Panel</source>
      <translation>面板</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="113" />
      <source>Pooled city-years: one set of weights, indices comparable over time</source>
      <translation>城市-年份合并：一套权重，指数可跨年比较</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="114" />
      <source>Each year separately</source>
      <translation>逐年分别计算</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="115" />
      <source>Missing values</source>
      <translation>缺失值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="116" />
      <source>Stop with an error</source>
      <translation>报错并停止</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="116" />
      <source>Drop the city-year</source>
      <translation>剔除该城市-年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="117" />
      <source>Fill with the year mean</source>
      <translation>以当年均值填补</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="119" />
      <source>Add the TOPSIS relative closeness</source>
      <translation>增加 TOPSIS 相对贴近度</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="121" />
      <source>Year field</source>
      <translation>年份字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="123" />
      <source>Year field (long layers: one feature per city and year)</source>
      <translation>年份字段（长格式图层：每个城市每年一个要素）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="125" />
      <source>Standardisation</source>
      <translation>标准化方法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="126" />
      <source>Min–max by direction (0–1)</source>
      <translation>按方向极差标准化（0–1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="126" />
      <source>Z-score by direction</source>
      <translation>按方向 Z 分数标准化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="127" />
      <source>Entropy shift</source>
      <translation>熵值平移量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="129" />
      <source>Entropy shift added to the min–max values</source>
      <translation>熵权法中加到极差标准化值上的平移量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="130" />
      <source>City id field (named in messages)</source>
      <translation>城市标识字段（用于提示信息）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="135" />
      <source>Indices</source>
      <translation>指数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="137" />
      <source>Indicator weights</source>
      <translation>指标权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="140" />
      <source>Output field stems</source>
      <translation>输出字段前缀</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="141" />
      <source>Latest year</source>
      <translation>最新年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="154" />
      <source>Give the indicator system either as a file or as a table, not both.</source>
      <translation>指标体系请以文件或表格之一给出，不要同时给出。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="157" />
      <source>Indicator system: the table of the dialog.</source>
      <translation>指标体系：对话框中的表格。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="160" />
      <source>Indicator system: {path}.</source>
      <translation>指标体系：{path}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="165" />
      <source>Indicator system: template {key}.</source>
      <translation>指标体系：模板 {key}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="188" />
      <source>Not part of an index (auxiliary): {codes}.</source>
      <translation>不属于任何指数（辅助指标）：{codes}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="201" />
      <source>{label}: fields {fields}.</source>
      <translation>{label}：字段 {fields}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="212" />
      <source>{label} {year}</source>
      <translation>{label} {year}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="229" />
      <source>Indicator</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="230" />
      <source>Indicator name</source>
      <translation>指标名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="230" />
      <source>Direction (+ more is better)</source>
      <translation>方向（+ 为越大越好）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="231" />
      <source>Year (empty: pooled)</source>
      <translation>年份（空：合并）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="232" />
      <source>Entropy e_j</source>
      <translation>熵值 e_j</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="232" />
      <source>Divergence d_j = 1 − e_j</source>
      <translation>差异系数 d_j = 1 − e_j</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="233" />
      <source>Standard deviation</source>
      <translation>标准差</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="233" />
      <source>CRITIC conflict Σ(1 − r)</source>
      <translation>CRITIC 冲突性 Σ(1 − r)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="234" />
      <source>CRITIC information C_j</source>
      <translation>CRITIC 信息量 C_j</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="235" />
      <source>Weight w_j</source>
      <translation>权重 w_j</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="235" />
      <source>Rank of the weight</source>
      <translation>权重排名</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="236" />
      <source>Weight of the dimension</source>
      <translation>维度权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="242" />
      <source>{count} missing indicator values:</source>
      <translation>{count} 个指标值缺失：</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/composite_index.py" line="247" />
      <source>  … and {more} more.</source>
      <translation>  … 另有 {more} 个。</translation>
    </message>
    <message>
      <source>Builds composite indices from yearly indicators: by default a digital economy index and an urban resilience index with four dimensions (social, economic, infrastructure, ecological).

Layer: wide (one feature per city, fields STEM_YYYY such as GDPPC_2019, as Join indicator table writes), long (one feature per city and year: choose the year field) or a single cross-section.

Indicator system: a template (the sample's systems, in resources/templates/indicator_systems), a CSV/XLSX file with the columns code, index, dimension, direction (+ more is better, - less is better), weight (optional; see the templates), or the table in this dialog (code, index, dimension, direction, weight). A file or a table replaces the template.

Method: entropy weight method (default), CRITIC, coefficient of variation (on the raw values), equal weights or user weights (the weight column). Indicators are standardised by direction with min–max to [0, 1] (or z-scores); entropy and CRITIC weights are estimated on the min–max matrix. Entropy: p_ij = y'_ij / Σ_i y'_ij with y' = y + 0.0001 (the shift keeps ln p defined: a min–max indicator always has a zero, and implementations that skip zeros give that indicator the largest weight), e_j = −Σ p ln p / ln n, d_j = 1 − e_j, w_j = d_j / Σ d. The index is Σ w_j y_ij on [0, 1]; a dimension's sub-index is the same sum over its indicators, so the sub-indices add up to the index. Optional: TOPSIS relative closeness with the same weights.

Panel: weights and min/max from all city-years together (default: indices comparable over time) or each year separately.

Output fields (per year, STEM_YYYY on a wide layer; STEM on a long one): DEI digital economy index (数字经济指数); URI urban resilience index (城市韧性指数); URSOC social (社会韧性), URECO economic (经济韧性), URINF infrastructure (基础设施韧性), URENV ecological (生态韧性) resilience; DEIT and URIT the TOPSIS closeness; CI for a system without index names. Other systems take the stems of their index_stem/dim_stem columns or of their names. The weights table lists each indicator's entropy e_j, divergence d_j (or CRITIC's sd, conflict and information, or the CV), weight w_j and rank. The map shows the first index in the latest year (Fisher–Jenks classes).

Bad input: unknown or non-numeric fields, a dimension without indicators and fewer than two cities are errors; constant indicators are dropped with a warning; missing values stop the run unless you choose to drop those city-years or fill them with the year mean (both are logged).</source>
      <translation type="vanished">由逐年指标构建综合指数：默认构建数字经济指数，以及包含社会、经济、基础设施、生态四个维度的城市韧性指数。

图层：宽格式（每个城市一个要素，字段形如 GDPPC_2019 的 STEM_YYYY，与“连接指标表”的输出一致）、长格式（每个城市每年一个要素：请选择年份字段）或单一截面。

指标体系：可选模板（样例数据所用的指标体系，位于 resources/templates/indicator_systems），也可用含 code、index、dimension、direction（+ 为正向指标，- 为负向指标）、weight（可选；参见模板）列的 CSV/XLSX 文件，或在本对话框的表格中填写（code、index、dimension、direction、weight）。文件或表格将替代模板。

方法：熵权法（默认）、CRITIC 法、变异系数法（基于原始值）、等权重或自定义权重（weight 列）。指标按方向做极差标准化至 [0, 1]（或 Z 分数标准化）；熵权与 CRITIC 权重在极差标准化矩阵上估计。熵权法：p_ij = y'_ij / Σ_i y'_ij，其中 y' = y + 0.0001（平移使 ln p 有定义：极差标准化后的指标必有零值，而跳过零值的实现会赋予该指标最大权重），e_j = −Σ p ln p / ln n，d_j = 1 − e_j，w_j = d_j / Σ d。指数为 Σ w_j y_ij，取值于 [0, 1]；维度分指数为其所属指标的同样加权和，故各分指数之和等于总指数。可选：以相同权重计算 TOPSIS 相对贴近度。

面板：由全部城市-年份合并确定权重与最值（默认：指数可跨年比较），或逐年单独计算。

输出字段（宽格式图层为逐年 STEM_YYYY；长格式为 STEM）：DEI 数字经济指数；URI 城市韧性指数；URSOC 社会韧性、URECO 经济韧性、URINF 基础设施韧性、URENV 生态韧性；DEIT 和 URIT 为 TOPSIS 贴近度；指标体系未给出指数名称时为 CI。其他指标体系取其 index_stem/dim_stem 列或名称作为字段前缀。权重表列出每个指标的熵值 e_j、差异系数 d_j（或 CRITIC 法的标准差、冲突性与信息量，或变异系数）、权重 w_j 及其排名。地图显示第一个指数最新年份的分布（Fisher–Jenks 分级）。

错误输入：字段不存在或非数值、维度下没有指标、城市少于两个均会报错；常数指标将被剔除并给出警告；存在缺失值时停止运行，除非选择剔除这些城市-年份或以当年均值填补（两者均会记录）。</translation>
    </message>
    <message>
      <source>Builds composite indices from yearly indicators: by default a digital economy index and an urban resilience index with four dimensions (social, economic, infrastructure, ecological).

Layer: wide (one feature per city, fields STEM_YYYY such as GDPPC_2019, as Join indicator table writes), long (one feature per city and year: choose the year field) or a single cross-section.

Indicator system: a template (the sample's systems, in resources/templates/indicator_systems), a CSV/XLSX file with the columns code, index, dimension, direction (+ more is better, - less is better), weight (optional; see the templates), or the table in this dialog (code, index, dimension, direction, weight). A file or a table replaces the template.

Method: entropy weight method (default), CRITIC, coefficient of variation (on the raw values), equal weights or user weights (the weight column). Indicators are standardised by direction with min–max to [0, 1] (or z-scores); entropy and CRITIC weights are estimated on the min–max matrix. Entropy: p_ij = y'_ij / Σ_i y'_ij with y' = y + 0.0001 (the shift keeps ln p defined: a min–max indicator always has a zero, and implementations that skip zeros give that indicator the largest weight), e_j = −Σ p ln p / ln n, d_j = 1 − e_j, w_j = d_j / Σ d. The index is Σ w_j y_ij on [0, 1]; a dimension's sub-index is the same sum over its indicators, so the sub-indices add up to the index. Optional: TOPSIS relative closeness with the same weights.

Panel: weights and min/max from all city-years together (default: indices comparable over time) or each year separately.

Output fields (per year, STEM_YYYY on a wide layer; STEM on a long one): DEI digital economy index (数字经济指数); URI urban resilience index (城市韧性指数); URSOC social (社会韧性), URECO economic (经济韧性), URINF infrastructure (基础设施韧性), URENV ecological (生态韧性) resilience; DEIT and URIT the TOPSIS closeness; CI for a system without index names. Other systems take the stems of their index_stem/dim_stem columns or of their names. The weights table lists each indicator's entropy e_j, divergence d_j (or CRITIC's sd, conflict and information, or the CV), weight w_j and rank. The map shows the first index in the latest year (Fisher–Jenks classes; other classifications under the advanced parameters).

Index ranking chart (optional, PNG or SVG): the top and bottom 10 cities of the first index in the latest year, labelled with the name field (or a field called name); the advanced parameters choose another index or sub-index, another year and the number of cities.

Bad input: unknown or non-numeric fields, a dimension without indicators and fewer than two cities are errors; constant indicators are dropped with a warning; missing values stop the run unless you choose to drop those city-years or fill them with the year mean (both are logged).</source>
      <translation type="vanished">由逐年指标构建综合指数：默认构建数字经济指数，以及包含社会、经济、基础设施、生态四个维度的城市韧性指数。

图层：宽格式（每个城市一个要素，字段形如 GDPPC_2019 的 STEM_YYYY，与“连接指标表”的输出一致）、长格式（每个城市每年一个要素：请选择年份字段）或单一截面。

指标体系：可选模板（样例数据所用的指标体系，位于 resources/templates/indicator_systems），也可用含 code、index、dimension、direction（+ 为正向指标，- 为负向指标）、weight（可选；参见模板）列的 CSV/XLSX 文件，或在本对话框的表格中填写（code、index、dimension、direction、weight）。文件或表格将替代模板。

方法：熵权法（默认）、CRITIC 法、变异系数法（基于原始值）、等权重或自定义权重（weight 列）。指标按方向做极差标准化至 [0, 1]（或 Z 分数标准化）；熵权与 CRITIC 权重在极差标准化矩阵上估计。熵权法：p_ij = y'_ij / Σ_i y'_ij，其中 y' = y + 0.0001（平移使 ln p 有定义：极差标准化后的指标必有零值，而跳过零值的实现会赋予该指标最大权重），e_j = −Σ p ln p / ln n，d_j = 1 − e_j，w_j = d_j / Σ d。指数为 Σ w_j y_ij，取值于 [0, 1]；维度分指数为其所属指标的同样加权和，故各分指数之和等于总指数。可选：以相同权重计算 TOPSIS 相对贴近度。

面板：由全部城市-年份合并确定权重与最值（默认：指数可跨年比较），或逐年单独计算。

输出字段（宽格式图层为逐年 STEM_YYYY；长格式为 STEM）：DEI 数字经济指数；URI 城市韧性指数；URSOC 社会韧性、URECO 经济韧性、URINF 基础设施韧性、URENV 生态韧性；DEIT 和 URIT 为 TOPSIS 贴近度；指标体系未给出指数名称时为 CI。其他指标体系取其 index_stem/dim_stem 列或名称作为字段前缀。权重表列出每个指标的熵值 e_j、差异系数 d_j（或 CRITIC 法的标准差、冲突性与信息量，或变异系数）、权重 w_j 及其排名。地图显示第一个指数最新年份的分布（Fisher–Jenks 分级；高级参数中可选择其他分级方法）。

指数排名图（可选，PNG 或 SVG）：第一个指数最新年份排名前 10 位和后 10 位的城市，以名称字段（或名为 name 的字段）标注；可在高级参数中选择其他指数或分指数、其他年份以及城市数量。

错误输入：字段不存在或非数值、维度下没有指标、城市少于两个均会报错；常数指标将被剔除并给出警告；存在缺失值时停止运行，除非选择剔除这些城市-年份或以当年均值填补（两者均会记录）。</translation>
    </message>
    <message>
      <source>Tables (*.csv *.xlsx *.CSV *.XLSX)</source>
      <translation type="vanished">表格 (*.csv *.xlsx *.CSV *.XLSX)</translation>
    </message>
  </context>
  <context>
    <name>ConvergenceAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="51" />
      <source>σ- and β-convergence</source>
      <translation>σ收敛与β收敛</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="52" />
      <source>σ- and β-convergence of an indicator, with spatial β-convergence models.</source>
      <translation>指标的 σ 收敛与 β 收敛，含空间 β 收敛模型。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="57" />
      <source>Do regional differences shrink, and do lagging cities catch up? Tests σ- and β-convergence of a yearly indicator (e.g. a resilience or digital-economy index) across cities.

Input: a wide layer (one feature per city, fields STEM_YYYY such as RES_2011 … RES_2019: choose any year of the stem) or a long layer (one feature per city and year: choose its year field and the city id field). The indicator must be positive (logs and growth rates).

σ-convergence, per year: coefficient of variation, standard deviation of logs, Theil index and Gini coefficient, with their linear trend over the years; with a group field (e.g. region: east, central, west, northeast) also by group, the Theil index split into between- and within-group parts and Dagum's decomposition of the Gini coefficient.

β-convergence: the cross-section regression of the average annual log growth over the period on the initial log level (absolute; conditional with control fields, taken at their first-year values or period means), and the panel regression of annual log growth on the previous year's log level with unit or unit-and-year fixed effects. Optionally the cross-section with spatial models by maximum likelihood (those of the spatial Durbin algorithm): spatial lag (SAR), spatial error (SEM) and spatial Durbin (SDM), with direct, indirect and total effects of the initial level (standard errors from 1,000 simulated draws of the estimates). β &lt; 0 means convergence; the speed is λ = −ln(1 + β·τ)/τ (τ = length of the period for the cross-section, 1 for annual panel growth) and the half-life ln 2/λ, with delta-method standard errors.

Spatial models need every city to have a neighbour: the weights default to 6 nearest neighbours (queen contiguity leaves islands such as Sansha without one).

Outputs: the cities with their initial level and growth rate (a graduated map), the σ table, the β summary, optional tables by group and of all coefficients, an HTML report with paper-style tables (standard errors in parentheses, significance stars) and charts, and the σ chart as a PNG file.</source>
      <translation>区域差距是否在缩小，落后城市是否在追赶？对城市间的逐年指标（如韧性指数或数字经济指数）检验σ收敛与β收敛。

输入：宽格式图层（每个城市一个要素，字段为 STEM_YYYY，如 RES_2011 … RES_2019：任选该前缀的一年即可）或长格式图层（每个城市每年一个要素：请选择其年份字段和城市标识字段）。指标必须为正（需取对数并计算增长率）。

σ收敛（逐年）：变异系数、对数标准差、泰尔指数和基尼系数，及其随年份的线性趋势；设置分组字段（如地区：东部、中部、西部、东北）后还按组计算，将泰尔指数分解为组间与组内差异，并对基尼系数做 Dagum 分解。

β收敛：截面回归——期间年均对数增长率对初始对数水平回归（绝对β收敛；加入控制变量即条件β收敛，控制变量取首年值或期间均值）；面板回归——年度对数增长率对上一年对数水平回归，含城市固定效应或城市与年份双向固定效应。可选：以极大似然法（与空间杜宾模型算法相同的模型）估计截面空间模型——空间滞后模型（SAR）、空间误差模型（SEM）和空间杜宾模型（SDM），并给出初始水平的直接效应、间接效应和总效应（标准误基于对估计值的 1,000 次模拟抽样）。β &lt; 0 表示收敛；收敛速度 λ = −ln(1 + β·τ)/τ（截面中 τ 为期间长度，年度面板增长为 1），半衰期为 ln 2/λ，标准误采用 Delta 方法。

空间模型要求每个城市都有邻居：权重默认为 6 个最近邻（Queen 邻接会留下三沙等没有邻居的孤岛）。

输出：含初始水平与增长率的城市图层（分级设色图）、σ收敛表、β收敛汇总表，可选的分组表和全部系数表，含论文格式表格（括号内为标准误，附显著性星号）和图表的 HTML 报告，以及 PNG 格式的σ收敛图。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="55" />
      <source>convergence,sigma,beta,catch-up,regional disparities,inequality,theil,gini,dagum,coefficient of variation,half-life,speed of convergence,spatial,sar,sem,sdm,panel,fixed effects</source>
      <translation>convergence,sigma,beta,catch-up,regional disparities,inequality,theil,gini,dagum,coefficient of variation,half-life,speed of convergence,spatial,sar,sem,sdm,panel,fixed effects,收敛,σ收敛,β收敛,追赶,区域差异,泰尔指数,基尼系数,Dagum 基尼系数,变异系数,半衰期,收敛速度,空间收敛</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="106" />
      <source>Cities with a yearly indicator</source>
      <translation>含逐年指标的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="108" />
      <source>Indicator</source>
      <translation>指标</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="110" />
      <source>Indicator (any year of a STEM_YYYY field, or the value field of a long layer)</source>
      <translation>指标（STEM_YYYY 字段中的任一年份，或长格式图层的数值字段）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="113" />
      <source>Region group field</source>
      <translation>区域分组字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="115" />
      <source>Region group field (e.g. region: east, central, west, northeast)</source>
      <translation>地区分组字段（如地区：东部、中部、西部、东北）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="117" />
      <source>Control variables</source>
      <translation>控制变量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="119" />
      <source>Control variables for conditional β-convergence (optional)</source>
      <translation>条件β收敛的控制变量（可选）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="122" />
      <source>Spatial β-convergence models</source>
      <translation>空间 β 收敛模型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="123" />
      <source>Spatial lag (SAR)</source>
      <translation>空间滞后模型（SAR）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="123" />
      <source>Spatial error (SEM)</source>
      <translation>空间误差模型（SEM）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="124" />
      <source>Spatial Durbin (SDM)</source>
      <translation>空间杜宾模型（SDM）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="125" />
      <source>Spatial β-convergence models (cross-section, maximum likelihood)</source>
      <translation>空间β收敛模型（截面，极大似然估计）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="126" />
      <source>Fixed effects of the panel β regression</source>
      <translation>面板β回归的固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="127" />
      <source>None (pooled OLS)</source>
      <translation>无（混合 OLS）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="128" />
      <source>Unit (city)</source>
      <translation>城市（个体）固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="129" />
      <source>Unit and year (two-way)</source>
      <translation>城市与年份（双向固定效应）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="130" />
      <source>Standard errors of the OLS regressions</source>
      <translation>OLS 回归的标准误</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="131" />
      <source>Classical</source>
      <translation>普通标准误</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="131" />
      <source>Robust (HC1)</source>
      <translation>稳健标准误（HC1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="132" />
      <source>Clustered by unit (robust HC1 in the cross-section)</source>
      <translation>按单元聚类（截面中为稳健 HC1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="135" />
      <source>Controls in the cross-section</source>
      <translation>截面回归中的控制变量取值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="136" />
      <source>Value in the first year</source>
      <translation>首年值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="136" />
      <source>Mean over the period</source>
      <translation>期间均值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="137" />
      <source>Standard deviation divisor</source>
      <translation>标准差分母</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="138" />
      <source>n − 1 (sample)</source>
      <translation>n − 1（样本）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="138" />
      <source>n (population)</source>
      <translation>n（总体）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="139" />
      <source>Standard deviation (CV, σ of logs) divides by</source>
      <translation>标准差（变异系数、对数标准差）的分母</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="141" />
      <source>Balance the panel</source>
      <translation>平衡面板</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="142" />
      <source>Drop units with missing years (balance the panel)</source>
      <translation>剔除有缺失年份的单元（平衡面板）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="148" />
      <source>Cities with growth rates</source>
      <translation>含增长率的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="150" />
      <source>σ-convergence by year</source>
      <translation>逐年σ收敛</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="152" />
      <source>β-convergence models</source>
      <translation>β收敛模型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="154" />
      <source>σ-convergence by group and year</source>
      <translation>分组逐年σ收敛</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="157" />
      <source>All β-convergence coefficients</source>
      <translation>全部β收敛系数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="159" />
      <source>σ-convergence chart</source>
      <translation>σ收敛图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="163" />
      <source>β (cross-section OLS, absolute)</source>
      <translation>β（截面 OLS，绝对收敛）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="164" />
      <source>Speed of convergence λ (per year)</source>
      <translation>收敛速度 λ（每年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="165" />
      <source>Half-life (years)</source>
      <translation>半衰期（年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="166" />
      <source>Coefficient of variation, first year</source>
      <translation>变异系数（首年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="167" />
      <source>Coefficient of variation, last year</source>
      <translation>变异系数（末年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="168" />
      <source>Units analysed</source>
      <translation>参与分析的单元数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="257" />
      <source>panel</source>
      <translation>面板</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="257" />
      <source>cross-section</source>
      <translation>截面</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="259" />
      <source>The {design} β regression was skipped: {reason}</source>
      <translation>{design}β回归已跳过：{reason}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="319" />
      <source>{variable} in {year}</source>
      <translation>{year}年{variable}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="321" />
      <source>Log of {variable} in {year}</source>
      <translation>{year}年{variable}的对数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="322" />
      <source>Average annual log growth of {variable} {start}–{end} (% per year)</source>
      <translation>{variable} {start}–{end} 年均对数增长率（%/年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="324" />
      <source>{variable} in {year} relative to the mean of all units</source>
      <translation>{year}年{variable}相对全部单元均值之比</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="332" />
      <source>Growth of {variable} {start}–{end}</source>
      <translation>{variable} {start}–{end} 年增长</translation>
    </message>
    <message>
      <source>Do regional differences shrink, and do lagging cities catch up? Tests σ- and β-convergence of a yearly indicator (e.g. a resilience or digital-economy index) across cities.

Input: a wide layer (one feature per city, fields STEM_YYYY such as RES_2011 … RES_2019: choose any year of the stem) or a long layer (one feature per city and year: choose its year field and the city id field). The indicator must be positive (logs and growth rates).

σ-convergence, per year: coefficient of variation, standard deviation of logs, Theil index and Gini coefficient, with their linear trend over the years; with a group field (e.g. region: east, central, west, northeast) also by group, the Theil index split into between- and within-group parts and Dagum's decomposition of the Gini coefficient.

β-convergence: the cross-section regression of the average annual log growth over the period on the initial log level (absolute; conditional with control fields, taken at their first-year values or period means), and the panel regression of annual log growth on the previous year's log level with unit or unit-and-year fixed effects. Optionally the cross-section with spatial models by maximum likelihood (spreg): spatial lag (SAR), spatial error (SEM) and spatial Durbin (SDM), with direct, indirect and total effects of the initial level. β &lt; 0 means convergence; the speed is λ = −ln(1 + β·τ)/τ (τ = length of the period for the cross-section, 1 for annual panel growth) and the half-life ln 2/λ, with delta-method standard errors.

Spatial models need every city to have a neighbour: the weights default to 6 nearest neighbours (queen contiguity leaves islands such as Sansha without one).

Outputs: the cities with their initial level and growth rate (a graduated map), the σ table, the β summary, optional tables by group and of all coefficients, an HTML report with paper-style tables (standard errors in parentheses, significance stars) and charts, and the σ chart as a PNG file.</source>
      <translation type="vanished">区域差距是否在缩小，落后城市是否在追赶？对城市间的逐年指标（如韧性指数或数字经济指数）检验σ收敛与β收敛。

输入：宽格式图层（每个城市一个要素，字段为 STEM_YYYY，如 RES_2011 … RES_2019：任选该前缀的一年即可）或长格式图层（每个城市每年一个要素：请选择其年份字段和城市标识字段）。指标必须为正（需取对数并计算增长率）。

σ收敛（逐年）：变异系数、对数标准差、泰尔指数和基尼系数，及其随年份的线性趋势；设置分组字段（如地区：东部、中部、西部、东北）后还按组计算，将泰尔指数分解为组间与组内差异，并对基尼系数做 Dagum 分解。

β收敛：截面回归——期间年均对数增长率对初始对数水平回归（绝对β收敛；加入控制变量即条件β收敛，控制变量取首年值或期间均值）；面板回归——年度对数增长率对上一年对数水平回归，含城市固定效应或城市与年份双向固定效应。可选：以极大似然法（spreg）估计截面空间模型——空间滞后模型（SAR）、空间误差模型（SEM）和空间杜宾模型（SDM），并给出初始水平的直接效应、间接效应和总效应。β &lt; 0 表示收敛；收敛速度 λ = −ln(1 + β·τ)/τ（截面中 τ 为期间长度，年度面板增长为 1），半衰期为 ln 2/λ，标准误采用 Delta 方法。

空间模型要求每个城市都有邻居：权重默认为 6 个最近邻（Queen 邻接会留下三沙等没有邻居的孤岛）。

输出：含初始水平与增长率的城市图层（分级设色图）、σ收敛表、β收敛汇总表，可选的分组表和全部系数表，含论文格式表格（括号内为标准误，附显著性星号）和图表的 HTML 报告，以及 PNG 格式的σ收敛图。</translation>
    </message>
    <message>
      <source>{model}: the spatial parameter {name} = {value:.3f} is at the bound of its range; the model is not identified on these data. Try other weights or the OLS results.</source>
      <translation type="vanished">{model}：空间参数 {name} = {value:.3f} 位于取值范围边界，模型在该数据上不可识别。请尝试其他空间权重，或参考 OLS 结果。</translation>
    </message>
  </context>
  <context>
    <name>CoreNodeCoverageAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="33" />
      <source>Core–node coverage</source>
      <translation>核心–节点覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="34" />
      <source>Core cities that cover every city within a radius, solved exactly.</source>
      <translation>精确求解：使每个城市都在给定半径内被覆盖的核心城市。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="39" />
      <source>Chooses core cities so that every city lies within a radius (300 km in the study) of a core: the “core–node” infrastructure layout. Solved exactly as an integer programme (HiGHS); the log says whether the solution is proven optimal, and the gap when the time limit stopped the solver first.

Problems: set covering — the fewest cores that cover every city; maximal covering — p cores that cover the most demand (a weight field such as population, or 1 per city). Backup coverage (set covering): among the optimal covers, the one that covers the most cities twice.

Distances are geodesic on the ellipsoid, in km, whatever the layer's CRS. Cities are the layer's points, a point of each polygon (centroid or point on surface), or longitude/latitude fields (WGS84 degrees).

Candidates: every city, or those matching an expression (e.g. "DEI_2019" &gt;= q3("DEI_2019")), or a field of 1/0 (true/false) values. Existing cores that must stay: such a field or expression (e.g. "is_core") and/or the layer's selection; they are always candidates.

Outputs: the cities with their assigned (nearest) core (CORE_ID, CORE_NAME), the distance to it (CORE_KM), whether a core lies within the radius (COVERED) and how many (N_COVER); the cores (stars, labelled); true geodesic circles of the radius around each core; core–node links from each city to its core, with the distance (DIST_KM); and an HTML summary with a comparison over radii (e.g. 200, 300, 500 km).</source>
      <translation>选择核心城市，使每个城市都位于某个核心的一定半径（研究中为 300 km）之内：即“核心-节点”式基础设施布局。以整数规划精确求解（HiGHS）；日志会说明解是否已被证明最优，以及求解器因时间限制提前停止时的最优性差距。

问题类型：集合覆盖——用最少的核心覆盖全部城市；最大覆盖——用 p 个核心覆盖尽可能多的需求（需求取权重字段，如人口，或每个城市记为 1）。备份覆盖（集合覆盖）：在所有最优覆盖方案中，选择被两个核心覆盖的城市最多的方案。

无论图层采用何种 CRS，距离均为椭球面上的大地线距离，单位为 km。城市取图层的点、每个面的代表点（质心或面上点），或经纬度字段（WGS84 度）。

候选核心：全部城市，或满足表达式的城市（如 "DEI_2019" &gt;= q3("DEI_2019")），或取值为 1/0（真/假）的字段。必须保留的现有核心：由此类字段或表达式（如 "is_core"）和/或图层的选择集指定；它们始终是候选核心。

输出：带有所分配（最近）核心（CORE_ID、CORE_NAME）、到核心的距离（CORE_KM）、半径内是否有核心（COVERED）及半径内核心个数（N_COVER）的城市；核心（带标注的星形符号）；以各核心为中心、按半径绘制的真实大地线圆；每个城市到其核心的核心-节点连线及距离（DIST_KM）；以及含多个半径（如 200、300、500 km）比较的 HTML 摘要报告。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="37" />
      <source>coverage,core,node,radius,300 km,set covering,lscp,maximal covering,mclp,backup,location,facility,infrastructure,layout</source>
      <translation>coverage,core,node,radius,300 km,set covering,lscp,maximal covering,mclp,backup,location,facility,infrastructure,layout,覆盖,核心,节点,半径,集合覆盖,最大覆盖,备份覆盖,选址,设施布局,基础设施</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="81" />
      <source>Problem</source>
      <translation>问题类型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="82" />
      <source>Set covering: fewest cores covering every city</source>
      <translation>集合覆盖：用最少的核心覆盖全部城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="83" />
      <source>Maximal covering: p cores covering the most demand</source>
      <translation>最大覆盖：p 个核心覆盖尽可能多的需求</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="85" />
      <source>Coverage radius (km, geodesic)</source>
      <translation>覆盖半径（km，大地线距离）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="88" />
      <source>Number of cores p (maximal covering)</source>
      <translation>核心数 p（最大覆盖）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="91" />
      <source>Demand field</source>
      <translation>需求字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="93" />
      <source>Demand field (maximal covering; default: 1 per city)</source>
      <translation>需求字段（最大覆盖；默认：每个城市为 1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="95" />
      <source>Backup coverage</source>
      <translation>备份覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="96" />
      <source>Backup coverage: among optimal covers, cover the most cities twice</source>
      <translation>备份覆盖：在最优覆盖方案中使被两次覆盖的城市最多</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="98" />
      <source>Candidate cores</source>
      <translation>候选核心城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="100" />
      <source>Candidate cores (expression; empty: every city)</source>
      <translation>候选核心（表达式；留空：全部城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="102" />
      <source>Existing cores</source>
      <translation>现有核心城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="103" />
      <source>Existing cores that must stay (expression)</source>
      <translation>必须保留的现有核心（表达式）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="105" />
      <source>Selected cities are existing cores</source>
      <translation>所选城市为现有核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="106" />
      <source>The selected cities are existing cores that must stay</source>
      <translation>所选城市为必须保留的现有核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="108" />
      <source>Radii to compare (km)</source>
      <translation>比较半径（km）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="110" />
      <source>Compare over radii (km, comma-separated; empty: none)</source>
      <translation>比较多个半径（km，以逗号分隔；留空：不比较）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="114" />
      <source>Solver time limit per model (seconds)</source>
      <translation>每个模型的求解时间上限（秒）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="120" />
      <source>Cities with their core</source>
      <translation>城市及其核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="122" />
      <source>Cores</source>
      <translation>核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="124" />
      <source>Coverage areas (geodesic circles)</source>
      <translation>覆盖范围（大地线圆）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="127" />
      <source>Core–node links</source>
      <translation>核心-节点连线</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="129" />
      <source>Summary report</source>
      <translation>摘要报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="129" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="131" />
      <source>Number of cores</source>
      <translation>核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="132" />
      <source>Share of cities covered</source>
      <translation>被覆盖城市占比</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="133" />
      <source>Share of demand covered</source>
      <translation>被覆盖需求占比</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="134" />
      <source>Largest city-to-core distance (km)</source>
      <translation>城市到核心的最大距离（km）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="135" />
      <source>Relative optimality gap (0 when proven optimal, −1 when unknown)</source>
      <translation>相对最优性差距（已证明最优时为 0，未知时为 −1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="138" />
      <source>Proven optimal</source>
      <translation>已证明最优</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="156" />
      <source>Set covering covers every city; the demand field only enters the shares reported.</source>
      <translation>集合覆盖会覆盖全部城市；需求字段仅用于计算所报告的覆盖比例。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="160" />
      <source>Solving {model} at {radius} km for {n} cities…</source>
      <translation>正在对 {n} 个城市以 {radius} km 半径求解{model}…</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="161" />
      <source>set covering</source>
      <translation>集合覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="161" />
      <source>maximal covering</source>
      <translation>最大覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="168" />
      <source>The solution is not proven optimal: {status}. Raise the time limit to close the gap.</source>
      <translation>该解尚未被证明最优：{status}。请提高时间上限以缩小差距。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="172" />
      <source>Radius {radius} km: {value}</source>
      <translation>半径 {radius} km：{value}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="206" />
      <source>“{value}” in the radii to compare is not a number; write radii in km separated by commas, e.g. 200, 300, 500.</source>
      <translation>比较半径中的“{value}”不是数字；请以 km 为单位、用逗号分隔填写半径，如 200, 300, 500。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="212" />
      <source>Backup coverage applies to set covering only; ignored.</source>
      <translation>备份覆盖仅适用于集合覆盖；已忽略。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="229" />
      <source>Existing cores from the selection need the cities as a layer loaded in the project, not a file; load it, select the existing cores, or use an expression.</source>
      <translation>从选择集读取现有核心时，城市必须是已加载到项目中的图层，而不是文件；请加载图层并选择现有核心，或改用表达式。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="234" />
      <source>No city of {layer} is selected, but the selected cities should be the existing cores; select them or untick the option.</source>
      <translation>图层 {layer} 中没有选中的城市，但所选城市应为现有核心；请选择这些城市，或取消勾选该选项。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="255" />
      <source>Cities and their core ({radius} km)</source>
      <translation>城市及其核心（{radius} km）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="260" />
      <source>Cores ({count})</source>
      <translation>核心（{count} 个）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="266" />
      <source>Core</source>
      <translation>核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="266" />
      <source>Core name</source>
      <translation>核心名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="267" />
      <source>Radius (km, geodesic)</source>
      <translation>半径（km，大地线距离）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="268" />
      <source>Coverage areas ({radius} km)</source>
      <translation>覆盖范围（{radius} km）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="274" />
      <source>City</source>
      <translation>城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="274" />
      <source>City name</source>
      <translation>城市名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="276" />
      <source>Distance to the core (km, geodesic)</source>
      <translation>到核心的距离（km，大地线距离）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="277" />
      <source>Within the radius (1 = yes)</source>
      <translation>在半径内（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="283" />
      <source>infeasible ({note})</source>
      <translation>无可行解（{note}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="284" />
      <source>proven optimal</source>
      <translation>已证明最优</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="285" />
      <source>not proven optimal, gap {gap:.2f} %</source>
      <translation>未证明最优，差距 {gap:.2f} %</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="286" />
      <source>{cores} cores, {cities:.1f} % of cities and {demand:.1f} % of demand covered, largest distance {km:.1f} km, {status}</source>
      <translation>{cores} 个核心，覆盖 {cities:.1f} % 的城市和 {demand:.1f} % 的需求，最大距离 {km:.1f} km，{status}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="294" />
      <source>Is a core (1 = yes)</source>
      <translation>是否为核心（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="294" />
      <source>Assigned (nearest) core</source>
      <translation>分配的（最近）核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="295" />
      <source>Assigned core name</source>
      <translation>分配的核心名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="296" />
      <source>A core within the radius (1 = yes)</source>
      <translation>半径内有核心（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="296" />
      <source>Cores within the radius</source>
      <translation>半径内的核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="301" />
      <source>Existing core (1 = yes)</source>
      <translation>现有核心（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="302" />
      <source>Cities assigned (nearest core)</source>
      <translation>分配的城市数（最近核心）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="302" />
      <source>Cities within the radius</source>
      <translation>半径内的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="303" />
      <source>Demand assigned</source>
      <translation>分配的需求</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/core_node_coverage.py" line="303" />
      <source>Farthest assigned city (km)</source>
      <translation>所分配城市的最远距离（km）</translation>
    </message>
    <message>
      <source>Candidate sites</source>
      <translation type="vanished">候选站点数</translation>
    </message>
    <message>
      <source>Centroid</source>
      <translation type="vanished">质心</translation>
    </message>
    <message>
      <source>Cities</source>
      <translation type="vanished">城市数</translation>
    </message>
    <message>
      <source>Cities assigned</source>
      <translation type="vanished">分配的城市数</translation>
    </message>
    <message>
      <source>Cities covered</source>
      <translation type="vanished">被覆盖城市</translation>
    </message>
    <message>
      <source>Cities covered by two cores or more</source>
      <translation type="vanished">被两个及以上核心覆盖的城市数</translation>
    </message>
    <message>
      <source>Cities not covered</source>
      <translation type="vanished">未被覆盖的城市</translation>
    </message>
    <message>
      <source>City id field</source>
      <translation type="vanished">城市标识字段</translation>
    </message>
    <message>
      <source>City id field (e.g. adcode; default: feature id)</source>
      <translation type="vanished">城市标识字段（如 adcode；默认：要素 ID）</translation>
    </message>
    <message>
      <source>City name field</source>
      <translation type="vanished">城市名称字段</translation>
    </message>
    <message>
      <source>City name field (labels; default: a field called “name”)</source>
      <translation type="vanished">城市名称字段（用于标注；默认：名为“name”的字段）</translation>
    </message>
    <message>
      <source>Comparison over radii</source>
      <translation type="vanished">不同半径的比较</translation>
    </message>
    <message>
      <source>Core-node coverage (300 km)</source>
      <translation type="vanished">核心-节点覆盖（300 km）</translation>
    </message>
    <message>
      <source>Core-node coverage: {layer}</source>
      <translation type="vanished">核心-节点覆盖：{layer}</translation>
    </message>
    <message>
      <source>Demand covered</source>
      <translation type="vanished">被覆盖需求</translation>
    </message>
    <message>
      <source>Distances are geodesic on the ellipsoid. Exact integer programme solved with HiGHS; “proven optimal” means no solution with fewer cores (set covering) or more covered demand (maximal covering) exists.</source>
      <translation type="vanished">距离为椭球面上的大地线距离。以 HiGHS 精确求解整数规划；“已证明最优”表示不存在核心更少（集合覆盖）或覆盖需求更多（最大覆盖）的解。</translation>
    </message>
    <message>
      <source>Existing cores kept</source>
      <translation type="vanished">保留的现有核心数</translation>
    </message>
    <message>
      <source>Farthest city (km)</source>
      <translation type="vanished">最远城市（km）</translation>
    </message>
    <message>
      <source>Integer programme after reductions</source>
      <translation type="vanished">约简后的整数规划规模</translation>
    </message>
    <message>
      <source>Largest city-to-core distance</source>
      <translation type="vanished">城市到核心的最大距离</translation>
    </message>
    <message>
      <source>Largest distance (km)</source>
      <translation type="vanished">最大距离（km）</translation>
    </message>
    <message>
      <source>Latitude field (WGS84 degrees)</source>
      <translation type="vanished">纬度字段（WGS84 度）</translation>
    </message>
    <message>
      <source>Longitude field (WGS84 degrees)</source>
      <translation type="vanished">经度字段（WGS84 度）</translation>
    </message>
    <message>
      <source>Longitude/latitude fields</source>
      <translation type="vanished">经纬度字段</translation>
    </message>
    <message>
      <source>Mean city-to-core distance</source>
      <translation type="vanished">城市到核心的平均距离</translation>
    </message>
    <message>
      <source>Model</source>
      <translation type="vanished">模型</translation>
    </message>
    <message>
      <source>Of which within the radius</source>
      <translation type="vanished">其中在半径内</translation>
    </message>
    <message>
      <source>Point of each city</source>
      <translation type="vanished">城市的代表点</translation>
    </message>
    <message>
      <source>Point on surface</source>
      <translation type="vanished">面上点</translation>
    </message>
    <message>
      <source>Property</source>
      <translation type="vanished">属性</translation>
    </message>
    <message>
      <source>Radius</source>
      <translation type="vanished">半径</translation>
    </message>
    <message>
      <source>Radius (km)</source>
      <translation type="vanished">半径（km）</translation>
    </message>
    <message>
      <source>Solution</source>
      <translation type="vanished">求解结果</translation>
    </message>
    <message>
      <source>Solver time</source>
      <translation type="vanished">求解用时</translation>
    </message>
    <message>
      <source>Status</source>
      <translation type="vanished">状态</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation type="vanished">摘要</translation>
    </message>
    <message>
      <source>The expression {expression} fails: {error}</source>
      <translation type="vanished">表达式 {expression} 计算失败：{error}</translation>
    </message>
    <message>
      <source>The expression {expression} is invalid: {error}</source>
      <translation type="vanished">表达式 {expression} 无效：{error}</translation>
    </message>
    <message>
      <source>The expression {expression} uses fields that are not in the layer: {fields}; choose from {available}.</source>
      <translation type="vanished">表达式 {expression} 使用了图层中不存在的字段：{fields}；请从以下字段中选择：{available}。</translation>
    </message>
    <message>
      <source>Value</source>
      <translation type="vanished">值</translation>
    </message>
    <message>
      <source>existing</source>
      <translation type="vanished">现有</translation>
    </message>
    <message>
      <source>gap {gap:.2f} %</source>
      <translation type="vanished">差距 {gap:.2f} %</translation>
    </message>
    <message>
      <source>new</source>
      <translation type="vanished">新增</translation>
    </message>
  </context>
  <context>
    <name>CouplingCoordinationAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="26" />
      <source>Coupling coordination degree</source>
      <translation>耦合协调度</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="27" />
      <source>Coupling coordination degree of two indices, per city and year.</source>
      <translation>两个指数逐城市、逐年的耦合协调度。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="31" />
      <source>Coupling degree C, comprehensive development index T and coupling coordination degree D of two indices (e.g. the digital economy index DEI and the urban resilience index URI) for every city and year.

C = 2·√(U1·U2) / (U1 + U2), T = α·U1 + β·U2 (β = 1 − α), D = √(C·T): the corrected coupling degree of Wang Shujia, Kong Wei, Ren Lang, Zhi Dandan and Dai Bingtao (2021), “Research on misuses and modification of coupling coordination degree model in China” (中国国内耦合协调度模型的误区及修正), Journal of Natural Resources 36(3): 793–810, which spans [0, 1], unlike the widespread variants. Both indices must lie on [0, 1] (min–max indices do), or tick “rescale” to min–max them over all cities and years first. C is 0 where both indices are 0.

Ten levels of D: 1 [0, 0.1) 极度失调 extreme imbalance; 2 严重失调 serious imbalance; 3 中度失调 moderate imbalance; 4 轻度失调 mild imbalance; 5 濒临失调 on the verge of imbalance; 6 [0.5, 0.6) 勉强协调 barely coordinated; 7 初级协调 primary coordination; 8 中级协调 intermediate coordination; 9 良好协调 good coordination; 10 [0.9, 1] 优质协调 high-quality coordination.

Fields: choose e.g. DEI_2019 and URI_2019 with “every year” to compute all years the two indices share (a wide layer), or plain fields with a year field (a long layer). Output fields (STEM_YYYY on a wide layer): CPL coupling degree C, CPT comprehensive index T, CCD coupling coordination degree D, CCL level 1–10, CCT level name. The map shows the levels in the latest year.</source>
      <translation>计算每个城市每年两个指数（如数字经济指数 DEI 与城市韧性指数 URI）的耦合度 C、综合发展指数 T 和耦合协调度 D。

C = 2·√(U1·U2) / (U1 + U2)，T = α·U1 + β·U2（β = 1 − α），D = √(C·T)：采用王淑佳、孔伟、任亮、治丹丹、戴彬涛（2021）《中国国内耦合协调度模型的误区及修正》（自然资源学报 36(3): 793–810）修正后的耦合度，与常见变体不同，其取值范围为 [0, 1]。两个指数都须位于 [0, 1] 内（极差标准化得到的指数满足此条件），或勾选“重新缩放”，先在全部城市和年份上做极差标准化。两个指数均为 0 时 C 为 0。

D 分为十个等级：1 [0, 0.1) 极度失调；2 严重失调；3 中度失调；4 轻度失调；5 濒临失调；6 [0.5, 0.6) 勉强协调；7 初级协调；8 中级协调；9 良好协调；10 [0.9, 1] 优质协调。

字段：例如选择 DEI_2019 和 URI_2019 并勾选“每一年”，计算两个指数共有的全部年份（宽格式图层）；或选择普通字段并指定年份字段（长格式图层）。输出字段（宽格式图层为 STEM_YYYY）：CPL 耦合度 C，CPT 综合发展指数 T，CCD 耦合协调度 D，CCL 协调等级 1–10，CCT 协调类型名称。地图显示最新年份的协调等级。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="30" />
      <source>coupling,coordination,ccd,digital economy,resilience,耦合协调度,耦合度</source>
      <translation>coupling,coordination,ccd,digital economy,resilience,耦合协调度,耦合度,综合发展指数,协调等级,数字经济,城市韧性</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="62" />
      <source>Cities with indices</source>
      <translation>含指数的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="64" />
      <source>First index U1 (e.g. DEI_2019)</source>
      <translation>第一个指数 U1（如 DEI_2019）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="67" />
      <source>Second index U2 (e.g. URI_2019)</source>
      <translation>第二个指数 U2（如 URI_2019）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="70" />
      <source>Every year</source>
      <translation>所有年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="71" />
      <source>Every year of the two indices (STEM_YYYY fields)</source>
      <translation>两个指数的每一年（STEM_YYYY 字段）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="73" />
      <source>Year field</source>
      <translation>年份字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="75" />
      <source>Year field (long layers: one feature per city and year)</source>
      <translation>年份字段（长格式图层：每个城市每年一个要素）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="77" />
      <source>Contribution α of the first index</source>
      <translation>第一指数贡献 α</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="79" />
      <source>Contribution α of the first index (β = 1 − α)</source>
      <translation>第一个指数的贡献系数 α（β = 1 − α）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="81" />
      <source>Rescale to 0–1 first</source>
      <translation>先缩放至 0–1</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="82" />
      <source>Rescale both indices to 0–1 first (min–max over all cities and years)</source>
      <translation>先将两个指数重新缩放至 0–1（在全部城市和年份上做极差标准化）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="83" />
      <source>Coupling coordination</source>
      <translation>耦合协调度</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/coupling_coordination.py" line="108" />
      <source>Coupling coordination {year}</source>
      <translation>耦合协调度 {year}</translation>
    </message>
  </context>
  <context>
    <name>DependenciesDialog</name>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="45" />
      <source>Excel (.xlsx) indicator tables</source>
      <translation>Excel（.xlsx）指标表</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="45" />
      <source>charts in reports</source>
      <translation>报告中的图表</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="46" />
      <source>zonal statistics of rasters</source>
      <translation>栅格分区统计</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="47" />
      <source>Word (.docx) tables of the regressions</source>
      <translation>回归结果的 Word（.docx）表格</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="69" />
      <source>Digital Resilience: install Python packages</source>
      <translation>数字韧性：安装 Python 包</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="81" />
      <source>Package</source>
      <translation>包</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="81" />
      <source>Installed</source>
      <translation>已安装版本</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="81" />
      <source>Required</source>
      <translation>所需版本</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="81" />
      <source>Used by</source>
      <translation>使用它的算法</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="96" />
      <source>pip's default (https://pypi.org/simple)</source>
      <translation>pip 的默认源（https://pypi.org/simple）</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="97" />
      <source>The package index pip downloads from, e.g. a mirror in mainland China.</source>
      <translation>pip 下载所用的包索引，例如中国大陆的镜像源。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="99" />
      <source>none (e.g. http://user:password@proxy.example.com:8080)</source>
      <translation>无（例如 http://user:password@proxy.example.com:8080）</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="103" />
      <source>Package index</source>
      <translation>包索引（镜像源）</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="104" />
      <source>Proxy</source>
      <translation>代理</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="105" />
      <source>Installs into {folder} with {python} (QGIS's own Python).</source>
      <translation>用 {python}（QGIS 自带的 Python）安装到 {folder}。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="109" />
      <source>Where</source>
      <translation>安装位置</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="116" />
      <source>pip's output appears here.</source>
      <translation>pip 的输出显示在这里。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="124" />
      <source>Install</source>
      <translation>安装</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="126" />
      <source>Cancel installation</source>
      <translation>取消安装</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="130" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="151" />
      <source>optional: {use}</source>
      <translation>可选：{use}</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="153" />
      <source>{count} algorithms</source>
      <translation>{count} 个算法</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="156" />
      <source>missing</source>
      <translation>缺失</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="162" />
      <source>{installed} (from your distribution)</source>
      <translation>{installed}（须由系统发行版提供）</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="171" />
      <source>The Digital Resilience algorithms use these Python packages, which QGIS's Python lacks or has in too old a version. Tick those to install and press Install: pip downloads them (about {size} MB for all of them, about 300 MB installed) and installs them for this QGIS profile only.</source>
      <translation>数字韧性算法要用到以下 Python 包，而 QGIS 的 Python 中缺少这些包或版本过旧。勾选要安装的包并点击“安装”：pip 会下载它们（全部约 {size} MB，安装后约 300 MB），且只为当前 QGIS 用户配置安装。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="177" />
      <source>QGIS's Python has every package the Digital Resilience algorithms need.</source>
      <translation>QGIS 的 Python 已具备数字韧性算法所需的全部包。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="181" />
      <source>{packages}: pyproj must be the build that uses QGIS's own PROJ library; pip must not install it (its wheels bring a second PROJ, which crashes QGIS). Install it with {command}, restart QGIS, then open this dialog again.</source>
      <translation>{packages}：pyproj 必须是使用 QGIS 自身 PROJ 库的版本，不能用 pip 安装（其 wheel 包自带另一套 PROJ，会导致 QGIS 崩溃）。请用 {command} 安装，重启 QGIS 后再打开本对话框。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="214" />
      <source>Installing {packages}…</source>
      <translation>正在安装 {packages}…</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="224" />
      <source>Installation cancelled; what it had added was removed.</source>
      <translation>已取消安装；本次安装已添加的内容已删除。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="226" />
      <source>pip failed (see its output above). Check the package index and proxy, or run the command shown at the top of the log in a terminal.</source>
      <translation>pip 运行失败（见上方输出）。请检查包索引和代理，或在终端中运行日志开头显示的命令。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="229" />
      <source>Installed {packages}. Restart QGIS to use them: {loaded} were already loaded in this session.</source>
      <translation>已安装 {packages}。请重启 QGIS 后使用：{loaded} 已在本次会话中加载。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="232" />
      <source>Installed {packages} in {seconds:.0f} s. Ready to use: no restart needed.</source>
      <translation>已在 {seconds:.0f} 秒内安装 {packages}。可直接使用，无需重启。</translation>
    </message>
    <message>
      <location filename="../../plugin/dependencies_dialog.py" line="233" />
      <source>nothing new</source>
      <translation>无新增</translation>
    </message>
  </context>
  <context>
    <name>DigitalResilienceLanguage</name>
    <message>
      <location filename="../../processing/translation.py" line="47" />
      <source>en</source>
      <translation>zh</translation>
    </message>
  </context>
  <context>
    <name>DigitalResiliencePlugin</name>
    <message>
      <location filename="../../plugin/plugin.py" line="59" />
      <source>The Digital Resilience provider is already registered.</source>
      <translation>数字韧性处理提供者已注册。</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="60" />
      <source>Digital Resilience</source>
      <translation>数字韧性</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="93" />
      <source>Open the study chain in the Modeler…</source>
      <translation>在图形建模器中打开研究链…</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="95" />
      <source>Copy the study chain model into your models folder and open the copy in the Graphical Modeler, to change and save it</source>
      <translation>将研究链模型复制到您的模型文件夹，并在图形建模器中打开副本，以便修改和保存</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="100" />
      <source>Install dependencies…</source>
      <translation>安装依赖包…</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="102" />
      <source>Install the Python packages the algorithms need into QGIS's own Python</source>
      <translation>将算法所需的 Python 包安装到 QGIS 自带的 Python 中</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="139" />
      <source>The study chain was copied to {path}: change it and save it in the Modeler; it is listed under Processing › Models.</source>
      <translation>研究链已复制到 {path}：可在建模器中修改并保存；它列于“处理 › 模型”下。</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="163" />
      <source>Missing Python packages: {packages}.</source>
      <translation>缺少 Python 包：{packages}。</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="165" />
      <source>Install…</source>
      <translation>安装…</translation>
    </message>
  </context>
  <context>
    <name>Expressions</name>
    <message>
      <location filename="../../processing/io/expressions.py" line="25" />
      <source>The expression {expression} is invalid: {error}</source>
      <translation>表达式 {expression} 无效：{error}</translation>
    </message>
    <message>
      <location filename="../../processing/io/expressions.py" line="30" />
      <source>The expression {expression} uses fields that are not in the layer: {fields}; choose from {available}.</source>
      <translation>表达式 {expression} 使用了图层中不存在的字段：{fields}；请从以下字段中选择：{available}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/expressions.py" line="44" />
      <source>The expression {expression} fails: {error}</source>
      <translation>表达式 {expression} 计算失败：{error}</translation>
    </message>
  </context>
  <context>
    <name>GlobalAutocorrelationAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="37" />
      <source>Global spatial autocorrelation</source>
      <translation>全局空间自相关</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="38" />
      <source>Moran's I, Geary's C and Getis–Ord General G per year.</source>
      <translation>逐年的 Moran's I、Geary's C 和 Getis–Ord General G。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="46" />
      <source>Is the variable spatially clustered, and does clustering change over the years? Moran's I (inference under normality, randomisation and permutation), Geary's C (normality, randomisation, permutation) and Getis-Ord General G (randomisation, permutation), for one or many fields and, with “every year”, for every year of a panel (DEI_2019 → DEI_2011 … DEI_2019) in one run.

Output: a table with one row per field, year, statistic and inference: value, expected value, variance, z = (value − expected)/sd, p-value, units, permutations. The analytical moments are those of R spdep's moran.test, geary.test and globalG.test (cities without neighbours keep their value in the mean and variance, and n counts the cities with neighbours). Note that z for Geary's C is negative for positive autocorrelation (C &lt; 1); spdep reports the opposite sign. General G needs values of zero or more (it is skipped, with a warning, for fields with negative values) and is meant for binary weights.

Alternative: two-sided, or one-sided “greater” (value above its expectation: I &gt; E[I], G &gt; E[G]; for Geary's C that is negative autocorrelation) or “less”. Permutation p-values count the permutations at least as extreme, (M + 1)/(P + 1); two-sided is twice the smaller tail. The same seed gives the same result.

The chart (PNG, SVG or PDF) draws Moran's I of each field over the years; filled markers are significant at 5 %. The HTML report (optional) holds the chart, Moran's I of the first field in the last year and the table of results.</source>
      <translation>变量是否存在空间集聚，集聚程度是否随年份变化？计算 Moran's I（基于正态性假设、随机化假设和置换检验进行推断）、Geary's C（正态性、随机化、置换）和 Getis-Ord General G（随机化、置换），可针对一个或多个字段，勾选“每一年”时可一次计算面板的所有年份（DEI_2019 → DEI_2011 … DEI_2019）。

输出：每个字段、年份、统计量和推断方式一行的表格，包括统计量值、期望值、方差、z =（值 − 期望值）/标准差、p 值、单元数和置换次数。解析矩与 R spdep 的 moran.test、geary.test 和 globalG.test 一致（没有邻居的城市仍计入均值和方差，n 为有邻居的城市数）。注意：Geary's C 在正空间自相关（C &lt; 1）时 z 为负；spdep 报告的符号相反。General G 要求数值非负（含负值的字段将被跳过并给出警告），且适用于二值权重。

备择假设：双侧，或单侧“大于”（统计量高于其期望：I &gt; E[I]、G &gt; E[G]；对 Geary's C 而言即负空间自相关）或“小于”。置换检验的 p 值统计至少同样极端的置换次数，(M + 1)/(P + 1)；双侧为较小一侧尾部的两倍。相同的种子得到相同的结果。

图表（PNG、SVG 或 PDF）绘制各字段 Moran's I 的逐年变化；实心标记表示在 5% 水平下显著。HTML 报告（可选）包含该图表、第一个字段最后一年的 Moran's I 以及结果表。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="45" />
      <source>moran,geary,getis,ord,general g,global,autocorrelation,clustering,panel,years</source>
      <translation>moran,geary,getis,ord,general g,global,autocorrelation,clustering,panel,years,莫兰指数,全局莫兰指数,吉尔里指数,全局空间自相关,空间集聚,面板</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="70" />
      <source>Statistics</source>
      <translation>统计量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="71" />
      <source>Moran's I</source>
      <translation>莫兰指数（Moran's I）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="71" />
      <source>Geary's C</source>
      <translation>吉尔里指数（Geary's C）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="72" />
      <source>Getis-Ord General G</source>
      <translation>Getis-Ord General G</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="73" />
      <source>Alternative hypothesis</source>
      <translation>备择假设</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="74" />
      <source>Two-sided</source>
      <translation>双侧</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="74" />
      <source>Greater than expected (one-sided)</source>
      <translation>大于期望（单侧）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="75" />
      <source>Less than expected (one-sided)</source>
      <translation>小于期望（单侧）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="79" />
      <source>Global autocorrelation</source>
      <translation>全局空间自相关</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="81" />
      <source>Chart of Moran's I over the years</source>
      <translation>Moran's I 逐年变化图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="82" />
      <source>PNG images (*.png);;SVG images (*.svg);;PDF files (*.pdf)</source>
      <translation>PNG 图像 (*.png);;SVG 图像 (*.svg);;PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="85" />
      <source>Moran's I (first field, last year)</source>
      <translation>Moran's I（第一个字段，最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="86" />
      <source>p-value of Moran's I (first field, last year; permutation if any)</source>
      <translation>Moran's I 的 p 值（第一个字段，最后一年；有置换检验时取置换检验）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="111" />
      <source>{column} {statistic} ({inference}): {value:.6g}, expected {expected:.6g}, z = {z:.4g}, p = {p:.4g}</source>
      <translation>{column} {statistic}（{inference}）：{value:.6g}，期望值 {expected:.6g}，z = {z:.4g}，p = {p:.4g}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="117" />
      <source>Field (stem)</source>
      <translation>字段（前缀）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="117" />
      <source>Field</source>
      <translation>字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="117" />
      <source>Year</source>
      <translation>年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="118" />
      <source>Statistic</source>
      <translation>统计量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="118" />
      <source>Inference</source>
      <translation>推断方式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="118" />
      <source>Value</source>
      <translation>统计量值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="119" />
      <source>Expected value under no autocorrelation</source>
      <translation>无空间自相关时的期望值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="119" />
      <source>Variance</source>
      <translation>方差</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="120" />
      <source>z = (value − expected) / standard deviation</source>
      <translation>z =（值 − 期望值）/ 标准差</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="120" />
      <source>p-value</source>
      <translation>p 值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="121" />
      <source>Units analysed</source>
      <translation>参与分析的单元数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="121" />
      <source>Permutations</source>
      <translation>置换次数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="159" />
      <source>permutation</source>
      <translation>置换检验</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="159" />
      <source>randomisation</source>
      <translation>随机化假设</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="166" />
      <source>{statistic} over the years</source>
      <translation>{statistic}逐年变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="168" />
      <source>p ≤ {alpha} ({inference})</source>
      <translation>p ≤ {alpha}（{inference}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="170" />
      <source>not significant</source>
      <translation>不显著</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/global_autocorrelation.py" line="171" />
      <source>Expected under no autocorrelation</source>
      <translation>无空间自相关时的期望值</translation>
    </message>
    <message>
      <source>Is the variable spatially clustered, and does clustering change over the years? Moran's I (inference under normality, randomisation and permutation), Geary's C (normality, randomisation, permutation) and Getis-Ord General G (randomisation, permutation), for one or many fields and, with “every year”, for every year of a panel (DEI_2019 → DEI_2011 … DEI_2019) in one run.

Output: a table with one row per field, year, statistic and inference: value, expected value, variance, z = (value − expected)/sd, p-value, units, permutations. The analytical moments are those of R spdep's moran.test, geary.test and globalG.test (cities without neighbours keep their value in the mean and variance, and n counts the cities with neighbours). Note that z for Geary's C is negative for positive autocorrelation (C &lt; 1); spdep reports the opposite sign. General G needs values of zero or more (it is skipped, with a warning, for fields with negative values) and is meant for binary weights.

Alternative: two-sided, or one-sided “greater” (value above its expectation: I &gt; E[I], G &gt; E[G]; for Geary's C that is negative autocorrelation) or “less”. Permutation p-values count the permutations at least as extreme, (M + 1)/(P + 1); two-sided is twice the smaller tail. The same seed gives the same result.

The chart (PNG, SVG or PDF) draws Moran's I of each field over the years; filled markers are significant at 5 %.</source>
      <translation type="vanished">变量是否存在空间集聚，集聚程度是否随年份变化？计算 Moran's I（基于正态性假设、随机化假设和置换检验进行推断）、Geary's C（正态性、随机化、置换）和 Getis-Ord General G（随机化、置换），可针对一个或多个字段，勾选“每一年”时可一次计算面板的所有年份（DEI_2019 → DEI_2011 … DEI_2019）。

输出：每个字段、年份、统计量和推断方式一行的表格，包括统计量值、期望值、方差、z =（值 − 期望值）/标准差、p 值、单元数和置换次数。解析矩与 R spdep 的 moran.test、geary.test 和 globalG.test 一致（没有邻居的城市仍计入均值和方差，n 为有邻居的城市数）。注意：Geary's C 在正空间自相关（C &lt; 1）时 z 为负；spdep 报告的符号相反。General G 要求数值非负（含负值的字段将被跳过并给出警告），且适用于二值权重。

备择假设：双侧，或单侧“大于”（统计量高于其期望：I &gt; E[I]、G &gt; E[G]；对 Geary's C 而言即负空间自相关）或“小于”。置换检验的 p 值统计至少同样极端的置换次数，(M + 1)/(P + 1)；双侧为较小一侧尾部的两倍。相同的种子得到相同的结果。

图表（PNG、SVG 或 PDF）绘制各字段 Moran's I 的逐年变化；实心标记表示在 5% 水平下显著。</translation>
    </message>
  </context>
  <context>
    <name>HeterogeneityAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="41" />
      <source>Heterogeneity by period, region or openness</source>
      <translation>按时期、区域或开放度的异质性分析</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="42" />
      <source>The spillover model by period, region or openness group.</source>
      <translation>按时期、区域或开放程度分组的空间溢出模型。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="47" />
      <source>Runs the chosen spatial model (as in “Spatial spillover model”) separately for groups and lays the groups side by side, with tests that the key variable's coefficient and effects differ between them.

Groupings: by period (years before the split year against the split year and after; default 2016), by a category field (e.g. region: east, central, west, northeast) or by the top and bottom shares of a numeric field (e.g. openness; default 30 % each; in a panel the city's mean over the years).

Methods: separate models per group (the weights are restricted to the group, or rebuilt within it for k-nearest neighbours), compared with z = (b₁ − b₂)/√(se₁² + se₂²) and, for more than two groups, Cochran's Q; or one interaction model on all units with the full weights, the key variable (and its W-lag) interacted with each group, compared by Wald tests with the joint covariance; or the gap over time: the key variable interacted with every group and year (groups of cities only), each group's gap against a reference group year by year with its 95 % interval, the trend of the gap per year and a test that it is the same in every year (e.g. east against central and western cities, 2011–2019).

Outputs: an HTML report (paper-style side-by-side table, group comparisons), a CSV table, the side-by-side table for papers (Excel, Word, LaTeX or CSV) and an optional layer of the cities' groups. Groups need at least 10 units; contiguity weights inside small or scattered groups leave islands: use k-nearest neighbours or the interaction method. For scattered groups (openness) prefer the interaction method: it keeps every city's real neighbours, whereas a separate model only sees neighbours inside the group.</source>
      <translation>对各组分别估计所选空间模型（同“空间溢出模型”），并将各组结果并列，同时检验关键变量的系数和效应在组间是否存在差异。

分组方式：按时期（分界年份之前的年份对比分界年份及以后；默认 2016 年）、按分类字段（如地区：东部、中部、西部、东北）或按数值字段的前后分位（如对外开放度；默认各取 30%；面板中取城市的多年均值）。

方法：各组分别建模（空间权重限制在组内，k 近邻则在组内重新构建），用 z = (b₁ − b₂)/√(se₁² + se₂²) 比较，组数多于两个时另做 Cochran's Q 检验；或在全部单元上以完整空间权重估计一个交互模型，将关键变量（及其空间滞后项 W·x）与各组虚拟变量交互，以联合协方差做 Wald 检验比较；或差距的时间变化：将关键变量与每个组和每个年份交互（仅限城市分组），逐年给出各组相对参照组的差距及其 95% 区间、差距每年的趋势，并检验差距是否各年相同（如东部对比中西部城市，2011–2019 年）。

输出：HTML 报告（论文格式的分组并列表与组间比较）、CSV 表格、供论文使用的分组并列表（Excel、Word、LaTeX 或 CSV），以及可选的城市分组图层。每组至少需要 10 个单元；在规模小或空间分散的组内使用邻接权重会产生孤岛：请使用 k 近邻或交互模型方法。对于空间分散的分组（如开放度），建议使用交互模型方法：它保留每个城市真实的邻居，而分组单独建模只能看到组内的邻居。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="45" />
      <source>heterogeneity,subsample,group,period,2016,region,east,central,west,northeast,openness,top 30%,interaction,Chow,spatial Durbin,econometrics</source>
      <translation>heterogeneity,subsample,group,period,2016,region,east,central,west,northeast,openness,top 30%,interaction,Chow,spatial Durbin,econometrics,异质性,分样本,分组回归,时期,东部,中部,西部,东北,对外开放,交互项,空间杜宾模型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="84" />
      <source>Key variable</source>
      <translation>关键变量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="86" />
      <source>Key variable (default: the first explanatory variable)</source>
      <translation>关键变量（默认：第一个解释变量）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="87" />
      <source>Grouping</source>
      <translation>分组方式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="88" />
      <source>Period: before / from the split year</source>
      <translation>时期：分界年份之前 / 之后（含）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="89" />
      <source>Category field (e.g. region)</source>
      <translation>分类字段（如地区）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="90" />
      <source>Top and bottom shares of a numeric field (e.g. openness)</source>
      <translation>数值字段的前后分位（如对外开放度）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="92" />
      <source>Split year</source>
      <translation>分界年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="94" />
      <source>Split year (the second period starts with it)</source>
      <translation>分界年份（第二个时期从该年开始）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="96" />
      <source>Group field</source>
      <translation>分组字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="98" />
      <source>Group field (category or numeric; in a wide panel any year of the stem)</source>
      <translation>分组字段（分类或数值；宽格式面板中任选该前缀的一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="100" />
      <source>Top share (%)</source>
      <translation>前段占比（%）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="103" />
      <source>Bottom share (%)</source>
      <translation>后段占比（%）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="105" />
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="106" />
      <source>Separate models per group</source>
      <translation>各组分别建模</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="107" />
      <source>One model with group interactions</source>
      <translation>含分组交互项的单一模型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="108" />
      <source>Gap over time: one model with group × year interactions</source>
      <translation>差距的时间变化：一个含组 × 年份交互项的模型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="110" />
      <source>Reference group (gap over time)</source>
      <translation>参照组（差距的时间变化）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="111" />
      <source>The group the others are compared with in the gap over time, as it is written in the group field (e.g. central/west); default: the first group in alphabetical order</source>
      <translation>差距的时间变化中其他各组与之比较的组，按分组字段中的写法填写（如 central/west）；默认：按字母顺序的第一个组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="114" />
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="114" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="116" />
      <source>Side-by-side table (CSV)</source>
      <translation>分组并列表（CSV）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="116" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="119" />
      <source>Gap over time (CSV)</source>
      <translation>差距的时间变化（CSV）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="124" />
      <source>Groups</source>
      <translation>分组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="127" />
      <source>Key coefficient: first group − second group</source>
      <translation>关键变量系数：第一组 − 第二组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="128" />
      <source>z of the difference</source>
      <translation>差值的 z 值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="129" />
      <source>p-value of the difference</source>
      <translation>差值的 p 值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="130" />
      <source>Key coefficient: first group / second group</source>
      <translation>关键变量系数：第一组 / 第二组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="131" />
      <source>Gap over time: first compared group − reference, first year</source>
      <translation>差距的时间变化：第一个比较组 − 参照组，首年</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="132" />
      <source>Gap over time: first compared group − reference, last year</source>
      <translation>差距的时间变化：第一个比较组 − 参照组，末年</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="133" />
      <source>Gap over time: trend of the gap per year</source>
      <translation>差距的时间变化：差距的年均趋势</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="134" />
      <source>Gap over time: p-value of the trend</source>
      <translation>差距的时间变化：趋势的 p 值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="171" />
      <source>{key}: {a} = {va:.4f}, {b} = {vb:.4f}, z = {z:.3f}, {p}</source>
      <translation>{key}：{a} = {va:.4f}，{b} = {vb:.4f}，z = {z:.3f}，{p}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="174" />
      <source>Heterogeneity of the effect of {key} on {dependent}</source>
      <translation>{key}对{dependent}影响的异质性</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="193" />
      <source>Grouping by period: every city is in every group, no group layer.</source>
      <translation>按时期分组：每个城市都属于每个组，不输出分组图层。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="200" />
      <source>The gap-over-time table is written by the gap-over-time method only.</source>
      <translation>差距时间变化表仅由“差距的时间变化”方法输出。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="206" />
      <source>{group} − {reference}: {first:.4f} ({y0}) → {last:.4f} ({y1}); trend {trend:.4f} per year, {p}</source>
      <translation>{group} − {reference}：{first:.4f}（{y0}）→ {last:.4f}（{y1}）；趋势每年 {trend:.4f}，{p}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="225" />
      <source>Grouping by a category or by top/bottom shares needs the group field: choose it (e.g. region or OPEN_2019).</source>
      <translation>按分类或前后分位分组需要指定分组字段：请选择（如 region 或 OPEN_2019）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="244" />
      <source>Group</source>
      <translation>分组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/heterogeneity.py" line="245" />
      <source>Heterogeneity groups</source>
      <translation>异质性分组</translation>
    </message>
    <message>
      <source>Runs the chosen spatial model (as in “Spatial spillover model”) separately for groups and lays the groups side by side, with tests that the key variable's coefficient and effects differ between them.

Groupings: by period (years before the split year against the split year and after; default 2016), by a category field (e.g. region: east, central, west, northeast) or by the top and bottom shares of a numeric field (e.g. openness; default 30 % each; in a panel the city's mean over the years).

Methods: separate models per group (the weights are restricted to the group, or rebuilt within it for k-nearest neighbours), compared with z = (b₁ − b₂)/√(se₁² + se₂²) and, for more than two groups, Cochran's Q; or one interaction model on all units with the full weights, the key variable (and its W-lag) interacted with each group, compared by Wald tests with the joint covariance.

Outputs: an HTML report (paper-style side-by-side table, group comparisons), a CSV table and an optional layer of the cities' groups. Groups need at least 10 units; contiguity weights inside small or scattered groups leave islands: use k-nearest neighbours or the interaction method. For scattered groups (openness) prefer the interaction method: it keeps every city's real neighbours, whereas a separate model only sees neighbours inside the group.</source>
      <translation type="vanished">对各组分别估计所选空间模型（同“空间溢出模型”），并将各组结果并列，同时检验关键变量的系数和效应在组间是否存在差异。

分组方式：按时期（分界年份之前的年份对比分界年份及以后；默认 2016 年）、按分类字段（如地区：东部、中部、西部、东北）或按数值字段的前后分位（如对外开放度；默认各取 30%；面板中取城市的多年均值）。

方法：各组分别建模（空间权重限制在组内，k 近邻则在组内重新构建），用 z = (b₁ − b₂)/√(se₁² + se₂²) 比较，组数多于两个时另做 Cochran's Q 检验；或在全部单元上以完整空间权重估计一个交互模型，将关键变量（及其空间滞后项 W·x）与各组虚拟变量交互，以联合协方差做 Wald 检验比较。

输出：HTML 报告（论文格式的分组并列表与组间比较）、CSV 表格，以及可选的城市分组图层。每组至少需要 10 个单元；在规模小或空间分散的组内使用邻接权重会产生孤岛：请使用 k 近邻或交互模型方法。对于空间分散的分组（如开放度），建议使用交互模型方法：它保留每个城市真实的邻居，而分组单独建模只能看到组内的邻居。</translation>
    </message>
    <message>
      <source>Runs the chosen spatial model (as in “Spatial spillover model”) separately for groups and lays the groups side by side, with tests that the key variable's coefficient and effects differ between them.

Groupings: by period (years before the split year against the split year and after; default 2016), by a category field (e.g. region: east, central, west, northeast) or by the top and bottom shares of a numeric field (e.g. openness; default 30 % each; in a panel the city's mean over the years).

Methods: separate models per group (the weights are restricted to the group, or rebuilt within it for k-nearest neighbours), compared with z = (b₁ − b₂)/√(se₁² + se₂²) and, for more than two groups, Cochran's Q; or one interaction model on all units with the full weights, the key variable (and its W-lag) interacted with each group, compared by Wald tests with the joint covariance.

Outputs: an HTML report (paper-style side-by-side table, group comparisons), a CSV table, the side-by-side table for papers (Excel, Word, LaTeX or CSV) and an optional layer of the cities' groups. Groups need at least 10 units; contiguity weights inside small or scattered groups leave islands: use k-nearest neighbours or the interaction method. For scattered groups (openness) prefer the interaction method: it keeps every city's real neighbours, whereas a separate model only sees neighbours inside the group.</source>
      <translation type="vanished">对各组分别估计所选空间模型（同“空间溢出模型”），并将各组结果并列，同时检验关键变量的系数和效应在组间是否存在差异。

分组方式：按时期（分界年份之前的年份对比分界年份及以后；默认 2016 年）、按分类字段（如地区：东部、中部、西部、东北）或按数值字段的前后分位（如对外开放度；默认各取 30%；面板中取城市的多年均值）。

方法：各组分别建模（空间权重限制在组内，k 近邻则在组内重新构建），用 z = (b₁ − b₂)/√(se₁² + se₂²) 比较，组数多于两个时另做 Cochran's Q 检验；或在全部单元上以完整空间权重估计一个交互模型，将关键变量（及其空间滞后项 W·x）与各组虚拟变量交互，以联合协方差做 Wald 检验比较。

输出：HTML 报告（论文格式的分组并列表与组间比较）、CSV 表格、供论文使用的分组并列表（Excel、Word、LaTeX 或 CSV），以及可选的城市分组图层。每组至少需要 10 个单元；在规模小或空间分散的组内使用邻接权重会产生孤岛：请使用 k 近邻或交互模型方法。对于空间分散的分组（如开放度），建议使用交互模型方法：它保留每个城市真实的邻居，而分组单独建模只能看到组内的邻居。</translation>
    </message>
    <message>
      <source>{key}: {a} = {va:.4f}, {b} = {vb:.4f}, z = {z:.3f}, p = {p:.4g}</source>
      <translation type="vanished">{key}：{a} = {va:.4f}，{b} = {vb:.4f}，z = {z:.3f}，p = {p:.4g}</translation>
    </message>
  </context>
  <context>
    <name>HotSpotsAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="32" />
      <source>Hot spots (Getis-Ord Gi*)</source>
      <translation>热点分析（Getis-Ord Gi*）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="33" />
      <source>Hot and cold spots (Getis–Ord Gi / Gi*) per year.</source>
      <translation>逐年的热点与冷点（Getis–Ord Gi / Gi*）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="38" />
      <source>Hot and cold spots with the Getis-Ord local statistics (Getis and Ord 1992; Ord and Getis 1995), as R spdep's localG: Gi* includes each city in its own neighbourhood (the usual hot spot analysis), Gi leaves it out.

Fields: GI (the statistic), GI_Z (z-score: positive for a cluster of high values, negative for low), GI_P (two-sided p-value: normal approximation, or conditional permutation when permutations &gt; 0), GI_PADJ (adjusted, when a multiple-testing control is chosen), GI_BIN (the Gi_Bin confidence class: +3/+2/+1 hot spot at 99/95/90 % confidence, −3/−2/−1 cold spot, 0 not significant) and GI_LAB (its label). With the false discovery rate or Bonferroni, each confidence level is tested on the adjusted p-values. Cities without neighbours or with NULL values are not tested.

The z-score does not change when a city's weights are rescaled, so binary and row-standardised weights give the same map. Panels: every year as a set of fields per year or one layer per year.</source>
      <translation>用 Getis-Ord 局部统计量（Getis 和 Ord 1992；Ord 和 Getis 1995）识别热点与冷点，与 R spdep 的 localG 一致：Gi* 将每个城市计入其自身邻域（常用的热点分析），Gi 则不计入。

字段：GI（统计量）、GI_Z（z 得分：高值集聚为正，低值集聚为负）、GI_P（双侧 p 值：正态近似，或置换次数 &gt; 0 时为条件置换检验）、GI_PADJ（选择多重检验校正时的校正后 p 值）、GI_BIN（Gi_Bin 置信等级：+3/+2/+1 为 99/95/90% 置信度的热点，−3/−2/−1 为冷点，0 为不显著）和 GI_LAB（其标签）。采用错误发现率或 Bonferroni 校正时，各置信水平均基于校正后的 p 值判断。没有邻居或含 NULL 值的城市不参与检验。

城市的权重按比例缩放时 z 得分不变，因此二值权重和行标准化权重得到相同的地图。面板：每一年可输出为每年一组字段，或每年一个图层。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="37" />
      <source>hot spot,cold spot,getis,ord,gi,gi*,gi_bin,cluster</source>
      <translation>hot spot,cold spot,getis,ord,gi,gi*,gi_bin,cluster,热点分析,冷点,热点,集聚</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="56" />
      <source>Gi* (city in its own neighbourhood)</source>
      <translation>Gi*（邻域包含城市自身）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="57" />
      <source>Gi* (include each city in its own neighbourhood)</source>
      <translation>Gi*（将每个城市计入其自身邻域）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="60" />
      <source>Hot spots</source>
      <translation>热点</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="77" />
      <source>Hot spots — {run}</source>
      <translation>热点 — {run}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="78" />
      <source>Hot spots {statistic} ({run})</source>
      <translation>热点 {statistic}（{run}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/hotspots.py" line="83" />
      <source>{run}: {hot} hot spot(s), {cold} cold spot(s) at 90 % confidence or more.</source>
      <translation>{run}：置信度 90% 及以上的热点 {hot} 个、冷点 {cold} 个。</translation>
    </message>
  </context>
  <context>
    <name>IndexRanking</name>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="34" />
      <source>Index to rank</source>
      <translation>排名指数</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="36" />
      <source>Index to rank (field stem, e.g. URI or URSOC; empty: the first index, as on the map)</source>
      <translation>排名的指数（字段前缀，如 URI 或 URSOC；留空：第一个指数，与地图相同）</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="38" />
      <source>Year to rank (0 = the latest year)</source>
      <translation>排名的年份（0 = 最新年份）</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="41" />
      <source>Cities at the top and bottom</source>
      <translation>排名首尾城市数</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="43" />
      <source>Cities at the top and at the bottom of the ranking</source>
      <translation>排名靠前和靠后各取的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="49" />
      <source>Index ranking chart</source>
      <translation>指数排名图</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="49" />
      <source>PNG images (*.png);;SVG images (*.svg)</source>
      <translation>PNG 图像 (*.png);;SVG 图像 (*.svg)</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="89" />
      <source>The index to rank, {stem}, is not an output of this indicator system; use one of {stems}.</source>
      <translation>要排名的指数 {stem} 不是该指标体系的输出；请使用以下之一：{stems}。</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="95" />
      <source>The year to rank, {year}, is not in the data ({first}–{last}).</source>
      <translation>要排名的年份 {year} 不在数据范围内（{first}–{last}）。</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="104" />
      <source>{index}{year}
top and bottom {count} cities</source>
      <translation>{index}{year}
排名前后各 {count} 个城市</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="105" />
      <source>Top {n}</source>
      <translation>前 {n} 名</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="105" />
      <source>Bottom {n}</source>
      <translation>后 {n} 名</translation>
    </message>
    <message>
      <location filename="../../processing/reports/index_ranking.py" line="106" />
      <source>Ranking chart of {index}{year}: {path}.</source>
      <translation>{index}{year} 的排名图：{path}。</translation>
    </message>
  </context>
  <context>
    <name>InvalidGeometries</name>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="68" />
      <source>{count} feature(s) without geometry were left out: {ids}.</source>
      <translation>已剔除 {count} 个没有几何的要素：{ids}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="77" />
      <source>{count} invalid geometries were repaired for the analysis (the layer is unchanged): {ids}.</source>
      <translation>已为分析修复 {count} 个无效几何（图层本身未改动）：{ids}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="130" />
      <source>{count} feature(s) with invalid geometry were left out: {ids}.</source>
      <translation>已剔除 {count} 个几何无效的要素：{ids}。</translation>
    </message>
  </context>
  <context>
    <name>JoinTableAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="28" />
      <source>Join indicator table</source>
      <translation>连接指标表</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="29" />
      <source>Joins a yearbook indicator table (CSV/XLSX, long or wide) to the cities.</source>
      <translation>将统计年鉴指标表（CSV/XLSX，长或宽格式）连接到城市。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="33" />
      <source>Attaches a table of yearly indicators (a statistical yearbook export, CSV or XLSX) to a layer of cities.

Table layouts (detected, or chosen): long (city, year, indicator, value), wide (city, year, one column per indicator, like the sample synthetic_panel.csv) or wide by indicator and year (city, GDPPC_2019, GDPPC2019, 2019_GDPPC, 人均GDP2019年…). CSV files may be UTF-8 (with or without BOM) or GBK/GB18030 (detected; or force the encoding). The first row holds the column names. Cells like 1,234.5, 12.5% and full-width digits are read as numbers; empty cells, -, —, … and NA are missing values; any other text in an indicator column is an error naming its line.

Joining: by code (e.g. adcode; 110100, '110100' and 110100.0 are the same code) or by name. Names are normalised: full-width characters and spaces, and the suffixes 市, 地区, 盟, 自治州, 自治县, 林区, 特别行政区 with the ethnic designations before them (延边朝鲜族自治州 = 延边州 = 延边). Nothing is guessed silently: table rows that fit no city or several cities are not joined, and the report table lists them, every match made only after normalising, the cities without data, renamed indicators and skipped columns. Two table rows (or two columns) for one city, indicator and year are an error that lists them, and so is a table that matches no city at all.

Output: the layer with the panel attached, either one feature per city with one field per indicator and year (STEM_YYYY, e.g. GDPPC_2019: the shape the other algorithms read) or one feature per city and year with a year field (the input's feature id, repeated each year, is then written as fid_src: a GeoPackage needs its fid unique). Field stems have at most 5 characters: other indicator names are renamed (your mapping 人均GDP=GDPPC, else V01, V02…) and keep their name in the field alias. The map shows the first indicator in the latest year.</source>
      <translation>将逐年指标表（统计年鉴导出的 CSV 或 XLSX）连接到城市图层。

表格格式（自动识别或手动选择）：长格式（城市、年份、指标、数值）、宽格式（城市、年份、每个指标一列，如样例 synthetic_panel.csv）或按指标和年份展开的宽格式（城市、GDPPC_2019、GDPPC2019、2019_GDPPC、人均GDP2019年…）。CSV 文件可以是 UTF-8（带或不带 BOM）或 GBK/GB18030（自动识别；也可指定编码）。第一行为列名。1,234.5、12.5% 和全角数字等单元格按数值读取；空单元格、-、—、… 和 NA 视为缺失值；指标列中的其他文本会报错并指出所在行。

连接方式：按代码（如 adcode；110100、'110100' 和 110100.0 视为同一代码）或按名称。名称会被规范化：全角字符和空格，以及后缀 市、地区、盟、自治州、自治县、林区、特别行政区 及其前面的民族名称（延边朝鲜族自治州 = 延边州 = 延边）。不会悄悄猜测：与任何城市都不匹配或与多个城市匹配的表格行不予连接，并在连接报告表中列出；报告中还列出仅在规范化后才匹配的记录、没有数据的城市、重命名的指标和跳过的列。同一城市、同一指标、同一年份出现两行（或两列）属于错误，并会一一列出；与任何城市都不匹配的表格同样属于错误。

输出：连接了面板数据的图层，可以是每个城市一个要素、每个指标每年一个字段（STEM_YYYY，如 GDPPC_2019：其他算法读取的格式），也可以是每个城市每年一个要素并带年份字段（此时输入的要素 ID 逐年重复，因此写入 fid_src 字段：GeoPackage 要求其 fid 唯一）。字段前缀最多 5 个字符：其他指标名会被重命名（按您的映射，如 人均GDP=GDPPC，否则为 V01、V02…），原名称保留在字段别名中。地图显示第一个指标最新年份的分布。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="32" />
      <source>join,table,csv,xlsx,excel,yearbook,panel,indicators,gbk,adcode,统计年鉴,面板</source>
      <translation>join,table,csv,xlsx,excel,yearbook,panel,indicators,gbk,adcode,统计年鉴,面板,连接,指标,行政区划代码</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="76" />
      <source>Cities</source>
      <translation>城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="78" />
      <source>City key field</source>
      <translation>城市连接字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="80" />
      <source>City field to join on (code, e.g. adcode, or name)</source>
      <translation>用于连接的城市字段（代码，如 adcode，或名称）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="82" />
      <source>Indicator table (CSV or XLSX)</source>
      <translation>指标表（CSV 或 XLSX）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="83" />
      <source>Tables (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.CSV *.XLSX *.XLS)</source>
      <translation>表格 (*.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.CSV *.XLSX *.XLS)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="84" />
      <source>Join by</source>
      <translation>连接方式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="85" />
      <source>Code</source>
      <translation>代码</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="85" />
      <source>Name (normalised)</source>
      <translation>名称（规范化）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="87" />
      <source>Table key column</source>
      <translation>表格连接列</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="88" />
      <source>Table column with the codes or names (empty: the city field's name, or adcode, code, name, city, 城市, 城市名称, 地区, 行政区划代码, 代码…)</source>
      <translation>表格中代码或名称所在的列（留空：与城市字段同名的列，或 adcode、code、name、city、城市、城市名称、地区、行政区划代码、代码…）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="90" />
      <source>Table layout</source>
      <translation>表格格式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="91" />
      <source>Detect automatically</source>
      <translation>自动识别</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="91" />
      <source>Long: city, year, indicator, value</source>
      <translation>长格式：城市、年份、指标、数值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="92" />
      <source>Wide: city, year, one column per indicator</source>
      <translation>宽格式：城市、年份、每个指标一列</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="93" />
      <source>Wide: city, one column per indicator and year (GDPPC_2019)</source>
      <translation>宽格式：城市、每个指标每年一列（GDPPC_2019）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="94" />
      <source>Output</source>
      <translation>输出形式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="95" />
      <source>One feature per city, a field per indicator and year (STEM_YYYY)</source>
      <translation>每个城市一个要素，每个指标每年一个字段（STEM_YYYY）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="96" />
      <source>One feature per city and year, with a year field</source>
      <translation>每个城市每年一个要素，带年份字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="97" />
      <source>Text encoding of a CSV table</source>
      <translation>CSV 表格的文本编码</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="98" />
      <source>Detect automatically (UTF-8, UTF-8 with BOM, GBK/GB18030)</source>
      <translation>自动识别（UTF-8、带 BOM 的 UTF-8、GBK/GB18030）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="101" />
      <source>Year column (empty: year, 年份, 年…)</source>
      <translation>年份列（留空：year、年份、年…）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="103" />
      <source>Indicator-name column</source>
      <translation>指标名称列</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="105" />
      <source>Indicator-name column of a long table (empty: indicator, 指标…)</source>
      <translation>长格式表的指标名称列（留空：indicator、指标…）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="106" />
      <source>Value column</source>
      <translation>数值列</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="107" />
      <source>Value column of a long table (empty: value, 数值…)</source>
      <translation>长格式表的数值列（留空：value、数值…）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="108" />
      <source>Indicators to join</source>
      <translation>要连接的指标</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="109" />
      <source>Indicators to join, comma-separated (empty: every numeric one)</source>
      <translation>要连接的指标，以逗号分隔（留空：全部数值指标）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="110" />
      <source>Field stems for indicators</source>
      <translation>指标字段前缀</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="111" />
      <source>Field stems for indicator names, e.g. 人均GDP=GDPPC; 宽带用户=BBAND</source>
      <translation>指标名称对应的字段前缀，如 人均GDP=GDPPC; 宽带用户=BBAND</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="112" />
      <source>XLSX sheet</source>
      <translation>XLSX 工作表</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="113" />
      <source>Sheet of an XLSX workbook (empty: the first)</source>
      <translation>XLSX 工作簿中的工作表（留空：第一个）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="117" />
      <source>Cities with indicators</source>
      <translation>含指标的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="119" />
      <source>Join report</source>
      <translation>连接报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="121" />
      <source>Table rows joined</source>
      <translation>已连接的表格行数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="122" />
      <source>Table rows not joined</source>
      <translation>未连接的表格行数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="123" />
      <source>Cities without data</source>
      <translation>没有数据的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="125" />
      <source>Indicator field stems</source>
      <translation>指标字段前缀</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="144" />
      <source>The cities have no field {field}; choose the field with the codes or names to join on.</source>
      <translation>城市图层中没有字段 {field}；请选择含有用于连接的代码或名称的字段。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="151" />
      <source>Read {rows} rows of {path} ({encoding}).</source>
      <translation>已读取 {path} 的 {rows} 行（{encoding}）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="154" />
      <source>The text encoding {encoding} was guessed: if names or column names look garbled, choose the file's encoding in “Text encoding of a CSV table” (or save it as “CSV UTF-8”).</source>
      <translation>文本编码 {encoding} 是推测得到的：如果名称或列名显示为乱码，请在“CSV 表格的文本编码”中选择文件的编码（或将其另存为“CSV UTF-8”）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="169" />
      <source>The table has no column of codes: its column {column} is joined on the cities' names ({field}).</source>
      <translation>表格中没有代码列：按城市名称（{field}）连接其列 {column}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="181" />
      <source>Layout: {layout}; key column: {key}; year column: {year}; {count} indicator(s).</source>
      <translation>格式：{layout}；关键列：{key}；年份列：{year}；{count} 个指标。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="221" />
      <source>Issue</source>
      <translation>问题</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="221" />
      <source>Table value</source>
      <translation>表中的值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="221" />
      <source>City</source>
      <translation>城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="222" />
      <source>Lines in the table</source>
      <translation>表中行号</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="222" />
      <source>Detail</source>
      <translation>详情</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="228" />
      <source>Not joined, fits no city: {key} (lines {lines})</source>
      <translation>未连接，与任何城市都不匹配：{key}（第 {lines} 行）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="229" />
      <source>Not joined, fits several cities ({unit}): {key} (lines {lines})</source>
      <translation>未连接，与多个城市匹配（{unit}）：{key}（第 {lines} 行）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="230" />
      <source>Matched after normalising: {key} → {unit}</source>
      <translation>规范化后匹配：{key} → {unit}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="231" />
      <source>City without data: {unit}</source>
      <translation>没有数据的城市：{unit}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="232" />
      <source>Indicator {key} written as field stem {unit}</source>
      <translation>指标 {key} 写入字段前缀 {unit}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="233" />
      <source>Column {key} skipped (not numeric, or no year in its name)</source>
      <translation>已跳过列 {key}（非数值，或列名中没有年份）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="235" />
      <source>Column {key}, lines {lines}: {detail}</source>
      <translation>列 {key}，第 {lines} 行：{detail}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="245" />
      <source>{matched} table rows joined, {unmatched} not joined; {empty} cities without data.</source>
      <translation>已连接 {matched} 行表格数据，{unmatched} 行未连接；{empty} 个城市没有数据。</translation>
    </message>
    <message>
      <source>Attaches a table of yearly indicators (a statistical yearbook export, CSV or XLSX) to a layer of cities.

Table layouts (detected, or chosen): long (city, year, indicator, value), wide (city, year, one column per indicator, like the sample synthetic_panel.csv) or wide by indicator and year (city, GDPPC_2019, GDPPC2019, 2019_GDPPC, 人均GDP2019年…). CSV files may be UTF-8 (with or without BOM) or GBK/GB18030 (detected; or force the encoding). The first row holds the column names. Cells like 1,234.5, 12.5% and full-width digits are read as numbers; empty cells, -, —, … and NA are missing values; any other text in an indicator column is an error naming its line.

Joining: by code (e.g. adcode; 110100, '110100' and 110100.0 are the same code) or by name. Names are normalised: full-width characters and spaces, and the suffixes 市, 地区, 盟, 自治州, 自治县, 林区, 特别行政区 with the ethnic designations before them (延边朝鲜族自治州 = 延边州 = 延边). Nothing is guessed silently: table rows that fit no city or several cities are not joined, and the report table lists them, every match made only after normalising, the cities without data, renamed indicators and skipped columns. Two table rows for one city and year are an error that lists them.

Output: the layer with the panel attached, either one feature per city with one field per indicator and year (STEM_YYYY, e.g. GDPPC_2019: the shape the other algorithms read) or one feature per city and year with a year field. Field stems have at most 5 characters: other indicator names are renamed (your mapping 人均GDP=GDPPC, else V01, V02…) and keep their name in the field alias. The map shows the first indicator in the latest year.</source>
      <translation type="vanished">将逐年指标表（统计年鉴导出的 CSV 或 XLSX）连接到城市图层。

表格格式（自动识别或手动选择）：长格式（城市、年份、指标、数值）、宽格式（城市、年份、每个指标一列，如样例 synthetic_panel.csv）或按指标和年份展开的宽格式（城市、GDPPC_2019、GDPPC2019、2019_GDPPC、人均GDP2019年…）。CSV 文件可以是 UTF-8（带或不带 BOM）或 GBK/GB18030（自动识别；也可指定编码）。第一行为列名。1,234.5、12.5% 和全角数字等单元格按数值读取；空单元格、-、—、… 和 NA 视为缺失值；指标列中的其他文本会报错并指出所在行。

连接方式：按代码（如 adcode；110100、'110100' 和 110100.0 视为同一代码）或按名称。名称会被规范化：全角字符和空格，以及后缀 市、地区、盟、自治州、自治县、林区、特别行政区 及其前面的民族名称（延边朝鲜族自治州 = 延边州 = 延边）。不会悄悄猜测：与任何城市都不匹配或与多个城市匹配的表格行不予连接，并在连接报告表中列出；报告中还列出仅在规范化后才匹配的记录、没有数据的城市、重命名的指标和跳过的列。同一城市同一年份出现两行属于错误，并会一一列出。

输出：连接了面板数据的图层，可以是每个城市一个要素、每个指标每年一个字段（STEM_YYYY，如 GDPPC_2019：其他算法读取的格式），也可以是每个城市每年一个要素并带年份字段。字段前缀最多 5 个字符：其他指标名会被重命名（按您的映射，如 人均GDP=GDPPC，否则为 V01、V02…），原名称保留在字段别名中。地图显示第一个指标最新年份的分布。</translation>
    </message>
    <message>
      <source>Table column with the codes or names (empty: the city field's name, or adcode, code, name, city, 城市…)</source>
      <translation type="vanished">表中代码或名称所在列（留空：与城市字段同名的列，或 adcode、code、name、city、城市…）</translation>
    </message>
    <message>
      <source>Tables (*.csv *.txt *.tsv *.xlsx *.xlsm *.CSV *.XLSX)</source>
      <translation type="vanished">表格 (*.csv *.txt *.tsv *.xlsx *.xlsm *.CSV *.XLSX)</translation>
    </message>
  </context>
  <context>
    <name>LayerBridge</name>
    <message>
      <location filename="../../processing/io/bridge.py" line="203" />
      <source>The field “{field}” is not in the layer; choose one of: {fields}.</source>
      <translation>图层中没有字段“{field}”；请从以下字段中选择：{fields}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/bridge.py" line="428" />
      <source>Could not write features to the output: {error}</source>
      <translation>无法将要素写入输出：{error}</translation>
    </message>
    <message>
      <location filename="../../processing/io/bridge.py" line="509" />
      <source>The input's field {field} does not hold one whole number per output feature, so it cannot be the output's feature id (a GeoPackage takes a field named fid as its primary key); it is written as {new}.</source>
      <translation>输入的字段 {field} 并非每个输出要素各对应一个整数，因此不能作为输出的要素 ID（GeoPackage 以名为 fid 的字段作为主键）；该字段改写为 {new}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/bridge.py" line="512" />
      <source>The input's field {field} does not hold one whole number per output feature, so it cannot be the output's feature id (a GeoPackage takes a field named fid as its primary key); it is left out.</source>
      <translation>输入的字段 {field} 并非每个输出要素各对应一个整数，因此不能作为输出的要素 ID（GeoPackage 以名为 fid 的字段作为主键）；该字段不写入输出。</translation>
    </message>
  </context>
  <context>
    <name>LocalGearyAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="27" />
      <source>Local Geary</source>
      <translation>局部 Geary 指数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="28" />
      <source>Local Geary cluster maps per year.</source>
      <translation>逐年的局部 Geary 集聚图。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="32" />
      <source>Local Geary's c (Anselin 2019): how much each city differs from its neighbours, c_i = Σ_j w_ij (z_i − z_j)² on the standardised variable (as R spdep's localC and GeoDa). A small c_i means the city resembles its neighbours (positive association), a large one that it differs (negative association).

Inference by conditional permutation (the same seed gives the same result), with directed pseudo p-values and optional multiple-testing control (false discovery rate or Bonferroni).

Clusters as in GeoDa: High-High and Low-Low (positive association in those quadrants), Other positive (positive association in the other quadrants), Negative, Not significant; cities without neighbours (“No neighbours”) and with NULL values (“No data”) are not tested. Fields: LG_C, LG_Z (z against the permutations), LG_P, LG_PADJ (when adjusted), LG_CL (GeoDa codes 0–6), LG_LAB.

Panels as in Local Moran's I: every year as a set of fields per year or one layer per year; the significance map and the other years are saved styles of the layer.</source>
      <translation>局部 Geary's c（Anselin 2019）：衡量每个城市与其邻居的差异程度，在标准化变量上计算 c_i = Σ_j w_ij (z_i − z_j)²（与 R spdep 的 localC 和 GeoDa 一致）。c_i 较小表示该城市与邻居相似（正空间关联），较大表示与邻居不同（负空间关联）。

推断采用条件置换检验（相同的种子得到相同的结果），给出有方向的伪 p 值，并可选多重检验校正（错误发现率或 Bonferroni）。

集聚类型与 GeoDa 一致：高-高和低-低（相应象限内的正空间关联）、其他正关联（其他象限内的正空间关联）、负关联、不显著；没有邻居（“无邻居”）或含 NULL 值（“无数据”）的城市不参与检验。字段：LG_C、LG_Z（相对置换分布的 z 值）、LG_P、LG_PADJ（校正后）、LG_CL（GeoDa 编码 0–6）、LG_LAB。

面板处理同局部莫兰指数：每一年可输出为每年一组字段，或每年一个图层；显著性地图和其他年份保存为图层的样式。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="31" />
      <source>local geary,lisa,cluster,similarity,geoda</source>
      <translation>local geary,lisa,cluster,similarity,geoda,局部吉尔里指数,局部空间自相关,集聚</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="52" />
      <source>Local Geary clusters</source>
      <translation>局部 Geary 集聚</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="69" />
      <source>Local Geary clusters — {run}</source>
      <translation>局部 Geary 集聚 — {run}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="70" />
      <source>Local Geary clusters ({run})</source>
      <translation>局部 Geary 集聚（{run}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_geary.py" line="76" />
      <source>{run}: High-High {hh}, Low-Low {ll}, Other positive {op}, Negative {ng}.</source>
      <translation>{run}：高-高 {hh}，低-低 {ll}，其他正关联 {op}，负关联 {ng}。</translation>
    </message>
  </context>
  <context>
    <name>LocalMoranAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="40" />
      <source>Local Moran's I (LISA)</source>
      <translation>局部莫兰指数（LISA）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="41" />
      <source>LISA cluster maps (High-High, Low-Low, outliers) per year.</source>
      <translation>逐年的 LISA 集聚图（高-高、低-低、异常值）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="54" />
      <source>Local indicators of spatial association (Anselin 1995): where do high values sit among high neighbours (High-High clusters), low among low (Low-Low), and where are the outliers (High-Low, Low-High)?

Kinds: univariate (the variable against its spatial lag); bivariate (the variable x at each city against the spatial lag of a second variable y, e.g. digital economy against neighbours' resilience); differential (the change between two years, e.g. DEI_2019 − DEI_2011).

Inference: conditional permutation (999 by default; the same seed gives the same result; pseudo p-values are directed, as in GeoDa) or, with 0 permutations, the analytical z under the normal approximation (two-sided). Multiple-testing control: none, false discovery rate (Benjamini–Hochberg) or Bonferroni, over the tested cities of each year separately. A city is in a cluster when its (adjusted) p ≤ the level.

Output fields: LISA_I (local I; z-scores use the population standard deviation as in R spdep, so GeoDa's and esda's values are (n−1)/n of these), LISA_Z (analytical z), LISA_P (p-value), LISA_PADJ (adjusted, when chosen), LISA_Q (quadrant), LISA_CL (cluster code), LISA_LAB (label), LISA_LAG (spatial lag). Codes follow GeoDa: 1 High-High, 2 Low-Low, 3 Low-High, 4 High-Low, 0 not significant, 5 no data, 6 no neighbours (PySAL's quadrant codes differ: HH 1, LH 2, LL 3, HL 4; read the label). Cities without neighbours are labelled “No neighbours” and not tested; cities with NULL values are left out (“No data”) or stop the run.

Panels: tick “every year” to map DEI_2011 … DEI_2019 from DEI_2019, as one layer with a set of fields per year (LI_2019, LP_2019, LLAB_2019 …) or as one layer per year. The layer opens on the cluster map of the last year; the significance map and the other years are saved styles of the layer (Layer Properties › Styles). A long layer (one feature per city and year) needs its year field and the unit id field.

The Moran scatter plot (PNG, SVG or PDF) shows the standardised variable against its spatial lag with the slope (Moran's I), quadrants tinted and significant cities in their cluster colour. The HTML report (optional) holds the scatter plot, Moran's I and the cluster counts of every year.</source>
      <translation>局部空间关联指标（Anselin 1995）：高值被高值邻居包围（高-高集聚）、低值被低值包围（低-低集聚）的区域在哪里，空间异常值（高-低、低-高）又在哪里？

类型：单变量（变量与其空间滞后）；双变量（各城市的变量 x 与另一变量 y 的空间滞后，如数字经济与邻居的韧性）；差分（两年间的变化，如 DEI_2019 − DEI_2011）。

推断：条件置换检验（默认 999 次；相同种子得到相同结果；伪 p 值有方向，与 GeoDa 一致），或置换次数为 0 时采用正态近似下的解析 z 值（双侧）。多重检验校正：无、错误发现率（Benjamini–Hochberg）或 Bonferroni，在每年被检验的城市中分别进行。城市的（校正后）p ≤ 显著性水平时归入集聚类型。

输出字段：LISA_I（局部 I；z 得分采用总体标准差，与 R spdep 一致，因此 GeoDa 和 esda 的值为此处的 (n−1)/n）、LISA_Z（解析 z 值）、LISA_P（p 值）、LISA_PADJ（选择校正时的校正后 p 值）、LISA_Q（象限）、LISA_CL（集聚编码）、LISA_LAB（标签）、LISA_LAG（空间滞后）。编码与 GeoDa 一致：1 高-高，2 低-低，3 低-高，4 高-低，0 不显著，5 无数据，6 无邻居（PySAL 的象限编码不同：HH 1、LH 2、LL 3、HL 4；请以标签为准）。没有邻居的城市标为“无邻居”且不参与检验；含 NULL 值的城市被剔除（“无数据”）或使运行停止。

面板：勾选“每一年”可由 DEI_2019 绘制 DEI_2011 … DEI_2019，输出为每年一组字段的单个图层（LI_2019、LP_2019、LLAB_2019 …）或每年一个图层。图层打开时显示最后一年的集聚图；显著性地图和其他年份保存为图层的样式（图层属性 › 样式）。长格式图层（每个城市每年一个要素）需要指定年份字段和单元标识字段。

Moran 散点图（PNG、SVG 或 PDF）绘制标准化变量与其空间滞后，附斜率（Moran's I），各象限着色，显著城市以其集聚类型的颜色显示。HTML 报告（可选）包含散点图、Moran's I 以及每一年各集聚类型的城市数。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="53" />
      <source>lisa,local moran,cluster,outlier,hot spot,high-high,low-low,bivariate,differential,geoda</source>
      <translation>lisa,local moran,cluster,outlier,hot spot,high-high,low-low,bivariate,differential,geoda,局部莫兰指数,局部空间自相关,集聚,异常值,高-高集聚,低-低集聚,双变量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="84" />
      <source>Variable (x)</source>
      <translation>变量（x）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="85" />
      <source>Kind of LISA</source>
      <translation>LISA 类型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="86" />
      <source>Univariate</source>
      <translation>单变量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="86" />
      <source>Bivariate</source>
      <translation>双变量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="87" />
      <source>Differential</source>
      <translation>差分</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="88" />
      <source>Univariate: x against its spatial lag. Bivariate: x against the spatial lag of the second variable. Differential: the change from the second variable (earlier year) to x.</source>
      <translation>单变量：x 与其空间滞后。双变量：x 与第二个变量的空间滞后。差分：从第二个变量（较早年份）到 x 的变化。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="91" />
      <source>Second variable</source>
      <translation>第二变量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="93" />
      <source>Second variable (y of a bivariate LISA, or the earlier year of a differential)</source>
      <translation>第二个变量（双变量 LISA 的 y，或差分的较早年份）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="97" />
      <source>Conditional analytical moments</source>
      <translation>条件解析矩</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="98" />
      <source>Analytical moments conditional on the city's own value (Sokal et al. 1998; R spdep's default)</source>
      <translation>以城市自身取值为条件的解析矩（Sokal 等 1998；R spdep 的默认设置）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="102" />
      <source>LISA clusters</source>
      <translation>LISA 集聚</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="104" />
      <source>Moran scatter plot</source>
      <translation>Moran 散点图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="105" />
      <source>PNG images (*.png);;SVG images (*.svg);;PDF files (*.pdf)</source>
      <translation>PNG 图像 (*.png);;SVG 图像 (*.svg);;PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="108" />
      <source>Moran's I (last year)</source>
      <translation>Moran's I（最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="109" />
      <source>High-High cities (last year)</source>
      <translation>高-高集聚城市数（最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="110" />
      <source>Low-Low cities (last year)</source>
      <translation>低-低集聚城市数（最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="111" />
      <source>Low-High cities (last year)</source>
      <translation>低-高异常城市数（最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="112" />
      <source>High-Low cities (last year)</source>
      <translation>高-低异常城市数（最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="137" />
      <source>LISA clusters — {run}</source>
      <translation>LISA 集聚 — {run}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="138" />
      <source>LISA clusters ({run})</source>
      <translation>LISA 集聚（{run}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="146" />
      <source>{run}: Moran's I = {i:.4f}; High-High {hh}, Low-Low {ll}, Low-High {lh}, High-Low {hl} (p ≤ {alpha}{correction}).</source>
      <translation>{run}：Moran's I = {i:.4f}；高-高 {hh}，低-低 {ll}，低-高 {lh}，高-低 {hl}（p ≤ {alpha}{correction}）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="175" />
      <source>High-High</source>
      <translation>高-高</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="175" />
      <source>Low-Low</source>
      <translation>低-低</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="175" />
      <source>Low-High</source>
      <translation>低-高</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="175" />
      <source>High-Low</source>
      <translation>高-低</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="178" />
      <source>{variable} (standardised)</source>
      <translation>{variable}（标准化）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="178" />
      <source>Spatial lag of {variable}</source>
      <translation>{variable}的空间滞后</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="179" />
      <source>Bivariate Moran's I = {value:.3f}</source>
      <translation>双变量 Moran's I = {value:.3f}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="180" />
      <source>Moran's I = {value:.3f}</source>
      <translation>Moran's I = {value:.3f}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="181" />
      <source>Not significant</source>
      <translation>不显著</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/local_moran.py" line="181" />
      <source>{label} ({count})</source>
      <translation>{label}（{count}）</translation>
    </message>
    <message>
      <source>Bivariate: x against the spatial lag of the second variable</source>
      <translation type="vanished">双变量：x 与第二个变量的空间滞后</translation>
    </message>
    <message>
      <source>Differential: the change from the second variable (earlier year) to x</source>
      <translation type="vanished">差分：从第二个变量（较早年份）到 x 的变化</translation>
    </message>
    <message>
      <source>Local indicators of spatial association (Anselin 1995): where do high values sit among high neighbours (High-High clusters), low among low (Low-Low), and where are the outliers (High-Low, Low-High)?

Kinds: univariate (the variable against its spatial lag); bivariate (the variable x at each city against the spatial lag of a second variable y, e.g. digital economy against neighbours' resilience); differential (the change between two years, e.g. DEI_2019 − DEI_2011).

Inference: conditional permutation (999 by default; the same seed gives the same result; pseudo p-values are directed, as in GeoDa) or, with 0 permutations, the analytical z under the normal approximation (two-sided). Multiple-testing control: none, false discovery rate (Benjamini–Hochberg) or Bonferroni, over the tested cities of each year separately. A city is in a cluster when its (adjusted) p ≤ the level.

Output fields: LISA_I (local I; z-scores use the population standard deviation as in R spdep, so GeoDa's and esda's values are (n−1)/n of these), LISA_Z (analytical z), LISA_P (p-value), LISA_PADJ (adjusted, when chosen), LISA_Q (quadrant), LISA_CL (cluster code), LISA_LAB (label), LISA_LAG (spatial lag). Codes follow GeoDa: 1 High-High, 2 Low-Low, 3 Low-High, 4 High-Low, 0 not significant, 5 no data, 6 no neighbours (PySAL's quadrant codes differ: HH 1, LH 2, LL 3, HL 4; read the label). Cities without neighbours are labelled “No neighbours” and not tested; cities with NULL values are left out (“No data”) or stop the run.

Panels: tick “every year” to map DEI_2011 … DEI_2019 from DEI_2019, as one layer with a set of fields per year (LI_2019, LP_2019, LLAB_2019 …) or as one layer per year. The layer opens on the cluster map of the last year; the significance map and the other years are saved styles of the layer (Layer Properties › Styles). A long layer (one feature per city and year) needs its year field and the unit id field.

The Moran scatter plot (PNG, SVG or PDF) shows the standardised variable against its spatial lag with the slope (Moran's I), quadrants tinted and significant cities in their cluster colour.</source>
      <translation type="vanished">局部空间关联指标（Anselin 1995）：高值被高值邻居包围（高-高集聚）、低值被低值包围（低-低集聚）的区域在哪里，空间异常值（高-低、低-高）又在哪里？

类型：单变量（变量与其空间滞后）；双变量（各城市的变量 x 与另一变量 y 的空间滞后，如数字经济与邻居的韧性）；差分（两年间的变化，如 DEI_2019 − DEI_2011）。

推断：条件置换检验（默认 999 次；相同种子得到相同结果；伪 p 值有方向，与 GeoDa 一致），或置换次数为 0 时采用正态近似下的解析 z 值（双侧）。多重检验校正：无、错误发现率（Benjamini–Hochberg）或 Bonferroni，在每年被检验的城市中分别进行。城市的（校正后）p ≤ 显著性水平时归入集聚类型。

输出字段：LISA_I（局部 I；z 得分采用总体标准差，与 R spdep 一致，因此 GeoDa 和 esda 的值为此处的 (n−1)/n）、LISA_Z（解析 z 值）、LISA_P（p 值）、LISA_PADJ（选择校正时的校正后 p 值）、LISA_Q（象限）、LISA_CL（集聚编码）、LISA_LAB（标签）、LISA_LAG（空间滞后）。编码与 GeoDa 一致：1 高-高，2 低-低，3 低-高，4 高-低，0 不显著，5 无数据，6 无邻居（PySAL 的象限编码不同：HH 1、LH 2、LL 3、HL 4；请以标签为准）。没有邻居的城市标为“无邻居”且不参与检验；含 NULL 值的城市被剔除（“无数据”）或使运行停止。

面板：勾选“每一年”可由 DEI_2019 绘制 DEI_2011 … DEI_2019，输出为每年一组字段的单个图层（LI_2019、LP_2019、LLAB_2019 …）或每年一个图层。图层打开时显示最后一年的集聚图；显著性地图和其他年份保存为图层的样式（图层属性 › 样式）。长格式图层（每个城市每年一个要素）需要指定年份字段和单元标识字段。

Moran 散点图（PNG、SVG 或 PDF）绘制标准化变量与其空间滞后，附斜率（Moran's I），各象限着色，显著城市以其集聚类型的颜色显示。</translation>
    </message>
  </context>
  <context>
    <name>MediationAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="41" />
      <source>Mediation effect</source>
      <translation>中介效应</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="42" />
      <source>Mediation effect of a variable between X and Y (Sobel, bootstrap).</source>
      <translation>变量在 X 与 Y 之间的中介效应（Sobel 检验、自助法）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="47" />
      <source>Tests whether a third variable carries part of an effect: digital economy (X) → innovation (mediator M) → resilience (Y).

Baron and Kenny's stepwise regressions: (1) Y on X gives the total effect c; (2) M on X gives path a; (3) Y on X and M gives the direct effect c′ and path b. The indirect effect is a·b (= c − c′), tested with the Sobel (and Aroian) test and a cluster bootstrap (whole cities are resampled with all their years; number of draws and seed are parameters) with percentile and bias-corrected confidence intervals. The verdict follows Zhao, Lynch and Chen (2010): the indirect effect decides whether there is mediation (by the bias-corrected interval), the direct effect whether it is partial (complementary or competitive) or indirect-only.

Models: one year's cross-section; pooled OLS with year effects; panel fixed effects by city, or by city and year (within transformation). Standard errors: classical, robust (HC1) or clustered by city — what applied papers report for panels.

Input: a wide layer (one feature per city, fields STEM_YYYY: choose any year of each stem) or a long layer (one feature per city and year: set its year and city id fields). Controls are optional. The panel must be balanced over the chosen years (or tick the advanced option to drop cities with gaps).

Outputs: the coefficients of the three regressions and the effects as tables, an HTML report with paper-style tables (standard errors in parentheses, significance stars) and the bootstrap distribution as a chart.</source>
      <translation>检验第三个变量是否传导了部分效应：数字经济（X）→ 创新（中介变量 M）→ 韧性（Y）。

Baron 和 Kenny 的逐步回归：(1) Y 对 X 回归得到总效应 c；(2) M 对 X 回归得到路径 a；(3) Y 对 X 和 M 回归得到直接效应 c′ 和路径 b。间接效应为 a·b（= c − c′），用 Sobel（及 Aroian）检验和聚类自助法（以城市为单位连同其全部年份重抽样；抽样次数和种子为参数）检验，给出百分位和偏差校正置信区间。结论依照 Zhao、Lynch 和 Chen（2010）：由间接效应（偏差校正区间）判断是否存在中介效应，由直接效应判断是部分中介（互补型或竞争型）还是完全中介（仅间接效应）。

模型：单一年份截面；含年份效应的混合 OLS；城市固定效应或城市与年份双向固定效应面板（组内变换）。标准误：普通、稳健（HC1）或按城市聚类——即应用研究中面板数据通常报告的标准误。

输入：宽格式图层（每个城市一个要素，字段为 STEM_YYYY：每个前缀任选一年即可）或长格式图层（每个城市每年一个要素：请设置其年份字段和城市标识字段）。控制变量可选。所选年份内的面板须为平衡面板（或在高级选项中勾选剔除有缺失的城市）。

输出：三个回归的系数表和效应表，含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，以及自助法分布图。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="45" />
      <source>mediation,mediator,indirect effect,sobel,bootstrap,baron kenny,innovation,channel,mechanism,panel,fixed effects,clustered standard errors</source>
      <translation>mediation,mediator,indirect effect,sobel,bootstrap,baron kenny,innovation,channel,mechanism,panel,fixed effects,clustered standard errors,中介效应,中介变量,间接效应,Sobel 检验,自助法,逐步回归,作用机制,传导路径</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="88" />
      <source>Cities with yearly variables</source>
      <translation>含逐年变量的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="90" />
      <source>Independent variable X</source>
      <translation>自变量 X</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="90" />
      <source>Independent variable X (e.g. digital economy)</source>
      <translation>自变量 X（如数字经济）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="91" />
      <source>Mediator M (e.g. innovation)</source>
      <translation>中介变量 M（如创新）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="92" />
      <source>Outcome Y (e.g. resilience)</source>
      <translation>结果变量 Y（如韧性）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="99" />
      <source>Control variables (optional)</source>
      <translation>控制变量（可选）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="101" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="102" />
      <source>Cross-section (one year)</source>
      <translation>截面（单一年份）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="102" />
      <source>Pooled OLS with year effects</source>
      <translation>含年份效应的混合 OLS</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="103" />
      <source>Panel: unit (city) fixed effects</source>
      <translation>面板：城市（个体）固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="104" />
      <source>Panel: unit and year fixed effects</source>
      <translation>面板：城市与年份双向固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="106" />
      <source>Cross-section year</source>
      <translation>截面年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="108" />
      <source>Year of the cross-section (0 = the last year)</source>
      <translation>截面年份（0 = 最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="109" />
      <source>Standard errors</source>
      <translation>标准误</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="110" />
      <source>Classical</source>
      <translation>普通标准误</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="110" />
      <source>Robust (HC1)</source>
      <translation>稳健标准误（HC1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="111" />
      <source>Clustered by unit (robust HC1 in a cross-section)</source>
      <translation>按单元聚类（截面中为稳健 HC1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="113" />
      <source>Bootstrap draws (0 = no bootstrap)</source>
      <translation>自助法抽样次数（0 = 不做自助法）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="116" />
      <source>Random seed of the bootstrap</source>
      <translation>自助法随机种子</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="119" />
      <source>Confidence level</source>
      <translation>置信水平</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="123" />
      <source>Balance the panel</source>
      <translation>平衡面板</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="124" />
      <source>Drop units with missing years (balance the panel)</source>
      <translation>剔除有缺失年份的单元（平衡面板）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="129" />
      <source>Stepwise regression coefficients</source>
      <translation>逐步回归系数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="131" />
      <source>Mediation effects</source>
      <translation>中介效应</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="132" />
      <source>Bootstrap chart</source>
      <translation>自助法分布图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="135" />
      <source>Indirect effect a·b</source>
      <translation>间接效应 a·b</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="136" />
      <source>Direct effect c′</source>
      <translation>直接效应 c′</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="137" />
      <source>Total effect c</source>
      <translation>总效应 c</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="138" />
      <source>Share of the total effect mediated</source>
      <translation>中介效应占总效应的比例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="139" />
      <source>Sobel z</source>
      <translation>Sobel z 值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="140" />
      <source>Sobel p-value</source>
      <translation>Sobel p 值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="141" />
      <source>Bias-corrected bootstrap interval, lower bound</source>
      <translation>偏差校正自助法置信区间下限</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="142" />
      <source>Bias-corrected bootstrap interval, upper bound</source>
      <translation>偏差校正自助法置信区间上限</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="145" />
      <source>Verdict</source>
      <translation>结论</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/mediation.py" line="176" />
      <source>{count} bootstrap draw(s) were singular and left out.</source>
      <translation>有 {count} 次自助抽样矩阵奇异，已剔除。</translation>
    </message>
  </context>
  <context>
    <name>NetworkRedundancyAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="36" />
      <source>Network redundancy (N−1)</source>
      <translation>网络冗余（N−1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="37" />
      <source>What each core's failure costs; the fewest cores to add so no single failure uncovers a city.</source>
      <translation>每个核心失效的损失；使任一单点失效都不致城市失去覆盖的最少新增核心。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="41" />
      <source>For a given set of cores (e.g. IS_CORE = 1 from Core–node coverage, or the existing data centres), a geodesic radius (300 km in the study) and optionally a demand field:

• N−1: for each core, the cities (and demand) that lose coverage when it fails, i.e. that no other core covers; the worst single failure;
• backup: the share of cities covered by two cores or more;
• the fewest additional cores (among the candidates; default every city) such that every city stays covered under any single core failure, i.e. is covered by two cores: an exact integer programme (HiGHS) with the existing cores fixed; the log says whether it is proven optimal, or the gap. A city with a single candidate within the radius cannot be protected (reported; it is kept covered once).

Outputs: the cities with the number of cores within the radius (N_COVER), their status (backup / single / uncovered), the core whose failure uncovers them (LOST_IF, LOST_NAME), whether they are an added core (NEW_CORE) and the count after the additions (N_AFTER); the cores, existing and added (NEW = 1), with the cities and demand lost if each fails (LOST_N, LOST_DEM, LOST_SH) and after the additions (AFTER_N); an HTML summary.

Targets (2030: 100 % of prefecture-level cities, ≥ 90 % of counties within the radius): the share of cities within the radius and the fewest additional cores for 100 %; with a county layer (e.g. resources/sample/china_counties.gpkg, the 2,848 county-level units as points), the share of counties within the radius of a core, now and with the cores added for single failures, and the fewest additional cores (among the candidate cities) that bring at least the county target share within the radius: an exact integer programme (HiGHS), proven optimal or the gap stated. The counties are written with their nearest core (CORE_ID, CORE_NAME), its distance (DIST_KM), whether it is within the radius (COVERED), and the same with the additional cores (COV_AFTER, DIST_AFTER); the cities output marks those cores (CNTY_CORE = 1).</source>
      <translation>给定一组核心（如“核心–节点覆盖”输出的 IS_CORE = 1，或现有数据中心）、测地线半径（研究中为 300 km）以及可选的需求字段：

• N−1：每个核心失效时失去覆盖（即没有其他核心覆盖）的城市及需求；最严重的单点失效；
• 备份：被两个及以上核心覆盖的城市比例；
• 最少新增核心（从候选点中选取；默认所有城市），使任一单点核心失效时每个城市仍被覆盖，即被两个核心覆盖：以现有核心固定的精确整数规划（HiGHS）；日志说明是否已证明最优或给出差距。半径内只有一个候选点的城市无法保护（会报告，并保持覆盖一次）。

输出：城市及其半径内核心数（N_COVER）、状态（backup 备份 / single 单一 / uncovered 未覆盖）、其失效会使该城市失去覆盖的核心（LOST_IF、LOST_NAME）、是否为新增核心（NEW_CORE）及新增后的核心数（N_AFTER）；核心（现有与新增，NEW = 1）及其失效时失去覆盖的城市与需求（LOST_N、LOST_DEM、LOST_SH）和新增后的损失（AFTER_N）；HTML 摘要。

目标（2030 年：100 % 的地级城市、≥ 90 % 的县级单元位于半径内）：半径内城市比例及达到 100 % 所需最少新增核心；给定县级图层时（如 resources/sample/china_counties.gpkg，2,848 个县级单元的点），计算半径内县级单元的比例（现状，以及加上单点失效保护的新增核心后），以及使至少达到县级目标比例的县级单元位于半径内所需的最少新增核心（从候选城市中选取）：精确整数规划（HiGHS），证明最优或给出差距。县级单元输出其最近核心（CORE_ID、CORE_NAME）、距离（DIST_KM）、是否在半径内（COVERED），以及加上新增核心后的结果（COV_AFTER、DIST_AFTER）；城市输出标记这些核心（CNTY_CORE = 1）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="40" />
      <source>coverage,core,node,redundancy,n-1,failure,backup,resilience,data centre,radius,300 km</source>
      <translation>覆盖,核心,节点,冗余,N-1,失效,备份,韧性,数据中心,半径,300 km</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="84" />
      <source>Cores</source>
      <translation>核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="86" />
      <source>Cores of the network (field or expression, e.g. "IS_CORE" = 1)</source>
      <translation>网络的核心（字段或表达式，如 "IS_CORE" = 1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="88" />
      <source>Coverage radius (km, geodesic)</source>
      <translation>覆盖半径（km，大地线距离）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="91" />
      <source>Demand field</source>
      <translation>需求字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="93" />
      <source>Demand field (losses weighted by it; default: 1 per city)</source>
      <translation>需求字段（损失按其加权；默认每城市为 1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="95" />
      <source>Candidate cores to add</source>
      <translation>可新增的候选核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="97" />
      <source>Candidates for additional cores (expression; empty: every city)</source>
      <translation>新增核心的候选（表达式；留空：所有城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="99" />
      <source>Counties (demand for the county target)</source>
      <translation>县级单元（县级目标的需求）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="101" />
      <source>County-level units, points or polygons (e.g. resources/sample/china_counties.gpkg); empty: no county target</source>
      <translation>县级单元，点或面（如 resources/sample/china_counties.gpkg）；留空：不计算县级目标</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="104" />
      <source>County target (%)</source>
      <translation>县级目标（%）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="105" />
      <source>Share of the counties to bring within the radius of a core (%; the 2030 target is 90)</source>
      <translation>需位于核心半径内的县级单元比例（%；2030 年目标为 90）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="109" />
      <source>Solver time limit per model (seconds)</source>
      <translation>每个模型的求解时间上限（秒）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="115" />
      <source>Cities with their redundancy</source>
      <translation>城市及其冗余</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="117" />
      <source>Cores and their N−1 loss</source>
      <translation>核心及其 N−1 损失</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="119" />
      <source>Counties with their nearest core</source>
      <translation>县级单元及其最近核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="122" />
      <source>Summary report</source>
      <translation>摘要报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="122" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="124" />
      <source>Share of cities covered</source>
      <translation>被覆盖城市占比</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="125" />
      <source>Share of cities covered twice or more</source>
      <translation>被两个及以上核心覆盖的城市比例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="126" />
      <source>Cities lost in the worst single failure</source>
      <translation>最严重单点失效中失去覆盖的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="127" />
      <source>Additional cores for coverage under any single failure</source>
      <translation>任一单点失效下保持覆盖所需新增核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="128" />
      <source>Cities that cannot be protected</source>
      <translation>无法保护的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="129" />
      <source>Fewest additional cores to cover 100 % of the cities (no failure)</source>
      <translation>覆盖 100 % 城市所需最少新增核心（无失效）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="130" />
      <source>Share of counties within the radius (−1 without counties)</source>
      <translation>半径内县级单元比例（无县级图层时为 −1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="131" />
      <source>Share of counties within the radius with the county target's additional cores (−1 without counties)</source>
      <translation>加上县级目标的新增核心后半径内县级单元比例（无县级图层时为 −1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="133" />
      <source>Fewest additional cores for the county target (−1 without counties)</source>
      <translation>达到县级目标所需最少新增核心数（无县级图层时为 −1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="134" />
      <source>Relative optimality gap (0 when proven optimal, −1 when unknown)</source>
      <translation>相对最优性差距（已证明最优时为 0，未知时为 −1）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="137" />
      <source>Proven optimal</source>
      <translation>已证明最优</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="139" />
      <source>Core of the worst single failure (its id, as in LOST_IF; empty when none)</source>
      <translation>最严重单点故障的核心（其编号，同 LOST_IF；无则为空）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="169" />
      <source>N−1 analysis of {cores} cores at {radius} km for {n} cities…</source>
      <translation>正在对 {n} 个城市、{cores} 个核心在 {radius} km 半径下进行 N−1 分析…</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="181" />
      <source>The additional cores are not proven the fewest: {status}. Raise the time limit to close the gap.</source>
      <translation>新增核心数未被证明为最少：{status}。请提高时间限制以缩小差距。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="190" />
      <source>The additional cores for the county target are not proven the fewest: {status}. Raise the time limit to close the gap.</source>
      <translation>县级目标的新增核心未被证明为最少：{status}。请提高时间限制以消除差距。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="233" />
      <source>Covered twice or more (backup)</source>
      <translation>两个及以上核心覆盖（有备份）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="234" />
      <source>Lost if its only core fails</source>
      <translation>唯一核心失效即失去覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="235" />
      <source>Not covered</source>
      <translation>未覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="238" />
      <source>Is a core (1 = yes)</source>
      <translation>是否为核心（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="238" />
      <source>Additional core (1 = yes)</source>
      <translation>新增核心（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="239" />
      <source>Cores within the radius</source>
      <translation>半径内的核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="240" />
      <source>Redundancy (backup / single / uncovered)</source>
      <translation>冗余（backup 备份 / single 单一 / uncovered 未覆盖）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="241" />
      <source>Uncovered if this core fails</source>
      <translation>此核心失效即失去覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="241" />
      <source>Name of that core</source>
      <translation>该核心名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="242" />
      <source>Cores within the radius after the additions</source>
      <translation>新增后半径内的核心数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="243" />
      <source>Additional core for the county target (1 = yes)</source>
      <translation>县级目标的新增核心（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="244" />
      <source>Cities by redundancy ({radius} km)</source>
      <translation>城市冗余（{radius} km）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="250" />
      <source>Core</source>
      <translation>核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="250" />
      <source>Core name</source>
      <translation>核心名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="252" />
      <source>Cities within the radius</source>
      <translation>半径内的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="252" />
      <source>Cities lost if it fails</source>
      <translation>其失效时失去覆盖的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="253" />
      <source>Demand lost if it fails</source>
      <translation>其失效时失去覆盖的需求</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="254" />
      <source>Share of demand lost if it fails</source>
      <translation>其失效时失去覆盖的需求比例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="255" />
      <source>Cities lost if it fails, after the additions</source>
      <translation>新增后其失效时失去覆盖的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="288" />
      <source>Within the radius of a core</source>
      <translation>在核心半径内</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="289" />
      <source>Beyond the radius</source>
      <translation>超出半径</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="292" />
      <source>Within the radius of a core (1 = yes)</source>
      <translation>在核心半径内（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="293" />
      <source>Distance to the nearest core (km, geodesic)</source>
      <translation>到最近核心的距离（km，测地线）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="294" />
      <source>Nearest core</source>
      <translation>最近核心</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="294" />
      <source>Name of the nearest core</source>
      <translation>最近核心名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="295" />
      <source>Within the radius with the county target's additional cores (1 = yes)</source>
      <translation>加上县级目标的新增核心后在半径内（1 = 是）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="296" />
      <source>Distance to the nearest core with them (km, geodesic)</source>
      <translation>加上这些核心后到最近核心的距离（km，测地线）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="297" />
      <source>Counties by coverage ({radius} km)</source>
      <translation>县级单元覆盖情况（{radius} km）</translation>
    </message>
    <message>
      <source>100 % of cities covered under any single failure</source>
      <translation type="vanished">任一单点失效下 100 % 城市仍被覆盖</translation>
    </message>
    <message>
      <source>100 % of cities within {radius} km</source>
      <translation type="vanished">100 % 城市位于 {radius} km 内</translation>
    </message>
    <message>
      <source>Additional cores</source>
      <translation type="vanished">新增核心</translation>
    </message>
    <message>
      <source>Additional cores to reach it</source>
      <translation type="vanished">达到目标所需新增核心</translation>
    </message>
    <message>
      <source>Centroid</source>
      <translation type="vanished">质心</translation>
    </message>
    <message>
      <source>Cities</source>
      <translation type="vanished">城市数</translation>
    </message>
    <message>
      <source>Cities covered</source>
      <translation type="vanished">被覆盖城市</translation>
    </message>
    <message>
      <source>Cities covered twice or more (backup)</source>
      <translation type="vanished">被两个及以上核心覆盖的城市（备份）</translation>
    </message>
    <message>
      <source>Cities covered twice or more after the additions</source>
      <translation type="vanished">新增后被两个及以上核心覆盖的城市</translation>
    </message>
    <message>
      <source>Cities lost</source>
      <translation type="vanished">失去覆盖的城市</translation>
    </message>
    <message>
      <source>Cities lost (first 12)</source>
      <translation type="vanished">失去覆盖的城市（前 12 个）</translation>
    </message>
    <message>
      <source>Cities lost if their only core fails</source>
      <translation type="vanished">唯一核心失效即失去覆盖的城市</translation>
    </message>
    <message>
      <source>Cities out of reach of every candidate</source>
      <translation type="vanished">所有候选点均无法覆盖的城市</translation>
    </message>
    <message>
      <source>Cities that cannot be protected (one candidate within the radius)</source>
      <translation type="vanished">无法保护的城市（半径内仅一个候选点）</translation>
    </message>
    <message>
      <source>City id field</source>
      <translation type="vanished">城市标识字段</translation>
    </message>
    <message>
      <source>City id field (e.g. adcode; default: feature id)</source>
      <translation type="vanished">城市标识字段（如 adcode；默认：要素 ID）</translation>
    </message>
    <message>
      <source>City name field</source>
      <translation type="vanished">城市名称字段</translation>
    </message>
    <message>
      <source>City name field (labels; default: a field called “name”)</source>
      <translation type="vanished">城市名称字段（用于标注；默认：名为“name”的字段）</translation>
    </message>
    <message>
      <source>County target (% of counties within the radius)</source>
      <translation type="vanished">县级目标（半径内县级单元的比例，%）</translation>
    </message>
    <message>
      <source>Coverage target</source>
      <translation type="vanished">覆盖目标</translation>
    </message>
    <message>
      <source>Coverage target: cities within the radius</source>
      <translation type="vanished">覆盖目标：半径内的城市</translation>
    </message>
    <message>
      <source>Demand lost</source>
      <translation type="vanished">失去覆盖的需求</translation>
    </message>
    <message>
      <source>Distances are geodesic on the ellipsoid. A city stays covered under any single core failure when two cores lie within the radius. The additional cores solve an exact integer programme (HiGHS) with the existing cores fixed; “proven optimal” means no smaller set of additions exists among the candidates.</source>
      <translation type="vanished">距离为椭球面上的测地线距离。当半径内有两个核心时，城市在任一单点核心失效下仍被覆盖。新增核心由精确整数规划（HiGHS）求得，现有核心固定；“已证明最优”表示在候选点中不存在更少的新增方案。</translation>
    </message>
    <message>
      <source>Existing cores</source>
      <translation type="vanished">现有核心城市</translation>
    </message>
    <message>
      <source>Fewest additional cores to reach the target (every city a candidate can reach)</source>
      <translation type="vanished">达到目标所需最少新增核心（候选点可达的所有城市）</translation>
    </message>
    <message>
      <source>For a given set of cores (e.g. IS_CORE = 1 from Core–node coverage, or the existing data centres), a geodesic radius (300 km in the study) and optionally a demand field:

• N−1: for each core, the cities (and demand) that lose coverage when it fails, i.e. that no other core covers; the worst single failure;
• backup: the share of cities covered by two cores or more;
• the fewest additional cores (among the candidates; default every city) such that every city stays covered under any single core failure, i.e. is covered by two cores: an exact integer programme (HiGHS) with the existing cores fixed; the log says whether it is proven optimal, or the gap. A city with a single candidate within the radius cannot be protected (reported; it is kept covered once).

Outputs: the cities with the number of cores within the radius (N_COVER), their status (backup / single / uncovered), the core whose failure uncovers them (LOST_IF, LOST_NAME), whether they are an added core (NEW_CORE) and the count after the additions (N_AFTER); the cores, existing and added (NEW = 1), with the cities and demand lost if each fails (LOST_N, LOST_DEM, LOST_SH) and after the additions (AFTER_N); an HTML summary.</source>
      <translation type="vanished">给定一组核心（如“核心–节点覆盖”输出的 IS_CORE = 1，或现有数据中心）、测地线半径（研究中为 300 km）以及可选的需求字段：

• N−1：每个核心失效时失去覆盖（即没有其他核心覆盖）的城市及需求；最严重的单点失效；
• 备份：被两个及以上核心覆盖的城市比例；
• 最少新增核心（从候选点中选取；默认所有城市），使任一单点核心失效时每个城市仍被覆盖，即被两个核心覆盖：以现有核心固定的精确整数规划（HiGHS）；日志说明是否已证明最优或给出差距。半径内只有一个候选点的城市无法保护（会报告，并保持覆盖一次）。

输出：城市及其半径内核心数（N_COVER）、状态（backup 备份 / single 单一 / uncovered 未覆盖）、其失效会使该城市失去覆盖的核心（LOST_IF、LOST_NAME）、是否为新增核心（NEW_CORE）及新增后的核心数（N_AFTER）；核心（现有与新增，NEW = 1）及其失效时失去覆盖的城市与需求（LOST_N、LOST_DEM、LOST_SH）和新增后的损失（AFTER_N）；HTML 摘要。</translation>
    </message>
    <message>
      <source>Latitude field (WGS84 degrees)</source>
      <translation type="vanished">纬度字段（WGS84 度）</translation>
    </message>
    <message>
      <source>Longitude field (WGS84 degrees)</source>
      <translation type="vanished">经度字段（WGS84 度）</translation>
    </message>
    <message>
      <source>Longitude/latitude fields</source>
      <translation type="vanished">经纬度字段</translation>
    </message>
    <message>
      <source>Network redundancy: {layer}</source>
      <translation type="vanished">网络冗余：{layer}</translation>
    </message>
    <message>
      <source>Now</source>
      <translation type="vanished">现状</translation>
    </message>
    <message>
      <source>Point of each city</source>
      <translation type="vanished">城市的代表点</translation>
    </message>
    <message>
      <source>Point on surface</source>
      <translation type="vanished">面上点</translation>
    </message>
    <message>
      <source>Property</source>
      <translation type="vanished">属性</translation>
    </message>
    <message>
      <source>Radius</source>
      <translation type="vanished">半径</translation>
    </message>
    <message>
      <source>Single failures (N−1)</source>
      <translation type="vanished">单点失效（N−1）</translation>
    </message>
    <message>
      <source>Solution</source>
      <translation type="vanished">求解结果</translation>
    </message>
    <message>
      <source>Solver time</source>
      <translation type="vanished">求解用时</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation type="vanished">摘要</translation>
    </message>
    <message>
      <source>Target</source>
      <translation type="vanished">目标</translation>
    </message>
    <message>
      <source>Value</source>
      <translation type="vanished">统计量值</translation>
    </message>
    <message>
      <source>What each core's failure costs, and the fewest cores to add so that no single failure uncovers a city.</source>
      <translation type="vanished">每个核心失效的损失，以及使任一单点失效都不致城市失去覆盖所需的最少新增核心。</translation>
    </message>
    <message>
      <source>Worst single failure</source>
      <translation type="vanished">最严重的单点失效</translation>
    </message>
  </context>
  <context>
    <name>Outputs</name>
    <message>
      <location filename="../../processing/io/outputs.py" line="63" />
      <source>the file is in use by another program (close it, e.g. in Excel or a browser)</source>
      <translation>文件正被其他程序占用（请先关闭它，例如在 Excel 或浏览器中）</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="66" />
      <source>permission denied (the folder or the file is read-only, or in use by another program)</source>
      <translation>权限不足（文件夹或文件为只读，或正被其他程序占用）</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="68" />
      <source>the folder does not exist and cannot be created</source>
      <translation>文件夹不存在且无法创建</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="70" />
      <source>a folder of that name is in the way</source>
      <translation>已有同名文件夹</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="72" />
      <source>the disk is read-only</source>
      <translation>磁盘为只读</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="74" />
      <source>the disk is full</source>
      <translation>磁盘已满</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="80" />
      <source>Cannot write {path}: {reason}. Choose another file or folder for this output.</source>
      <translation>无法写入 {path}：{reason}。请为此输出选择其他文件或文件夹。</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="256" />
      <source>The output {path}, layer “{layer}”, is one of the inputs: writing it would destroy the input. Choose another file, or another layer of the GeoPackage, e.g. {example}.</source>
      <translation>输出 {path} 的图层“{layer}”是输入之一：写入它会破坏输入数据。请选择其他文件，或 GeoPackage 中的另一个图层，例如 {example}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="259" />
      <source>The output {path} is one of the inputs: writing it would destroy the input. Choose another file.</source>
      <translation>输出 {path} 是输入之一：写入它会破坏输入数据。请选择其他文件。</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="344" />
      <source>Several outputs of this run go to the GeoPackage {path}: this one is written as its layer “{layer}”. To choose the layer's name, give the output as {example}.</source>
      <translation>本次运行的多个输出写入同一个 GeoPackage {path}：此输出写为其中的图层“{layer}”。如需指定图层名称，请将输出写为 {example}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="346" />
      <source>The GeoPackage {path} holds other layers, which are kept: this output is written as its layer “{layer}” (replaced if it exists). To choose the layer's name, give the output as {example}.</source>
      <translation>GeoPackage {path} 中还有其他图层，它们将被保留：此输出写为其中的图层“{layer}”（若已存在则替换）。如需指定图层名称，请将输出写为 {example}。</translation>
    </message>
    <message>
      <location filename="../../processing/io/outputs.py" line="467" />
      <source>Could not remove the layer “{layer}” from {path}: {error}</source>
      <translation>无法从 {path} 中删除图层“{layer}”：{error}</translation>
    </message>
  </context>
  <context>
    <name>PanelInput</name>
    <message>
      <location filename="../../processing/parameters/panel.py" line="41" />
      <source>Year field</source>
      <translation>年份字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="43" />
      <source>Year field (a long layer: one feature per unit and year; needs the unit id field)</source>
      <translation>年份字段（长格式图层：每个单元每年一个要素；需要单元标识字段）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="50" />
      <source>Unit id field</source>
      <translation>单元标识字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="52" />
      <source>Unit id field (e.g. adcode; required when the layer has a year field)</source>
      <translation>单元标识字段（如 adcode；图层有年份字段时必填）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="59" />
      <source>First year</source>
      <translation>起始年份</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="59" />
      <source>First year (0 = the first year in the data)</source>
      <translation>起始年份（0 = 数据中的第一年）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="60" />
      <source>Last year</source>
      <translation>结束年份</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="60" />
      <source>Last year (0 = the last year in the data)</source>
      <translation>结束年份（0 = 数据中的最后一年）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="68" />
      <source>Unit name field</source>
      <translation>单元名称字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="70" />
      <source>Unit name field (used to name units in messages and reports)</source>
      <translation>单元名称字段（用于在提示信息和报告中标明单元）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/panel.py" line="119" />
      <source>{count} unit(s) with missing years were left out: {units}.</source>
      <translation>已剔除 {count} 个有缺失年份的单元：{units}。</translation>
    </message>
  </context>
  <context>
    <name>PolicyParameters</name>
    <message>
      <location filename="../../processing/parameters/policy.py" line="27" />
      <source>Policy variable</source>
      <translation>政策变量</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="29" />
      <source>Policy variable (an explanatory variable; in a wide panel any year of its stem)</source>
      <translation>政策变量（一个解释变量；宽格式面板中可选其词干的任一年份）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="30" />
      <source>Change</source>
      <translation>变化方式</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="31" />
      <source>Raise by a value (absolute)</source>
      <translation>提高一个数值（绝对值）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="31" />
      <source>Raise by a percentage of each city's value</source>
      <translation>按各城市取值的百分比提高</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="32" />
      <source>Raise to a target value</source>
      <translation>提高到目标值</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="34" />
      <source>Value</source>
      <translation>数值</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="35" />
      <source>Value (the change, the percentage or the target)</source>
      <translation>数值（变化量、百分比或目标值）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/policy.py" line="42" />
      <source>Choose the policy variable (one of the explanatory variables).</source>
      <translation>请选择政策变量（解释变量之一）。</translation>
    </message>
  </context>
  <context>
    <name>RegressionOutput</name>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="34" />
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="34" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="37" />
      <source>PNG files (*.png)</source>
      <translation>PNG 文件 (*.png)</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="49" />
      <source>Paper tables</source>
      <translation>论文表格</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="49" />
      <source>Excel workbooks (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="50" />
      <source>Paper tables (XLSX; the other formats beside it, same name)</source>
      <translation>论文表格（XLSX；其他格式同名保存在同一文件夹）</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="53" />
      <source>Formats of the paper tables</source>
      <translation>论文表格的格式</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="54" />
      <source>Excel (XLSX)</source>
      <translation>Excel 表格（XLSX）</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="54" />
      <source>Word (DOCX)</source>
      <translation>Word 文档（DOCX）</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="54" />
      <source>LaTeX (booktabs)</source>
      <translation>LaTeX 三线表（booktabs）</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="54" />
      <source>CSV</source>
      <translation>CSV 表格</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="77" />
      <source>{format} tables were not written: QGIS's Python lacks the package {package} (install it with the plugin's dependency installer).</source>
      <translation>未写出 {format} 表格：QGIS 的 Python 缺少软件包 {package}（请用插件的依赖安装程序安装）。</translation>
    </message>
    <message>
      <location filename="../../processing/reports/regression_output.py" line="84" />
      <source>Paper table written: {path}</source>
      <translation>已写出论文表格：{path}</translation>
    </message>
    <message>
      <source>Asymptotic standard errors (maximum likelihood)</source>
      <translation type="vanished">渐近标准误（极大似然估计）</translation>
    </message>
    <message>
      <source>Classical standard errors</source>
      <translation type="vanished">普通标准误</translation>
    </message>
    <message>
      <source>Heteroskedasticity-robust (HC1) standard errors</source>
      <translation type="vanished">异方差稳健（HC1）标准误</translation>
    </message>
    <message>
      <source>No</source>
      <translation type="vanished">否</translation>
    </message>
    <message>
      <source>Standard errors clustered by unit</source>
      <translation type="vanished">按单元聚类的标准误</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation type="vanished">是</translation>
    </message>
    <message>
      <source>{se} in parentheses. *** p &lt; 0.01, ** p &lt; 0.05, * p &lt; 0.1.</source>
      <translation type="vanished">括号内为{se}。*** p &lt; 0.01，** p &lt; 0.05，* p &lt; 0.1。</translation>
    </message>
  </context>
  <context>
    <name>ReportLayouts</name>
    <message>
      <location filename="../../processing/maps/layouts.py" line="121" />
      <source>A4 landscape</source>
      <translation>A4 横向</translation>
    </message>
    <message>
      <location filename="../../processing/maps/layouts.py" line="121" />
      <source>A4 portrait</source>
      <translation>A4 纵向</translation>
    </message>
    <message>
      <location filename="../../processing/maps/layouts.py" line="121" />
      <source>A3 landscape</source>
      <translation>A3 横向</translation>
    </message>
    <message>
      <location filename="../../processing/maps/layouts.py" line="122" />
      <source>A3 portrait</source>
      <translation>A3 纵向</translation>
    </message>
  </context>
  <context>
    <name>ReportMapAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="52" />
      <source>Report map</source>
      <translation>报告地图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="53" />
      <source>A print-ready map (PDF/PNG) with legend, scale bar and north arrow.</source>
      <translation>可直接打印的地图（PDF/PNG），含图例、比例尺和指北针。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="58" />
      <source>Exports a styled layer, or the visible layers of the current project, as a finished report map (PDF, PNG or SVG, from the output's file extension) on a print layout template: title, subtitle, legend, scale bar, north arrow and data-source note.

Style: leave Field empty to keep the layer's own style; choose a numeric field to draw a graduated map with the chosen classification (natural breaks by default) and colour ramp.

Templates: A4 or A3, landscape or portrait (resources/layouts), or your own .qpt file whose map item has the id main_map (items title, subtitle, legend, scalebar, north_arrow, source, inset_map and inset_label are filled in when present).

Maps of China: the map is drawn in an Albers equal-area projection with province boundaries, Taiwan, Hong Kong and Macao (drawn without data when the layer does not cover them) and the dashed maritime boundary line, and the South China Sea islands (南海诸岛) go into a framed inset at the lower right, as in Chinese atlases, while the main map stops south of Hainan. Automatic mode does this for a layer within China; the inset is drawn whenever the page shows most of China (whatever the layer holds, e.g. without 三沙市) or reaches the islands, not on a map of one province (choose Yes to force it). The legend is placed where it covers no mapped feature.

Atlas: one page per year draws every year of a STEM_YYYY field (e.g. DEI_2011 … DEI_2019) on its own page. By default every year uses the same classes, so colours compare across years: classes computed on all years pooled when Field is set, or the style's own breaks when the layer keeps its style; choose 'classify each year on its own' to re-classify every page. One page per value of a field (e.g. region or province) zooms to each value's features, with the other features in grey, and keeps one classification for all pages. A PDF holds every page; PNG and SVG write one file per page (name_2019.png …).</source>
      <translation>将已设置样式的图层（或当前项目中的可见图层）按打印布局模板导出为成品报告地图（PDF、PNG 或 SVG，由输出文件扩展名决定），包括标题、副标题、图例、比例尺、指北针和数据来源说明。

样式：字段留空则保留图层自身的样式；选择一个数值字段则按所选分级方法（默认为自然断点）和色带绘制分级设色图。

模板：A4 或 A3，横向或纵向（resources/layouts），也可使用自己的 .qpt 文件，其中地图项的标识须为 main_map（如有 title、subtitle、legend、scalebar、north_arrow、source、inset_map 和 inset_label 等项，会自动填写）。

中国地图：采用 Albers 等积投影，绘制省界、台湾、香港和澳门（图层未覆盖时按无数据绘制）以及南海断续线，南海诸岛按中国地图集的惯例放入右下角带框的附图，主图截止于海南以南。“自动”模式对中国境内的图层启用；只要页面显示中国的大部分（无论图层包含什么，例如不含三沙市）或延伸到南海诸岛，就绘制附图，单个省份的地图则不绘制（选择“是”可强制绘制）。图例放在不遮挡任何地图要素的位置。

图集：“每年一页”将 STEM_YYYY 字段（如 DEI_2011 … DEI_2019）的每一年绘制在单独的一页上。默认各年使用相同的分级，便于跨年比较颜色：设置了字段时按所有年份合并计算分级，保留图层样式时沿用样式自身的断点；选择“每年单独分级”则每页重新分级。“按字段值每值一页”（如地区或省份）缩放到每个值的要素，其余要素以灰色显示，所有页面使用同一分级。PDF 包含所有页面；PNG 和 SVG 每页写一个文件（name_2019.png …）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="57" />
      <source>map,report,layout,print,pdf,png,svg,atlas,template,choropleth,legend,south china sea,inset</source>
      <translation>map,report,layout,print,pdf,png,svg,atlas,template,choropleth,legend,south china sea,inset,地图,报告,布局,打印,图集,模板,分级设色,图例,南海诸岛,附图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="115" />
      <source>Layer</source>
      <translation>图层</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="117" />
      <source>Layer (leave empty to map the current project's visible layers)</source>
      <translation>图层（留空则绘制当前项目的可见图层）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="119" />
      <source>Field to classify</source>
      <translation>分类字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="121" />
      <source>Field to classify (empty: keep the layer's style)</source>
      <translation>分级字段（留空：保留图层样式）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="123" />
      <source>Colour ramp</source>
      <translation>色带</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="125" />
      <source>Page</source>
      <translation>页面</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="127" />
      <source>Title (default: the layer’s name)</source>
      <translation>标题（默认：图层名称）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="130" />
      <source>Subtitle</source>
      <translation>副标题</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="132" />
      <source>Data source note</source>
      <translation>数据来源说明</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="133" />
      <source>Pages</source>
      <translation>页数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="134" />
      <source>One page</source>
      <translation>单页</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="134" />
      <source>One page per year (STEM_YYYY fields)</source>
      <translation>每年一页（STEM_YYYY 字段）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="135" />
      <source>One page per value of a field</source>
      <translation>按字段值每值一页</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="137" />
      <source>One page per value of</source>
      <translation>按字段值分页</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="139" />
      <source>Field with one page per value (e.g. region)</source>
      <translation>每值一页的字段（如地区）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="140" />
      <source>Classes of a page per year</source>
      <translation>逐年分页的分级方式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="141" />
      <source>Same classes for every year</source>
      <translation>各年使用相同分级</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="141" />
      <source>Classify each year on its own</source>
      <translation>每年单独分级</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="144" />
      <source>Own layout template</source>
      <translation>自定义布局模板</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="145" />
      <source>Layout templates (*.qpt)</source>
      <translation>布局模板 (*.qpt)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="146" />
      <source>Own layout template (.qpt; replaces Page)</source>
      <translation>自定义布局模板（.qpt；替代“页面”）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="147" />
      <source>Map of China conventions</source>
      <translation>中国地图规范</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="148" />
      <source>Automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="148" />
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="148" />
      <source>No</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="149" />
      <source>China: Albers projection, province boundaries and South China Sea inset</source>
      <translation>中国：Albers 投影、省界和南海诸岛附图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="151" />
      <source>Map projection (empty: automatic)</source>
      <translation>地图投影（留空：自动）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="153" />
      <source>Resolution (dots per inch)</source>
      <translation>分辨率（每英寸点数）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="160" />
      <source>PDF files (*.pdf);;PNG files (*.png);;SVG files (*.svg)</source>
      <translation>PDF 文件 (*.pdf);;PNG 文件 (*.png);;SVG 文件 (*.svg)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="162" />
      <source>Files written (separated by ;)</source>
      <translation>已写入的文件（以 ; 分隔）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="177" />
      <source>Save the report map as .pdf, .png or .svg (the format follows the file name); got “{name}”.</source>
      <translation>请将报告地图保存为 .pdf、.png 或 .svg（格式由文件名决定）；得到的是“{name}”。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="192" />
      <source>Layers: {names}</source>
      <translation>图层：{names}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="207" />
      <source>The layout template has no map item; add a map (item id main_map) in the layout designer.</source>
      <translation>该布局模板没有地图项；请在布局设计器中添加地图（项标识为 main_map）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="252" />
      <source>{pages} page(s) written: {files}</source>
      <translation>已写入 {pages} 页：{files}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="270" />
      <source>There is no layer to map: choose a layer, or run the algorithm from a project with visible layers.</source>
      <translation>没有可绘制的图层：请选择一个图层，或在含有可见图层的项目中运行本算法。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="308" />
      <source>One page per year needs a yearly field (STEM_YYYY, e.g. DEI_2019): choose one in “Field to classify”, or give the layer a graduated style on such a field.</source>
      <translation>每年一页需要一个年度字段（STEM_YYYY，如 DEI_2019）：请在“分级字段”中选择，或为图层设置基于此类字段的分级样式。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="315" />
      <source>One page per value of a field needs that field: choose it in “Field with one page per value” (e.g. region or province).</source>
      <translation>按字段值每值一页需要指定该字段：请在“每值一页的字段”中选择（如地区或省份）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="321" />
      <source>The field {field} has no values; choose another field.</source>
      <translation>字段 {field} 没有值；请选择其他字段。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="333" />
      <source>Could not read the layout template {path}; choose a .qpt file saved by QGIS's layout designer.</source>
      <translation>无法读取布局模板 {path}；请选择由 QGIS 布局设计器保存的 .qpt 文件。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="346" />
      <source>South China Sea Islands</source>
      <translation>南海诸岛</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="349" />
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="374" />
      <source>Could not select the features of {value}.</source>
      <translation>无法选出 {value} 的要素。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="392" />
      <source>the file cannot be written (a read-only folder, a file open in another program, or a missing folder); choose another file</source>
      <translation>无法写入文件（文件夹为只读、文件正被其他程序打开或文件夹不存在）；请选择其他文件</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="395" />
      <source>not enough memory for the image; lower the resolution (DPI)</source>
      <translation>内存不足，无法生成图像；请降低分辨率（DPI）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="397" />
      <source>the SVG layers could not be exported</source>
      <translation>无法导出 SVG 图层</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="398" />
      <source>the layout export failed (code {code})</source>
      <translation>布局导出失败（代码 {code}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="422" />
      <source>Could not write the report map {path}: {error}</source>
      <translation>无法写入报告地图 {path}：{error}</translation>
    </message>
    <message>
      <location filename="../../processing/maps/china_basemaps.py" line="56" />
      <source>Provinces</source>
      <translation>省份</translation>
    </message>
    <message>
      <location filename="../../processing/maps/china_basemaps.py" line="57" />
      <source>Province boundaries</source>
      <translation>省界</translation>
    </message>
    <message>
      <location filename="../../processing/maps/china_basemaps.py" line="58" />
      <source>Taiwan, Hong Kong and Macao</source>
      <translation>台湾、香港和澳门</translation>
    </message>
    <message>
      <location filename="../../processing/maps/china_basemaps.py" line="59" />
      <source>South China Sea dashed line</source>
      <translation>南海断续线</translation>
    </message>
    <message>
      <location filename="../../processing/maps/page_style.py" line="32" />
      <source>The field {field} is not numeric; choose a numeric field to classify, or leave the field empty to keep the layer's style.</source>
      <translation>字段 {field} 不是数值型；请选择数值字段进行分级，或将字段留空以保留图层样式。</translation>
    </message>
    <message>
      <source>Cancelled by the user.</source>
      <translation type="vanished">已被用户取消。</translation>
    </message>
    <message>
      <source>Classification</source>
      <translation type="vanished">分级方法</translation>
    </message>
    <message>
      <source>Exports a styled layer, or the visible layers of the current project, as a finished report map (PDF, PNG or SVG, from the output's file extension) on a print layout template: title, subtitle, legend, scale bar, north arrow and data-source note.

Style: leave Field empty to keep the layer's own style; choose a numeric field to draw a graduated map with the chosen classification (natural breaks by default) and colour ramp.

Templates: A4 or A3, landscape or portrait (resources/layouts), or your own .qpt file whose map item has the id main_map (items title, subtitle, legend, scalebar, north_arrow, source, inset_map and inset_label are filled in when present).

Maps of China: the map is drawn in an Albers equal-area projection with province boundaries, Taiwan, Hong Kong and Macao (drawn without data when the layer does not cover them) and the dashed maritime boundary line, and the South China Sea islands (南海诸岛) go into a framed inset at the lower right, as in Chinese atlases, while the main map stops south of Hainan. Automatic mode does this when the page covers the mainland and the islands.

Atlas: one page per year draws every year of a STEM_YYYY field (e.g. DEI_2011 … DEI_2019) on its own page. By default every year uses the same classes, so colours compare across years: classes computed on all years pooled when Field is set, or the style's own breaks when the layer keeps its style; choose 'classify each year on its own' to re-classify every page. One page per value of a field (e.g. region or province) zooms to each value's features, with the other features in grey, and keeps one classification for all pages. A PDF holds every page; PNG and SVG write one file per page (name_2019.png …).</source>
      <translation type="vanished">将已设置样式的图层（或当前项目中的可见图层）按打印布局模板导出为成品报告地图（PDF、PNG 或 SVG，由输出文件扩展名决定），包括标题、副标题、图例、比例尺、指北针和数据来源说明。

样式：字段留空则保留图层自身的样式；选择一个数值字段则按所选分级方法（默认为自然断点）和色带绘制分级设色图。

模板：A4 或 A3，横向或纵向（resources/layouts），也可使用自己的 .qpt 文件，其中地图项的标识须为 main_map（如有 title、subtitle、legend、scalebar、north_arrow、source、inset_map 和 inset_label 等项，会自动填写）。

中国地图：采用 Albers 等积投影，绘制省界、台湾、香港和澳门（图层未覆盖时按无数据绘制）以及南海断续线，南海诸岛按中国地图集的惯例放入右下角带框的附图，主图截止于海南以南。“自动”模式在页面覆盖大陆和南海诸岛时启用。

图集：“每年一页”将 STEM_YYYY 字段（如 DEI_2011 … DEI_2019）的每一年绘制在单独的一页上。默认各年使用相同的分级，便于跨年比较颜色：设置了字段时按所有年份合并计算分级，保留图层样式时沿用样式自身的断点；选择“每年单独分级”则每页重新分级。“按字段值每值一页”（如地区或省份）缩放到每个值的要素，其余要素以灰色显示，所有页面使用同一分级。PDF 包含所有页面；PNG 和 SVG 每页写一个文件（name_2019.png …）。</translation>
    </message>
    <message>
      <source>Exports a styled layer, or the visible layers of the current project, as a finished report map (PDF, PNG or SVG, from the output's file extension) on a print layout template: title, subtitle, legend, scale bar, north arrow and data-source note.

Style: leave Field empty to keep the layer's own style; choose a numeric field to draw a graduated map with the chosen classification (natural breaks by default) and colour ramp.

Templates: A4 or A3, landscape or portrait (resources/layouts), or your own .qpt file whose map item has the id main_map (items title, subtitle, legend, scalebar, north_arrow, source, inset_map and inset_label are filled in when present).

Maps of China: the map is drawn in an Albers equal-area projection with province boundaries, and the South China Sea islands (南海诸岛) go into a framed inset at the lower right, as in Chinese atlases, while the main map stops south of Hainan. Automatic mode does this when the page covers the mainland and the islands.

Atlas: one page per year draws every year of a STEM_YYYY field (e.g. DEI_2011 … DEI_2019) on its own page. By default every year uses the same classes, so colours compare across years: classes computed on all years pooled when Field is set, or the style's own breaks when the layer keeps its style; choose 'classify each year on its own' to re-classify every page. One page per value of a field (e.g. region or province) zooms to each value's features, with the other features in grey, and keeps one classification for all pages. A PDF holds every page; PNG and SVG write one file per page (name_2019.png …).</source>
      <translation type="vanished">将已设置样式的图层（或当前项目中的可见图层）按打印布局模板导出为成品报告地图（PDF、PNG 或 SVG，由输出文件扩展名决定），包括标题、副标题、图例、比例尺、指北针和数据来源说明。

样式：字段留空则保留图层自身的样式；选择一个数值字段则按所选分级方法（默认为自然断点）和色带绘制分级设色图。

模板：A4 或 A3，横向或纵向（resources/layouts），也可使用自己的 .qpt 文件，其中地图项的标识须为 main_map（如有 title、subtitle、legend、scalebar、north_arrow、source、inset_map 和 inset_label 等项，会自动填写）。

中国地图：采用 Albers 等积投影并绘制省界，南海诸岛按中国地图集的惯例放入右下角带框的附图，主图截止于海南以南。“自动”模式在页面覆盖大陆和南海诸岛时启用。

图集：“每年一页”将 STEM_YYYY 字段（如 DEI_2011 … DEI_2019）的每一年绘制在单独的一页上。默认各年使用相同的分级，便于跨年比较颜色：设置了字段时按所有年份合并计算分级，保留图层样式时沿用样式自身的断点；选择“每年单独分级”则每页重新分级。“按字段值每值一页”（如地区或省份）缩放到每个值的要素，其余要素以灰色显示，所有页面使用同一分级。PDF 包含所有页面；PNG 和 SVG 每页写一个文件（name_2019.png …）。</translation>
    </message>
    <message>
      <source>Number of classes</source>
      <translation type="vanished">分级数</translation>
    </message>
    <message>
      <source>Title</source>
      <translation type="vanished">标题</translation>
    </message>
  </context>
  <context>
    <name>ResilienceAlgorithm</name>
    <message>
      <location filename="../../processing/algorithm.py" line="70" />
      <source>Parameters</source>
      <translation>参数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="120" />
      <source>{who} needs Python packages that QGIS's Python lacks: {names}.</source>
      <translation>{who}需要 QGIS 的 Python 中缺少的 Python 包：{names}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="121" />
      <source>Digital Resilience Toolkit</source>
      <translation>数字韧性工具箱</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="124" />
      <source>Install them in one step from the menu Digital Resilience › Install dependencies…, or in a terminal (on Windows, the OSGeo4W Shell): {command}</source>
      <translation>可在菜单“数字韧性 › 安装依赖包…”中一步安装，或在终端（Windows 上为 OSGeo4W Shell）中运行：{command}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="131" />
      <source>pyproj must be the one built against QGIS's own PROJ library ({packages} need(s) it), and pip must not install it (its wheels bring a second PROJ, which crashes QGIS): install it with {command}, then the rest as above.</source>
      <translation>pyproj 必须是基于 QGIS 自身 PROJ 库构建的版本（{packages} 需要它），且不能用 pip 安装（其 wheel 包自带另一套 PROJ，会导致 QGIS 崩溃）：请用 {command} 安装，然后按上述方法安装其余的包。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="136" />
      <source>pyproj must be the one built against QGIS's own PROJ library, and pip must not install it (its wheels bring a second PROJ, which crashes QGIS): install it with {command}.</source>
      <translation>pyproj 必须是基于 QGIS 自身 PROJ 库构建的版本，且不能用 pip 安装（其 wheel 包自带另一套 PROJ，会导致 QGIS 崩溃）：请用 {command} 安装。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="139" />
      <source>Then restart QGIS.</source>
      <translation>然后重启 QGIS。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="325" />
      <source>Cancelled by the user.</source>
      <translation>已被用户取消。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="47" />
      <source>Indicators and indices</source>
      <translation>指标与指数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="48" />
      <source>Spatial weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="49" />
      <source>Spatial autocorrelation</source>
      <translation>空间自相关</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="50" />
      <source>Core-node coverage</source>
      <translation>核心-节点覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="51" />
      <source>Spillover and dynamics</source>
      <translation>空间溢出与动态</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="52" />
      <source>Maps and reports</source>
      <translation>地图与报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="53" />
      <source>Study workflows</source>
      <translation>研究工作流</translation>
    </message>
    <message>
      <source>Digital Resilience Toolkit needs Python packages that QGIS's Python lacks: {names}. Install them with: {command} (on Windows, run it in the OSGeo4W Shell), then restart QGIS.</source>
      <translation type="vanished">数字韧性工具箱需要 QGIS 的 Python 中缺少的 Python 包：{names}。请用以下命令安装：{command}（Windows 上请在 OSGeo4W Shell 中运行），然后重启 QGIS。</translation>
    </message>
  </context>
  <context>
    <name>ResilienceModel</name>
    <message>
      <location filename="../../processing/models.py" line="55" />
      <source>Study chain: indices, weights, autocorrelation, coverage, spillover</source>
      <translation>研究链：指数、空间权重、空间自相关、覆盖、溢出</translation>
    </message>
    <message>
      <location filename="../../processing/models.py" line="55" />
      <source>The study in one run, as a Graphical Modeler model (open it in the Modeler to see or change the chain):
1. joins the indicator table to the cities (resilience:jointable);
2. builds the digital economy and resilience indices with entropy weights on pooled city-years (resilience:compositeindex);
3. builds the spatial weights (queen, rook or k-nearest neighbours) and saves them as a GAL file that every later step reads (resilience:spatialweights);
4. Moran's I of both indices for every year (resilience:globalautocorrelation);
5. the LISA cluster map of resilience in the chosen year, false discovery rate control (resilience:localmoran);
6. the core-node coverage: the fewest core cities with every city within the radius, 300 km by default (resilience:corenodecoverage);
7. the spatial Durbin model of resilience on the digital economy index and the controls, with city and year fixed effects over every year of the panel, its direct, indirect (spillover) and total effects and a map of residual clusters (resilience:spatialdurbin; cities without neighbours are left out).

Inputs: the city layer with its code and name fields, the indicator table (long or wide; the sample is resources/sample/synthetic_panel.csv), the indicator system, the year of the LISA map, the controls as indicator stems (PATNT, URB, HUM, GOV on the sample), the weights and the radius. Advanced: the index stems (URI, DEI), the number of neighbours and of permutations.

Outputs: the indices layer and the indicator weights, the weights file, Moran's I per year (table and chart), the LISA layer and Moran scatter plot, the cities by nearest core, the core cities, coverage circles, core-node links and the coverage report, the spillover model's report and its residual cluster map. Each layer loads with its style.</source>
      <translation>一次运行完成整个研究，以图形建模器模型的形式提供（在建模器中打开即可查看或修改研究链）：
1. 将指标表连接到城市图层（resilience:jointable）；
2. 基于城市-年份混合样本，用熵权法构建数字经济指数和城市韧性指数（resilience:compositeindex）；
3. 构建空间权重（后邻接、车邻接或 k 近邻），并保存为 GAL 文件，供后续各步骤读取（resilience:spatialweights）；
4. 逐年计算两个指数的全局莫兰指数（resilience:globalautocorrelation）；
5. 所选年份城市韧性的 LISA 集聚图，采用错误发现率（FDR）控制（resilience:localmoran）；
6. 核心-节点覆盖：以最少的核心城市使每个城市都位于半径范围内，默认 300 千米（resilience:corenodecoverage）；
7. 城市韧性对数字经济指数及控制变量的空间杜宾模型，覆盖面板所有年份，含城市和年份双向固定效应，给出直接效应、间接（溢出）效应和总效应，以及残差集聚图（resilience:spatialdurbin；无邻居的城市将被剔除）。

输入：城市图层及其代码字段和名称字段、指标表（长表或宽表；示例为 resources/sample/synthetic_panel.csv）、指标体系、LISA 图的年份、以指标词干表示的控制变量（示例中为 PATNT、URB、HUM、GOV）、空间权重和半径。高级参数：指数词干（URI、DEI）、近邻数和置换次数。

输出：指数图层和指标权重、权重文件、逐年莫兰指数（表格和图表）、LISA 图层和莫兰散点图、按最近核心划分的城市、核心城市、覆盖圆、核心-节点连线和覆盖报告、溢出模型报告及其残差集聚图。每个图层加载时都带有样式。</translation>
    </message>
    <message>
      <location filename="../../processing/models.py" line="80" />
      <source>The whole study in one run, from the indicator table to the spillover model.</source>
      <translation>一次运行完成整个研究：从指标表到空间溢出模型。</translation>
    </message>
    <message>
      <location filename="../../processing/models.py" line="200" />
      <source>Could not read the model {path}.</source>
      <translation>无法读取模型 {path}。</translation>
    </message>
    <message>
      <location filename="../../processing/models.py" line="201" />
      <source>Study chain (my copy)</source>
      <translation>研究链（我的副本）</translation>
    </message>
    <message>
      <location filename="../../processing/models.py" line="201" />
      <source>Study chain (my copy {number})</source>
      <translation>研究链（我的副本 {number}）</translation>
    </message>
    <message>
      <location filename="../../processing/models.py" line="205" />
      <source>Could not write the model copy {path}.</source>
      <translation>无法写入模型副本 {path}。</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>City layer</source>
      <translation>城市图层</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>City layer (polygons; points with k-nearest weights)</source>
      <translation>城市图层（面；点图层请用 k 近邻权重）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Control variables</source>
      <translation>控制变量</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Control variables of the spillover model (indicator stems, comma-separated)</source>
      <translation>溢出模型的控制变量（指标词干，用逗号分隔）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Stem of the digital economy index</source>
      <translation>数字经济指数的词干</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>City code field</source>
      <translation>城市代码字段</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>City code field (joins the table; identifies the cities)</source>
      <translation>城市代码字段（用于连接表格并标识城市）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Cities to invest in first</source>
      <translation>优先投资城市数</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Neighbours (k-nearest weights)</source>
      <translation>近邻数（k 近邻权重）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>City name field</source>
      <translation>城市名称字段</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Permutations (Moran's I and LISA)</source>
      <translation>置换次数（莫兰指数和 LISA）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Scenario change (%)</source>
      <translation>情景变化（%）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Scenario: the change of the digital economy index in the policy cities (% of each city's value)</source>
      <translation>情景：政策城市数字经济指数的变化（各城市数值的 %）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Policy cities (expression)</source>
      <translation>政策城市（表达式）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Policy cities: where the scenario raises the digital economy index, and whose gain counts when choosing where to invest (an expression, e.g. "region" IN ('central', 'west'); empty: every city)</source>
      <translation>政策城市：情景中提高数字经济指数的城市，以及选择投资城市时计入其收益的城市（表达式，如 "region" IN ('central', 'west')；留空：全部城市）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Coverage radius (km)</source>
      <translation>覆盖半径（千米）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Resilience index stem</source>
      <translation>韧性指数前缀</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Stem of the resilience index (dependent variable)</source>
      <translation>城市韧性指数的词干（被解释变量）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Indicator system</source>
      <translation>指标体系</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Digital economy (DEI) and urban resilience in four dimensions (URI)</source>
      <translation>数字经济（DEI）与四维城市韧性（URI）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Digital economy (DEI), 5 indicators</source>
      <translation>数字经济（DEI），5 个指标</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Urban resilience in four dimensions (URI), 20 indicators</source>
      <translation>四维城市韧性（URI），20 个指标</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Own indicator system</source>
      <translation>自定义指标体系</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Own indicator system (CSV or XLSX; replaces the template)</source>
      <translation>自定义指标体系（CSV 或 XLSX；替代模板）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Indicator table</source>
      <translation>指标表</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Indicator table (CSV or XLSX; long or wide)</source>
      <translation>指标表（CSV 或 XLSX；长表或宽表）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Spatial weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Queen contiguity</source>
      <translation>Queen 邻接</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Rook contiguity</source>
      <translation>Rook 邻接</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>K-nearest neighbours</source>
      <translation>K 近邻</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Year of the LISA map</source>
      <translation>LISA 地图年份</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Year of the LISA map (the spillover model uses every year)</source>
      <translation>LISA 图的年份（溢出模型使用全部年份）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Coverage circles</source>
      <translation>覆盖圆</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Core cities</source>
      <translation>核心城市</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Cities by nearest core</source>
      <translation>按最近核心划分的城市</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Coverage report</source>
      <translation>覆盖报告</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Core-node links</source>
      <translation>核心-节点连线</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Indicator weights</source>
      <translation>指标权重</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Indices</source>
      <translation>指数</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>LISA clusters</source>
      <translation>LISA 集聚</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Moran scatter plot</source>
      <translation>莫兰散点图</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Moran's I per year</source>
      <translation>逐年莫兰指数</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Moran's I over the years (chart)</source>
      <translation>莫兰指数的年度变化（图表）</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Cities by redundancy</source>
      <translation>城市冗余状态</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Cores and their N−1 loss</source>
      <translation>核心城市及其 N−1 损失</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Network redundancy report</source>
      <translation>网络冗余报告</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Scenario: predicted changes</source>
      <translation>情景：预测变化</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Scenario report</source>
      <translation>情景报告</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Residual clusters of the spillover model</source>
      <translation>溢出模型的残差集聚</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Spillover model report</source>
      <translation>溢出模型报告</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Where to invest first</source>
      <translation>优先投资城市</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Targeting report</source>
      <translation>投资选址报告</translation>
    </message>
    <message>
      <location filename="../../resources/models/study_chain.model3" line="0" />
      <source>Spatial weights file (GAL)</source>
      <translation>空间权重文件（GAL）</translation>
    </message>
    <message>
      <source>Scenario: change of the digital economy index (%)</source>
      <translation type="vanished">情景：数字经济指数的变化（%）</translation>
    </message>
  </context>
  <context>
    <name>ResilienceProvider</name>
    <message>
      <location filename="../../processing/provider.py" line="30" />
      <source>Digital Resilience</source>
      <translation>数字韧性</translation>
    </message>
    <message>
      <location filename="../../processing/provider.py" line="33" />
      <source>Digital Resilience Toolkit: digital economy and urban resilience</source>
      <translation>数字韧性工具箱：数字经济与城市韧性</translation>
    </message>
  </context>
  <context>
    <name>ScenarioAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="36" />
      <source>Spillover scenario (what if)</source>
      <translation>溢出情景模拟（假如……会怎样）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="38" />
      <source>What if: each city's predicted change when a variable rises in chosen cities.</source>
      <translation>情景模拟：在所选城市提高某一变量时，各城市的预测变化。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="42" />
      <source>Answers “what if”: the predicted change of the dependent variable (e.g. urban resilience) in every city when one explanatory variable (e.g. the digital economy index) is raised in chosen cities.

The model is the one “Spatial spillover model” fits, with the same inputs and options (cross-section or panel with fixed or random effects; SAR, SDM, SDEM, SLX, SEM or OLS). The policy raises the policy variable by a value (absolute), by a percentage of each city's value, or up to a target value (cities already at the target do not change); baseline values are those of the latest year. The chosen cities are the selected features, those matching an expression or those with a non-zero value in a 0–1 field (any of them; none given: every city).

The change of every city comes from the model's reduced form: SDM (I − ρW)⁻¹(β·Δx + θ·WΔx), SAR (I − ρW)⁻¹β·Δx, SDEM/SLX β·Δx + θ·WΔx (sparse LU solves, no dense inverse). It is split into the city's own change (what its own investment does to it, feedback through its neighbours included) and the spillover it receives from the other chosen cities. With a change of one unit in every city the mean own change is the direct effect and the mean received change the indirect effect.

Intervals (95 %): for SAR/SDM from the same simulation draws of the estimates as the effects (draws and seed in the advanced options); for the other models from the covariance matrix.

Outputs: a layer with each city's change (SC_DX), own change (SC_OWN), received spillover (SC_RECV), total change (SC_TOTAL) and its interval (SC_LOW, SC_HIGH), mapped by the total change; a CSV table; an HTML report with the totals and the cities that gain most.</source>
      <translation>回答“假如……会怎样”：在所选城市提高某个解释变量（如数字经济指数）时，每个城市被解释变量（如城市韧性）的预测变化。

模型与“空间溢出模型”所估计的相同，输入和选项也相同（截面数据，或含固定效应/随机效应的面板数据；SAR、SDM、SDEM、SLX、SEM 或 OLS）。政策将政策变量提高一个数值（绝对值）、提高各城市取值的一定百分比，或提高到目标值（已达到目标值的城市不变）；基准值为最近一年的取值。所选城市为选中的要素、满足表达式的要素，或 0–1 字段中取值非零的要素（满足其中任一即可；均未给出：所有城市）。

每个城市的变化来自模型的简化式：SDM (I − ρW)⁻¹(β·Δx + θ·WΔx)，SAR (I − ρW)⁻¹β·Δx，SDEM/SLX β·Δx + θ·WΔx（稀疏 LU 求解，不计算稠密逆矩阵）。变化分解为城市自身的变化（其自身投资对自身的作用，含经由邻居的反馈）和它从其他所选城市获得的溢出。当每个城市都变化一个单位时，自身变化的均值即直接效应，获得溢出的均值即间接效应（溢出效应）。

区间（95 %）：SAR/SDM 采用与效应相同的估计值模拟抽样（抽样次数和种子在高级选项中）；其他模型由协方差矩阵计算。

输出：一个图层，含每个城市政策变量的变化（SC_DX）、自身变化（SC_OWN）、获得的溢出（SC_RECV）、总变化（SC_TOTAL）及其区间（SC_LOW、SC_HIGH），按总变化分级设色；一个 CSV 表；一份 HTML 报告，含合计值和获益最多的城市。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="40" />
      <source>scenario,what if,policy,simulation,counterfactual,spillover,multiplier,spatial Durbin,SDM,SAR,SDEM,SLX,investment,digital economy,reduced form,econometrics</source>
      <translation>scenario,what if,policy,simulation,counterfactual,spillover,multiplier,spatial Durbin,SDM,SAR,SDEM,SLX,investment,digital economy,reduced form,econometrics,情景模拟,政策模拟,反事实,溢出效应,乘数,空间杜宾模型,投资,数字经济,简化式,计量经济</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="74" />
      <source>Chosen cities: the selected features</source>
      <translation>所选城市：选中的要素</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="76" />
      <source>Chosen cities: an expression</source>
      <translation>所选城市：表达式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="78" />
      <source>Chosen cities: an expression (e.g. "region" = 'west')</source>
      <translation>所选城市：表达式（如 "region" = 'west'）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="80" />
      <source>Chosen cities: a 0–1 field</source>
      <translation>所选城市：0–1 字段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="82" />
      <source>Chosen cities: a 0–1 field (non-zero: chosen)</source>
      <translation>所选城市：0–1 字段（非零：选中）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="84" />
      <source>Predicted changes</source>
      <translation>预测变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="86" />
      <source>Table of the changes (CSV)</source>
      <translation>变化表（CSV）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="86" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="89" />
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="89" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="92" />
      <source>Sum of the own changes</source>
      <translation>自身变化之和</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="93" />
      <source>Sum of the received spillovers</source>
      <translation>获得溢出之和</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="94" />
      <source>Sum of the total changes</source>
      <translation>总变化之和</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="95" />
      <source>Number of chosen cities</source>
      <translation>所选城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="118" />
      <source>Total change {total:.6g} = own {own:.6g} + received {received:.6g}.</source>
      <translation>总变化 {total:.6g} = 自身 {own:.6g} + 获得溢出 {received:.6g}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="135" />
      <source>Spillover scenario: {name} in the chosen cities, {model} of {dependent}</source>
      <translation>溢出情景：所选城市的 {name}，{dependent}的 {model}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="152" />
      <source>Chosen cities from the selection need the cities as a layer loaded in the project, not a file; load it and select the cities, or use an expression or a 0–1 field.</source>
      <translation>按选择确定所选城市需要城市图层已加载到项目中，而不是文件；请加载并选中城市，或使用表达式或 0–1 字段。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="163" />
      <source>The layer has no field {field}; choose a field of the input layer.</source>
      <translation>图层中没有字段 {field}；请选择输入图层的字段。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="168" />
      <source>No selection, expression or field chooses the cities: every city gets the policy.</source>
      <translation>未通过选择、表达式或字段指定城市：所有城市都实施该政策。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="173" />
      <source>No city is chosen for the policy: the selection, the expression and the field choose none. Select cities, or correct the expression or the field (1 for the chosen cities).</source>
      <translation>没有城市被选中实施政策：选择、表达式和字段均未选中任何城市。请选择城市，或修改表达式或字段（所选城市为 1）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="196" />
      <source>Chosen for the policy (1 yes, 0 no)</source>
      <translation>是否实施政策（1 是，0 否）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="197" />
      <source>{name} before the policy (latest year)</source>
      <translation>政策前的 {name}（最近一年）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="198" />
      <source>Change of {name} (the policy)</source>
      <translation>{name} 的变化（政策）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="199" />
      <source>Own change of {y} (from the city's own investment)</source>
      <translation>{y} 的自身变化（来自城市自身投资）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="200" />
      <source>Spillover of {y} received from the other chosen cities</source>
      <translation>从其他所选城市获得的 {y} 溢出</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="201" />
      <source>Total predicted change of {y}</source>
      <translation>{y} 的预测总变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="202" />
      <source>Total change: lower bound of the 95 % interval</source>
      <translation>总变化：95 % 区间下限</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="203" />
      <source>Total change: upper bound of the 95 % interval</source>
      <translation>总变化：95 % 区间上限</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/scenario.py" line="206" />
      <source>Predicted change of {y}</source>
      <translation>{y} 的预测变化</translation>
    </message>
    <message>
      <source>Change</source>
      <translation type="vanished">变化方式</translation>
    </message>
    <message>
      <source>Choose the policy variable (one of the explanatory variables).</source>
      <translation type="vanished">请选择政策变量（解释变量之一）。</translation>
    </message>
    <message>
      <source>Policy variable</source>
      <translation type="vanished">政策变量</translation>
    </message>
    <message>
      <source>Policy variable (an explanatory variable; in a wide panel any year of its stem)</source>
      <translation type="vanished">政策变量（一个解释变量；宽格式面板中可选其词干的任一年份）</translation>
    </message>
    <message>
      <source>Raise by a percentage of each city's value</source>
      <translation type="vanished">按各城市取值的百分比提高</translation>
    </message>
    <message>
      <source>Raise by a value (absolute)</source>
      <translation type="vanished">提高一个数值（绝对值）</translation>
    </message>
    <message>
      <source>Raise to a target value</source>
      <translation type="vanished">提高到目标值</translation>
    </message>
    <message>
      <source>Value</source>
      <translation type="vanished">数值</translation>
    </message>
    <message>
      <source>Value (the change, the percentage or the target)</source>
      <translation type="vanished">数值（变化量、百分比或目标值）</translation>
    </message>
  </context>
  <context>
    <name>SpatialDurbinAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="31" />
      <source>Spatial spillover model (spatial Durbin)</source>
      <translation>空间溢出模型（空间杜宾模型）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="32" />
      <source>Spatial Durbin and related models with direct and spillover effects.</source>
      <translation>空间杜宾等模型，含直接效应与溢出效应。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="37" />
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Standard errors (advanced option): the information matrix of the maximum-likelihood models (classical for OLS and SLX), which assumes errors independent across cities and years; clustered by city (CR1) for the least-squares models OLS and SLX; or a wild cluster bootstrap by city of the chosen model, robust to errors correlated within a city over the years: one random sign per city on its residuals, the dependent variable regenerated through the fitted model and the model refitted, 199 times by default, for the standard errors and percentile intervals of the coefficients, ρ/λ and the effects (pooled and fixed-effects models, at least 20 cities; 20 s to a minute for 366 cities × 9 years). The tables name the standard errors of each model.

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table (advanced option; a model that cannot be estimated, e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen model's failure stops the algorithm).

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional tables for papers and reports (Excel, Word, LaTeX or CSV: models side by side, N, fixed effects, log-likelihood, AIC, R², weights and SE type at the foot, definitions in the notes), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map of the last year (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: by default cities without one (islands, e.g. 三沙市 with queen weights) are left out with a warning that names them; or use k-nearest neighbours. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation>估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

标准误（高级选项）：极大似然模型采用信息矩阵（OLS 和 SLX 为经典标准误），它假定误差在城市和年份之间相互独立；最小二乘模型 OLS 和 SLX 可按城市聚类（CR1）；或对所选模型采用按城市的野聚类自助法，对城市内跨年份相关的误差稳健：每个城市的残差乘以一个随机符号，通过拟合的模型重新生成被解释变量并重新估计模型，默认 199 次，得到系数、ρ/λ 和各效应的标准误与百分位区间（适用于混合模型和固定效应模型，至少 20 个城市；366 个城市 × 9 年约需 20 秒至 1 分钟）。表格注明每个模型的标准误类型。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表（高级选项；无法估计的模型，例如其 ρ 或 λ 位于边界，会被剔除，并给出警告和报告注释；只有所选模型估计失败才会终止算法）。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的 CSV 表格，拟合值与残差图层，以及残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：默认剔除没有邻居的城市（孤岛，例如 queen 权重下的三沙市），并给出指明这些城市的警告；也可改用 k 近邻。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="35" />
      <source>spatial durbin,SDM,SAR,SEM,SDEM,SLX,spillover,spatial lag,spatial error,panel,fixed effects,random effects,direct effect,indirect effect,LeSage,Elhorst,Lee-Yu,LM test,Hausman,econometrics</source>
      <translation>spatial durbin,SDM,SAR,SEM,SDEM,SLX,spillover,spatial lag,spatial error,panel,fixed effects,random effects,direct effect,indirect effect,LeSage,Elhorst,Lee-Yu,LM test,Hausman,econometrics,空间杜宾模型,空间滞后模型,空间误差模型,空间溢出,直接效应,间接效应,溢出效应,总效应,固定效应,随机效应,LM 检验,空间计量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="82" />
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="82" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="84" />
      <source>CSV tables (folder)</source>
      <translation>CSV 表格（文件夹）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="87" />
      <source>Fitted values and residuals</source>
      <translation>拟合值与残差</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="90" />
      <source>Residual clusters (LISA)</source>
      <translation>残差集聚（LISA）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="94" />
      <source>Spatial parameter (ρ or λ)</source>
      <translation>空间参数（ρ 或 λ）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="95" />
      <source>Log-likelihood</source>
      <translation>对数似然值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="96" />
      <source>AIC</source>
      <translation>AIC</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="97" />
      <source>R²</source>
      <translation>R²</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="98" />
      <source>Observations</source>
      <translation>观测值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="111" />
      <source>Wild cluster bootstrap by city: {draws} refits of the {model} model.</source>
      <translation>按城市的野聚类自助法：{model} 模型重新估计 {draws} 次。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="120" />
      <source>{model}: log-likelihood {loglik:.4f}, AIC {aic:.4f}</source>
      <translation>{model}：对数似然值 {loglik:.4f}，AIC {aic:.4f}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="128" />
      <source>Spatial spillover model: {model} of {dependent}</source>
      <translation>空间溢出模型：{dependent}的{model}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="172" />
      <source>Observed {y}</source>
      <translation>{y}观测值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="173" />
      <source>Fitted {y}</source>
      <translation>{y}拟合值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="174" />
      <source>Residual</source>
      <translation>残差</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="175" />
      <source>Fitted {y}, mean over the years</source>
      <translation>{y}拟合值（多年均值）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="176" />
      <source>Residual, mean over the years</source>
      <translation>残差（多年均值）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="178" />
      <source>Fitted {y} ({year})</source>
      <translation>{y}拟合值（{year}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="179" />
      <source>Residual ({year})</source>
      <translation>残差（{year}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="181" />
      <source>Fitted {y} ({model})</source>
      <translation>{y}拟合值（{model}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="203" />
      <source>Residual (mean over the years)</source>
      <translation>残差（多年均值）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="204" />
      <source>Local Moran's I of the residuals</source>
      <translation>残差的局部莫兰指数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="205" />
      <source>Pseudo p-value (999 permutations)</source>
      <translation>伪 p 值（999 次置换）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="206" />
      <source>Quadrant (GeoDa: 1 HH, 2 LL, 3 LH, 4 HL, 0 no neighbours)</source>
      <translation>象限（GeoDa：1 高-高，2 低-低，3 低-高，4 高-低，0 无邻居）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_durbin.py" line="207" />
      <source>Residual cluster (p ≤ 0.05)</source>
      <translation>残差集聚类型（p ≤ 0.05）</translation>
    </message>
    <message>
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table (advanced option; a model that cannot be estimated, e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen model's failure stops the algorithm).

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: by default cities without one (islands, e.g. 三沙市 with queen weights) are left out with a warning that names them; or use k-nearest neighbours. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation type="vanished">估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表（高级选项；无法估计的模型，例如其 ρ 或 λ 位于边界，会被剔除，并给出警告和报告注释；只有所选模型估计失败才会终止算法）。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的 CSV 表格，拟合值与残差图层，以及残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：默认剔除没有邻居的城市（孤岛，例如 queen 权重下的三沙市），并给出指明这些城市的警告；也可改用 k 近邻。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
    <message>
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table (advanced option; a model that cannot be estimated, e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen model's failure stops the algorithm).

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: use k-nearest neighbours or leave the islands out. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation type="vanished">估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表（高级选项；无法估计的模型，例如其 ρ 或 λ 位于边界，会被剔除，并给出警告和报告注释；只有所选模型估计失败才会终止算法）。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的 CSV 表格，拟合值与残差图层，以及残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：请使用 k 近邻，或剔除孤岛。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
    <message>
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table (advanced option; a model that cannot be estimated, e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen model's failure stops the algorithm).

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional tables for papers and reports (Excel, Word, LaTeX or CSV: models side by side, N, fixed effects, log-likelihood, AIC, R², weights and SE type at the foot, definitions in the notes), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: by default cities without one (islands, e.g. 三沙市 with queen weights) are left out with a warning that names them; or use k-nearest neighbours. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation type="vanished">估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表（高级选项；无法估计的模型，例如其 ρ 或 λ 位于边界，会被剔除，并给出警告和报告注释；只有所选模型估计失败才会终止算法）。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的论文与报告表格（Excel、Word、LaTeX 或 CSV：各模型并列，表底为样本量、固定效应、对数似然值、AIC、R²、空间权重和标准误类型，注释中给出定义），可选的 CSV 表格，拟合值与残差图层，以及残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：默认剔除没有邻居的城市（孤岛，例如 queen 权重下的三沙市），并给出指明这些城市的警告；也可改用 k 近邻。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
    <message>
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table (advanced option; a model that cannot be estimated, e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen model's failure stops the algorithm).

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional tables for papers and reports (Excel, Word, LaTeX or CSV: models side by side, N, fixed effects, log-likelihood, AIC, R², weights and SE type at the foot, definitions in the notes), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: use k-nearest neighbours or leave the islands out. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation type="vanished">估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表（高级选项；无法估计的模型，例如其 ρ 或 λ 位于边界，会被剔除，并给出警告和报告注释；只有所选模型估计失败才会终止算法）。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的论文与报告表格（Excel、Word、LaTeX 或 CSV：各模型并列，表底为样本量、固定效应、对数似然值、AIC、R²、空间权重和标准误类型，注释中给出定义），可选的 CSV 表格，拟合值与残差图层，以及残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：请使用 k 近邻，或剔除孤岛。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
    <message>
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table (advanced option; a model that cannot be estimated, e.g. with its ρ or λ at the bound, is left out with a warning and a note in the report; only the chosen model's failure stops the algorithm).

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional tables for papers and reports (Excel, Word, LaTeX or CSV: models side by side, N, fixed effects, log-likelihood, AIC, R², weights and SE type at the foot, definitions in the notes), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map of the last year (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: by default cities without one (islands, e.g. 三沙市 with queen weights) are left out with a warning that names them; or use k-nearest neighbours. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation type="vanished">估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表（高级选项；无法估计的模型，例如其 ρ 或 λ 位于边界，会被剔除，并给出警告和报告注释；只有所选模型估计失败才会终止算法）。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的论文与报告表格（Excel、Word、LaTeX 或 CSV：各模型并列，表底为样本量、固定效应、对数似然值、AIC、R²、空间权重和标准误类型，注释中给出定义），可选的 CSV 表格，拟合值与残差图层，以及最后一年残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：默认剔除没有邻居的城市（孤岛，例如 queen 权重下的三沙市），并给出指明这些城市的警告；也可改用 k 近邻。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
    <message>
      <source>Estimates how the explanatory variables (e.g. the digital economy) affect the dependent variable (e.g. urban resilience) in a city and, through spillovers, in its neighbours.

Models, by maximum likelihood: OLS, spatial lag (SAR: y = ρWy + Xβ), spatial error (SEM: u = λWu + ε), spatial Durbin (SDM: y = ρWy + Xβ + WXθ), spatial Durbin error (SDEM) and SLX (y = Xβ + WXθ).

Data: a cross-section (one feature per city), a wide panel (yearly fields STEM_YYYY: choose any year of each stem, every year the variables share is used) or a long panel (one feature per city and year, with a year field and the unit id field). Panels take city, year or two-way fixed effects (Elhorst's demeaning, with the Lee–Yu bias correction of σ² and ρ) or random effects (OLS, SLX, SAR, SDM).

Effects (LeSage and Pace): direct, indirect (spillover) and total effects, with standard errors, z and p from simulating the estimates' asymptotic distribution (number of draws and seed in the advanced options; traces exact from the eigenvalues of W up to 2,000 units).

Diagnostics: LM lag/error tests and their robust forms, LR and Wald tests of the SDM against the SAR and the SEM, the Hausman test of fixed against random effects, log-likelihood, AIC and R². Every model of the family is estimated for the comparison table.

Outputs: an HTML report with paper-style tables (coefficients with standard errors in parentheses and significance stars), optional CSV tables, a layer of fitted values and residuals and a residual LISA cluster map (significant clusters of residuals point to a missing spatial term).

Maximum-likelihood models need every city to have a neighbour: use k-nearest neighbours or leave the islands out. Matches R spatialreg (lagsarlm, errorsarlm, impacts) to 1e-4.</source>
      <translation type="vanished">估计解释变量（如数字经济）对本城市被解释变量（如城市韧性）的影响，以及通过空间溢出对邻近城市的影响。

模型（极大似然估计）：OLS、空间滞后模型（SAR：y = ρWy + Xβ）、空间误差模型（SEM：u = λWu + ε）、空间杜宾模型（SDM：y = ρWy + Xβ + WXθ）、空间杜宾误差模型（SDEM）和 SLX 模型（y = Xβ + WXθ）。

数据：截面（每个城市一个要素）、宽格式面板（逐年字段 STEM_YYYY：每个前缀任选一年，使用各变量共有的全部年份）或长格式面板（每个城市每年一个要素，带年份字段和单元标识字段）。面板可采用城市、年份或双向固定效应（Elhorst 的去均值方法，并对 σ² 和 ρ 做 Lee–Yu 偏误修正），或随机效应（OLS、SLX、SAR、SDM）。

效应（LeSage 和 Pace）：直接效应、间接效应（溢出效应）和总效应，其标准误、z 值和 p 值由模拟估计量的渐近分布得到（抽样次数和种子在高级选项中设置；单元数不超过 2,000 时由 W 的特征值精确计算迹）。

诊断：LM-lag/LM-error 检验及其稳健形式，SDM 相对 SAR 和 SEM 的 LR 与 Wald 检验，固定效应与随机效应的 Hausman 检验，对数似然值、AIC 和 R²。模型族中的每个模型都会被估计，用于比较表。

输出：含论文格式表格（括号内为标准误，附显著性星号）的 HTML 报告，可选的 CSV 表格，拟合值与残差图层，以及残差的 LISA 集聚图（残差存在显著集聚说明遗漏了空间项）。

极大似然模型要求每个城市都有邻居：请使用 k 近邻，或剔除孤岛。结果与 R spatialreg（lagsarlm、errorsarlm、impacts）的差异在 1e-4 以内。</translation>
    </message>
  </context>
  <context>
    <name>SpatialWeightsAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="35" />
      <source>Spatial weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="36" />
      <source>Spatial weights (contiguity, k-nearest, distance, economic) as GAL/GWT.</source>
      <translation>空间权重（邻接、k 近邻、距离、经济）并保存为 GAL/GWT。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="41" />
      <source>Builds the neighbour structure (spatial weights) of a layer of cities, summarises it and saves it for GeoDa, libpysal and the toolkit's other algorithms.

Kinds
• Queen / rook contiguity: polygons that share at least one / two boundary vertices (as GeoDa and R spdep's poly2nb). Order p links units whose shortest chain of neighbours has p links; “include lower orders” keeps orders 1…p.
• K-nearest neighbours: the k closest units, optionally made symmetric.
• Distance band: every unit within the distance; by default the smallest distance that gives every unit a neighbour.
• Inverse distance: w = 1/d^α for every pair, or only within the cut-off distance.
• Kernel: w = K(z), z = d/h, for units within the bandwidth h. Fixed h: the distance, or by default the largest distance from a unit to its k-th nearest neighbour. Adaptive h: for each unit, the distance to its k-th nearest neighbour, and its k nearest units are its neighbours. K(z) is zero beyond z = 1 and otherwise: triangular 1 − z; uniform 1/2; Epanechnikov 3/4 (1 − z²); quartic 15/16 (1 − z²)²; Gaussian exp(−z²/2)/√(2π) (the definitions of GeoDa and libpysal's Kernel). The diagonal is zero: a unit is not its own neighbour, as Moran's I and spatial regressions expect (libpysal's Kernel keeps K(0) on the diagonal, for kernel smoothing).
• Economic distance: w_ij = 1/|x̄_i − x̄_j|, x̄ the economic field (e.g. GDP per capita) averaged over every year of its STEM_YYYY stem (or the field alone).
• Economic-geographic: nested W = φ·W_d + (1 − φ)·W_e, with W_d = 1/d^α (inverse distance) and W_e the economic distance weights, each row-standardised before they are mixed (Shao, Li, Cao and Yang 2016, Economic Research Journal 51(9): 73–88); or the product w_ij = (x̄_j / x̄)/d_ij^α, i.e. W_d·diag(x̄_j/x̄) (Lin, Long and Wu 2005, China Economic Quarterly).
• Block: units with the same value of the block field (e.g. province) are neighbours.

Transformations: row-standardised (each row sums to 1), binary, variance-stabilising (Tiefelsdorf et al. 1999).

Distances are between the units' points (the points themselves, or each polygon's centroid or a point on its surface): geodesic in km on the layer's ellipsoid whenever its CRS has one (geographic, or projected with a datum), as in core-node coverage; straight lines in the layer's projection only with “Planar distances” (spdep longlat = FALSE) or for a CRS without a datum. The log says which. A layer without a CRS gets contiguity and k-nearest neighbours only. A distance you set that leaves units without neighbours is refused, naming them; “attach islands” instead links each unit without neighbours to its nearest unit (and back).

Outputs: a connectivity layer (a line from each unit to each neighbour, with the transformed weight and the distance); a weights file, GAL for binary kinds and GWT for weighted ones (a .gal name gets a .gwt file then), readable by GeoDa and libpysal and by the toolkit's other algorithms, which check its ids against their layer; a CSV edge list (original weights); an HTML summary (units, links, neighbour counts with a histogram, islands, symmetry).

The unit id field (e.g. adcode) identifies units in the files; without it the feature ids are used. Features without geometry are left out and named in the log. Invalid geometries follow Processing's “Invalid features filtering” setting: stop (the default; the error names every invalid feature), skip them (named in the log), or do not filter, which repairs them for the analysis (the layer is unchanged).</source>
      <translation>构建城市图层的邻接结构（空间权重矩阵），给出摘要，并保存供 GeoDa、libpysal 和本工具箱其他算法使用。

类型
• Queen / Rook 邻接：至少共享一个 / 两个边界顶点的面互为邻居（与 GeoDa 和 R spdep 的 poly2nb 一致）。p 阶邻接连接最短邻居链长度为 p 的单元；“包含低阶邻接”保留 1…p 阶。
• K 近邻：距离最近的 k 个单元，可选对称化。
• 距离带：距离阈值内的所有单元；默认取使每个单元都有邻居的最小距离。
• 反距离：对每对单元取 w = 1/d^α，或仅在截断距离内取值。
• 核函数：带宽 h 内的单元取 w = K(z)，z = d/h。固定带宽 h：所设距离，默认取各单元到其第 k 近邻的最大距离。自适应带宽 h：每个单元取到其第 k 近邻的距离，其 k 个最近单元为其邻居。z &gt; 1 时 K(z) 为零，否则：三角核 1 − z；均匀核 1/2；Epanechnikov 核 3/4 (1 − z²)；四次核 15/16 (1 − z²)²；高斯核 exp(−z²/2)/√(2π)（与 GeoDa 和 libpysal 的 Kernel 定义一致）。对角线为零：单元不是自身的邻居，符合 Moran's I 和空间回归的要求（libpysal 的 Kernel 为核平滑在对角线上保留 K(0)）。
• 经济距离：w_ij = 1/|x̄_i − x̄_j|，x̄ 为经济字段（如人均 GDP）在其 STEM_YYYY 前缀所有年份上的均值（或仅该字段）。
• 经济地理嵌套：嵌套形式 W = φ·W_d + (1 − φ)·W_e，其中 W_d = 1/d^α（反距离），W_e 为经济距离权重，二者混合前分别行标准化（邵帅、李欣、曹建华、杨莉莉 2016，《经济研究》51(9): 73–88）；或乘积形式 w_ij = (x̄_j / x̄)/d_ij^α，即 W_d·diag(x̄_j/x̄)（林光平、龙志和、吴梅 2005，《经济学（季刊）》）。
• 区块：区块字段（如省份）取值相同的单元互为邻居。

标准化方式：行标准化（每行之和为 1）、二值、方差稳定化（Tiefelsdorf 等 1999）。

距离按单元的代表点计算（点本身，或每个面的质心或面上点）：只要图层的 CRS 有椭球体（地理坐标系，或带基准面的投影坐标系），就采用图层椭球面上的大地线距离（km），与核心-节点覆盖一致；仅在勾选“平面距离”（spdep longlat = FALSE）或 CRS 没有基准面时，才采用图层投影中的直线距离。日志会说明采用了哪一种。没有 CRS 的图层只能使用邻接和 k 近邻权重。所设距离若使某些单元没有邻居将被拒绝，并列出这些单元；勾选“连接孤岛”则将每个没有邻居的单元与其最近的单元相连（双向）。

输出：连接图层（每个单元到其每个邻居的连线，带标准化后的权重和距离）；权重文件——二值类型为 GAL，加权类型为 GWT（此时 .gal 文件名会改存为 .gwt 文件），可被 GeoDa、libpysal 和本工具箱其他算法读取，后者会核对文件中的标识与其图层是否一致；CSV 边列表（原始权重）；HTML 摘要（单元数、连接数、邻居数分布及直方图、孤岛、对称性）。

单元标识字段（如 adcode）用于在文件中标识单元；不设置时使用要素 ID。没有几何的要素将被剔除并在日志中列出。无效几何按 Processing 的“无效要素过滤”设置处理：停止（默认；错误信息列出每个无效要素）、跳过（在日志中列出），或不过滤——此时为分析修复这些几何（图层本身不变）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="39" />
      <source>weights,neighbours,contiguity,queen,rook,knn,distance band,inverse distance,kernel,economic,block,gal,gwt,connectivity,geoda</source>
      <translation>weights,neighbours,contiguity,queen,rook,knn,distance band,inverse distance,kernel,economic,block,gal,gwt,connectivity,geoda,空间权重矩阵,邻接,邻居,k 近邻,距离带,反距离,核函数,经济距离,地理距离,经济地理嵌套矩阵</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="100" />
      <source>Units (cities)</source>
      <translation>单元（城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="107" />
      <source>Connectivity</source>
      <translation>连接线</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="112" />
      <source>Weights file</source>
      <translation>权重文件</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="113" />
      <source>GAL files (*.gal);;GWT files (*.gwt)</source>
      <translation>GAL 文件 (*.gal);;GWT 文件 (*.gwt)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="118" />
      <source>Edge list</source>
      <translation>边列表</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="118" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="124" />
      <source>Summary report</source>
      <translation>摘要报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="124" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="129" />
      <source>Units</source>
      <translation>单元数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="130" />
      <source>Links</source>
      <translation>连接数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="131" />
      <source>Units without neighbours</source>
      <translation>无邻居的单元</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="132" />
      <source>Mean number of neighbours</source>
      <translation>平均邻居数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="160" />
      <source>Building {what}.</source>
      <translation>正在构建{what}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="168" />
      <source>{count} unit(s) have no neighbours: {ids}. Statistics treat them as islands; consider attaching islands to their nearest unit, k-nearest neighbours or a distance band.</source>
      <translation>{count} 个单元没有邻居：{ids}。统计时将其视为孤岛；可考虑将孤岛连接到最近的单元，或使用 k 近邻或距离带权重。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="189" />
      <source>The connectivity layer was not written: {links} links are too many to draw (at most {limit}). The weights file and the summary are complete.</source>
      <translation>未写入连接图层：{links} 条连接过多，无法绘制（最多 {limit} 条）。权重文件和摘要是完整的。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="202" />
      <source>Unit</source>
      <translation>单元</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="202" />
      <source>Neighbour</source>
      <translation>邻居</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="203" />
      <source>Weight (transformed)</source>
      <translation>权重（标准化后）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="204" />
      <source>Distance between the units' points</source>
      <translation>单元代表点之间的距离</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="205" />
      <source>Connectivity ({kind})</source>
      <translation>连接线（{kind}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="220" />
      <source>These weights are not binary, which GAL files cannot hold: they were saved as a GWT file, {path}.</source>
      <translation>这些权重不是二值的，GAL 文件无法保存：已另存为 GWT 文件 {path}。</translation>
    </message>
    <message>
      <source> (with lower orders)</source>
      <translation type="vanished">（含低阶）</translation>
    </message>
    <message>
      <source>Adaptive bandwidths (min / max)</source>
      <translation type="vanished">自适应带宽（最小 / 最大）</translation>
    </message>
    <message>
      <source>Blocks</source>
      <translation type="vanished">区块</translation>
    </message>
    <message>
      <source>Builds the neighbour structure (spatial weights) of a layer of cities, summarises it and saves it for GeoDa, libpysal and the toolkit's other algorithms.

Kinds
• Queen / rook contiguity: polygons that share at least one / two boundary vertices (as GeoDa and R spdep's poly2nb). Order p links units whose shortest chain of neighbours has p links; “include lower orders” keeps orders 1…p.
• K-nearest neighbours: the k closest units, optionally made symmetric.
• Distance band: every unit within the distance; by default the smallest distance that gives every unit a neighbour.
• Inverse distance: w = 1/d^α for every pair, or only within the cut-off distance.
• Kernel: w = K(z), z = d/h, for units within the bandwidth h. Fixed h: the distance, or by default the largest distance from a unit to its k-th nearest neighbour. Adaptive h: for each unit, the distance to its k-th nearest neighbour, and its k nearest units are its neighbours. K(z) is zero beyond z = 1 and otherwise: triangular 1 − z; uniform 1/2; Epanechnikov 3/4 (1 − z²); quartic 15/16 (1 − z²)²; Gaussian exp(−z²/2)/√(2π) (the definitions of GeoDa and libpysal's Kernel). The diagonal is zero: a unit is not its own neighbour, as Moran's I and spatial regressions expect (libpysal's Kernel keeps K(0) on the diagonal, for kernel smoothing).
• Economic distance: w_ij = 1/|x̄_i − x̄_j|, x̄ the economic field (e.g. GDP per capita) averaged over every year of its STEM_YYYY stem (or the field alone).
• Economic-geographic: nested W = φ·W_d + (1 − φ)·W_e, with W_d = 1/d^α (inverse distance) and W_e the economic distance weights, each row-standardised before they are mixed (Shao, Li, Cao and Yang 2016, Economic Research Journal 51(9): 73–88); or the product w_ij = (x̄_j / x̄)/d_ij^α, i.e. W_d·diag(x̄_j/x̄) (Lin, Long and Wu 2005, China Economic Quarterly).
• Block: units with the same value of the block field (e.g. province) are neighbours.

Transformations: row-standardised (each row sums to 1), binary, variance-stabilising (Tiefelsdorf et al. 1999).

Distances are between the units' points (the points themselves, or each polygon's centroid or a point on its surface): geodesic in km on the layer's ellipsoid when its CRS is geographic, planar otherwise (in km for metre-based CRSs). A distance you set that leaves units without neighbours is refused, naming them; “attach islands” instead links each unit without neighbours to its nearest unit (and back).

Outputs: a connectivity layer (a line from each unit to each neighbour, with the transformed weight and the distance); a weights file, GAL for binary kinds and GWT for weighted ones (a .gal name gets a .gwt file then), readable by GeoDa and libpysal and by the toolkit's other algorithms, which check its ids against their layer; a CSV edge list (original weights); an HTML summary (units, links, neighbour counts with a histogram, islands, symmetry).

The unit id field (e.g. adcode) identifies units in the files; without it the feature ids are used. Features without geometry are left out and named in the log. Invalid geometries follow Processing's “Invalid features filtering” setting: stop (the default; the error names every invalid feature), skip them (named in the log), or do not filter, which repairs them for the analysis (the layer is unchanged).</source>
      <translation type="vanished">构建城市图层的邻接结构（空间权重矩阵），给出摘要，并保存供 GeoDa、libpysal 和本工具箱其他算法使用。

类型
• Queen / Rook 邻接：至少共享一个 / 两个边界顶点的面互为邻居（与 GeoDa 和 R spdep 的 poly2nb 一致）。p 阶邻接连接最短邻居链长度为 p 的单元；“包含低阶邻接”保留 1…p 阶。
• K 近邻：距离最近的 k 个单元，可选对称化。
• 距离带：距离阈值内的所有单元；默认取使每个单元都有邻居的最小距离。
• 反距离：对每对单元取 w = 1/d^α，或仅在截断距离内取值。
• 核函数：带宽 h 内的单元取 w = K(z)，z = d/h。固定带宽 h：所设距离，默认取各单元到其第 k 近邻的最大距离。自适应带宽 h：每个单元取到其第 k 近邻的距离，其 k 个最近单元为其邻居。z &gt; 1 时 K(z) 为零，否则：三角核 1 − z；均匀核 1/2；Epanechnikov 核 3/4 (1 − z²)；四次核 15/16 (1 − z²)²；高斯核 exp(−z²/2)/√(2π)（与 GeoDa 和 libpysal 的 Kernel 定义一致）。对角线为零：单元不是自身的邻居，符合 Moran's I 和空间回归的要求（libpysal 的 Kernel 为核平滑在对角线上保留 K(0)）。
• 经济距离：w_ij = 1/|x̄_i − x̄_j|，x̄ 为经济字段（如人均 GDP）在其 STEM_YYYY 前缀所有年份上的均值（或仅该字段）。
• 经济地理嵌套：嵌套形式 W = φ·W_d + (1 − φ)·W_e，其中 W_d = 1/d^α（反距离），W_e 为经济距离权重，二者混合前分别行标准化（邵帅、李欣、曹建华、杨莉莉 2016，《经济研究》51(9): 73–88）；或乘积形式 w_ij = (x̄_j / x̄)/d_ij^α，即 W_d·diag(x̄_j/x̄)（林光平、龙志和、吴梅 2005，《经济学（季刊）》）。
• 区块：区块字段（如省份）取值相同的单元互为邻居。

标准化方式：行标准化（每行之和为 1）、二值、方差稳定化（Tiefelsdorf 等 1999）。

距离按单元的代表点计算（点本身，或每个面的质心或面上点）：CRS 为地理坐标系时为图层椭球面上的大地线距离（km），否则为平面距离（以米为单位的 CRS 换算为 km）。所设距离若使某些单元没有邻居将被拒绝，并列出这些单元；勾选“连接孤岛”则将每个没有邻居的单元与其最近的单元相连（双向）。

输出：连接图层（每个单元到其每个邻居的连线，带标准化后的权重和距离）；权重文件——二值类型为 GAL，加权类型为 GWT（此时 .gal 文件名会改存为 .gwt 文件），可被 GeoDa、libpysal 和本工具箱其他算法读取，后者会核对文件中的标识与其图层是否一致；CSV 边列表（原始权重）；HTML 摘要（单元数、连接数、邻居数分布及直方图、孤岛、对称性）。

单元标识字段（如 adcode）用于在文件中标识单元；不设置时使用要素 ID。没有几何的要素将被剔除并在日志中列出。无效几何按 Processing 的“无效要素过滤”设置处理：停止（默认；错误信息列出每个无效要素）、跳过（在日志中列出），或不过滤——此时为分析修复这些几何（图层本身不变）。</translation>
    </message>
    <message>
      <source>Contiguity order</source>
      <translation type="vanished">邻接阶数</translation>
    </message>
    <message>
      <source>Cut-off distance</source>
      <translation type="vanished">截断距离</translation>
    </message>
    <message>
      <source>Distance threshold</source>
      <translation type="vanished">距离阈值</translation>
    </message>
    <message>
      <source>Economic variable (mean of)</source>
      <translation type="vanished">经济变量（取均值）</translation>
    </message>
    <message>
      <source>Economic-geographic form</source>
      <translation type="vanished">经济地理权重形式</translation>
    </message>
    <message>
      <source>Histogram of neighbour counts</source>
      <translation type="vanished">邻居数直方图</translation>
    </message>
    <message>
      <source>Islands (no neighbours)</source>
      <translation type="vanished">孤岛（无邻居）</translation>
    </message>
    <message>
      <source>Islands attached to their nearest unit</source>
      <translation type="vanished">连接到最近单元的孤岛</translation>
    </message>
    <message>
      <source>Kernel bandwidth</source>
      <translation type="vanished">核函数带宽</translation>
    </message>
    <message>
      <source>Kernel function</source>
      <translation type="vanished">核函数</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation type="vanished">类型</translation>
    </message>
    <message>
      <source>Neighbour counts</source>
      <translation type="vanished">邻居数分布</translation>
    </message>
    <message>
      <source>Neighbours</source>
      <translation type="vanished">邻居数</translation>
    </message>
    <message>
      <source>Neighbours (min / mean / median / max)</source>
      <translation type="vanished">邻居数（最小 / 平均 / 中位数 / 最大）</translation>
    </message>
    <message>
      <source>Number of neighbours</source>
      <translation type="vanished">邻居数</translation>
    </message>
    <message>
      <source>Original weights (min / max)</source>
      <translation type="vanished">原始权重（最小 / 最大）</translation>
    </message>
    <message>
      <source>Percent non-zero</source>
      <translation type="vanished">非零元素比例</translation>
    </message>
    <message>
      <source>Power α of distance</source>
      <translation type="vanished">距离的幂次 α</translation>
    </message>
    <message>
      <source>Property</source>
      <translation type="vanished">属性</translation>
    </message>
    <message>
      <source>Spatial weights: {layer}</source>
      <translation type="vanished">空间权重：{layer}</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation type="vanished">摘要</translation>
    </message>
    <message>
      <source>Symmetric</source>
      <translation type="vanished">对称</translation>
    </message>
    <message>
      <source>Value</source>
      <translation type="vanished">值</translation>
    </message>
    <message>
      <source>automatic: the largest distance to a k-th nearest neighbour</source>
      <translation type="vanished">自动：到第 k 近邻的最大距离</translation>
    </message>
    <message>
      <source>automatic: the smallest that gives every unit a neighbour</source>
      <translation type="vanished">自动：使每个单元都有邻居的最小距离</translation>
    </message>
    <message>
      <source>chosen</source>
      <translation type="vanished">手动设定</translation>
    </message>
    <message>
      <source>nested φ·W_d + (1 − φ)·W_e, φ = {share}</source>
      <translation type="vanished">嵌套形式 φ·W_d + (1 − φ)·W_e，φ = {share}</translation>
    </message>
    <message>
      <source>product W_d · diag(x̄_j / x̄)</source>
      <translation type="vanished">乘积形式 W_d · diag(x̄_j / x̄)</translation>
    </message>
    <message>
      <source>{count} values of {field}</source>
      <translation type="vanished">{field} 的 {count} 个取值</translation>
    </message>
  </context>
  <context>
    <name>SpilloverInputs</name>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="61" />
      <source>Automatic (long with a year field; wide when the fields are STEM_YYYY; else cross-section)</source>
      <translation>自动（有年份字段为长格式；字段为 STEM_YYYY 时为宽格式；否则为截面）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="62" />
      <source>Cross-section (one feature per unit, the chosen fields)</source>
      <translation>截面（每个单元一个要素，使用所选字段）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="63" />
      <source>Wide panel (yearly fields STEM_YYYY: every year of the chosen fields' stems)</source>
      <translation>宽格式面板（逐年字段 STEM_YYYY：所选字段前缀的每一年）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="64" />
      <source>Long panel (one feature per unit and year, with a year field)</source>
      <translation>长格式面板（每个单元每年一个要素，带年份字段）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="68" />
      <source>OLS (no spatial terms)</source>
      <translation>OLS（无空间项）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="68" />
      <source>Spatial lag (SAR)</source>
      <translation>空间滞后模型（SAR）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="68" />
      <source>Spatial error (SEM)</source>
      <translation>空间误差模型（SEM）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="69" />
      <source>Spatial Durbin (SDM)</source>
      <translation>空间杜宾模型（SDM）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="69" />
      <source>Spatial Durbin error (SDEM)</source>
      <translation>空间杜宾误差模型（SDEM）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="70" />
      <source>Spatial lag of X (SLX)</source>
      <translation>解释变量空间滞后模型（SLX）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="74" />
      <source>None (pooled)</source>
      <translation>无（混合回归）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="74" />
      <source>Unit (city) fixed effects</source>
      <translation>个体（城市）固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="75" />
      <source>Time (year) fixed effects</source>
      <translation>时间（年份）固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="75" />
      <source>Two-way fixed effects (city and year)</source>
      <translation>双向固定效应（城市和年份）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="76" />
      <source>Random unit effects</source>
      <translation>个体随机效应</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="76" />
      <source>Random unit effects and year fixed effects</source>
      <translation>个体随机效应与年份固定效应</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="80" />
      <source>Information matrix (maximum likelihood); classical for OLS and SLX</source>
      <translation>信息矩阵（极大似然）；OLS 和 SLX 为经典标准误</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="81" />
      <source>Clustered by city (CR1) for OLS and SLX; information matrix for the spatial ML models</source>
      <translation>OLS 和 SLX 按城市聚类（CR1）；空间极大似然模型为信息矩阵</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="82" />
      <source>Wild cluster bootstrap by city for the chosen model (OLS and SLX clustered by city)</source>
      <translation>所选模型采用按城市的野聚类自助法（OLS 和 SLX 按城市聚类）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="88" />
      <source>Cities (units) with the model's fields</source>
      <translation>含模型字段的城市（单元）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="90" />
      <source>Data layout</source>
      <translation>数据格式</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="92" />
      <source>Dependent variable</source>
      <translation>被解释变量</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="94" />
      <source>Dependent variable (in a wide panel any year of the stem, e.g. RES_2019)</source>
      <translation>被解释变量（宽格式面板中任选该前缀的一年，如 RES_2019）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="96" />
      <source>Explanatory variables</source>
      <translation>解释变量</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="98" />
      <source>Explanatory variables (in a wide panel any year of each stem)</source>
      <translation>解释变量（宽格式面板中每个前缀任选一年）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="101" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="103" />
      <source>Panel effects</source>
      <translation>面板效应</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="104" />
      <source>Panel effects (ignored for a cross-section)</source>
      <translation>面板效应（截面数据忽略此项）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="106" />
      <source>Leave out units without neighbours</source>
      <translation>剔除没有邻居的单元</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="107" />
      <source>Leave out units without neighbours (islands)</source>
      <translation>剔除没有邻居的单元（孤岛）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="109" />
      <source>Balance the panel</source>
      <translation>平衡面板</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="110" />
      <source>Balance the panel: leave out units with missing values</source>
      <translation>平衡面板：剔除含缺失值的单元</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="112" />
      <source>Lee–Yu bias correction</source>
      <translation>Lee–Yu 偏误修正</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="113" />
      <source>Lee–Yu bias correction of fixed-effects estimates</source>
      <translation>对固定效应估计做 Lee–Yu 偏误修正</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="115" />
      <source>Variables with a W·X term</source>
      <translation>含 W·X 项的变量</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="117" />
      <source>Variables with a W·X term (Durbin models; empty: all explanatory variables)</source>
      <translation>含 W·X 项的变量（杜宾模型；留空：全部解释变量）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="119" />
      <source>Simulation draws</source>
      <translation>模拟抽样次数</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="122" />
      <source>Simulation draws for the effects' standard errors (0: effects without standard errors)</source>
      <translation>效应标准误的模拟抽样次数（0：效应不带标准误）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="124" />
      <source>Random seed (simulations)</source>
      <translation>随机种子（模拟）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="170" />
      <source>Standard errors</source>
      <translation>标准误</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="171" />
      <source>Standard errors: the information matrix of the maximum-likelihood models (classical for least squares), clustered by city for the least-squares models (OLS, SLX), or a wild cluster bootstrap by city of the chosen model (robust to errors correlated within a city over the years; pooled and fixed-effects models, at least 20 cities; one refit per draw)</source>
      <translation>标准误：极大似然模型采用信息矩阵（最小二乘为经典标准误），最小二乘模型（OLS、SLX）可按城市聚类，或对所选模型采用按城市的野聚类自助法（对城市内跨年份相关的误差稳健；适用于混合模型和固定效应模型，至少 20 个城市；每次抽样重新估计一次）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="176" />
      <source>Bootstrap draws</source>
      <translation>自助法抽样次数</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="178" />
      <source>Bootstrap draws (refits of the chosen model; with the wild cluster bootstrap only; seed: “Random seed”)</source>
      <translation>自助法抽样次数（所选模型的重新估计次数；仅用于野聚类自助法；种子见“随机种子”）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="194" />
      <source>Compare with the other models</source>
      <translation>与同族其他模型比较</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="195" />
      <source>Compare with the other models of the family (comparison table, LR/Wald, LM and Hausman tests)</source>
      <translation>与模型族中的其他模型比较（比较表、LR/Wald 检验、LM 检验和 Hausman 检验）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="224" />
      <source>Choose at least one explanatory variable.</source>
      <translation>请至少选择一个解释变量。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="232" />
      <source>The layer has no field {fields}; choose fields of the input layer.</source>
      <translation>图层中没有字段 {fields}；请选择输入图层中的字段。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="238" />
      <source>The dependent variable {name} is also an explanatory variable; remove it from the explanatory variables.</source>
      <translation>被解释变量 {name} 同时也是解释变量；请将其从解释变量中移除。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="242" />
      <source>A long panel needs the year field: choose it in “Year field”.</source>
      <translation>长格式面板需要年份字段：请在“年份字段”中选择。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="269" />
      <source>cross-section</source>
      <translation>截面</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="269" />
      <source>wide panel</source>
      <translation>宽格式面板</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="269" />
      <source>long panel</source>
      <translation>长格式面板</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="270" />
      <source>Layer: {layer} ({layout}); dependent {dependent}; explanatory {names}.</source>
      <translation>图层：{layer}（{layout}）；被解释变量 {dependent}；解释变量 {names}。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/spillover.py" line="272" />
      <source>Spatial weights: {weights}; {links} links among {units} units.</source>
      <translation>空间权重：{weights}；{units} 个单元之间共 {links} 条连接。</translation>
    </message>
    <message>
      <source>Simulation draws for the effects' standard errors</source>
      <translation type="vanished">效应标准误的模拟抽样次数</translation>
    </message>
    <message>
      <source>Spatial weights: {kind}, transformation {transform}; {links} links among {units} units.</source>
      <translation type="vanished">空间权重：{kind}，标准化方式 {transform}；{units} 个单元之间共 {links} 条连接。</translation>
    </message>
  </context>
  <context>
    <name>Styling</name>
    <message>
      <location filename="../../processing/styling.py" line="299" />
      <source>Style written by the Digital Resilience Toolkit</source>
      <translation>由数字韧性工具箱写入的样式</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="447" />
      <source>Natural breaks (Fisher–Jenks)</source>
      <translation>自然断点（Fisher–Jenks）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="448" />
      <source>Quantiles</source>
      <translation>分位数</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="449" />
      <source>Equal interval</source>
      <translation>等间距</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="450" />
      <source>Standard deviation</source>
      <translation>标准差</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="451" />
      <source>Box plot</source>
      <translation>箱线图</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="528" />
      <source>High-High</source>
      <translation>高-高</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="529" />
      <source>Low-Low</source>
      <translation>低-低</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="530" />
      <source>Low-High</source>
      <translation>低-高</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="531" />
      <source>High-Low</source>
      <translation>高-低</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="532" />
      <source>Other positive</source>
      <translation>其他正关联</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="533" />
      <source>Negative</source>
      <translation>负关联</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="534" />
      <source>Not significant</source>
      <translation>不显著</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="535" />
      <source>No neighbours</source>
      <translation>无邻居</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="536" />
      <source>No data</source>
      <translation>无数据</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="537" />
      <source>Hot spot (99% confidence)</source>
      <translation>热点（99% 置信度）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="538" />
      <source>Hot spot (95% confidence)</source>
      <translation>热点（95% 置信度）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="539" />
      <source>Hot spot (90% confidence)</source>
      <translation>热点（90% 置信度）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="540" />
      <source>Cold spot (90% confidence)</source>
      <translation>冷点（90% 置信度）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="541" />
      <source>Cold spot (95% confidence)</source>
      <translation>冷点（95% 置信度）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="542" />
      <source>Cold spot (99% confidence)</source>
      <translation>冷点（99% 置信度）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="642" />
      <source>beyond {radius} km (not covered)</source>
      <translation>{radius} km 以外（未覆盖）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="661" />
      <source>Existing core</source>
      <translation>现有核心</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="662" />
      <source>Additional core</source>
      <translation>新增核心</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="682" />
      <source>within {radius} km</source>
      <translation>{radius} km 以内</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="683" />
      <source>beyond {radius} km</source>
      <translation>{radius} km 以外</translation>
    </message>
    <message>
      <source>Core city</source>
      <translation type="vanished">核心城市</translation>
    </message>
    <message>
      <source>Node city (covered)</source>
      <translation type="vanished">节点城市（已覆盖）</translation>
    </message>
    <message>
      <source>Not covered</source>
      <translation type="vanished">未覆盖</translation>
    </message>
  </context>
  <context>
    <name>TargetingAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="39" />
      <source>Where to invest first (targeting)</source>
      <translation>优先投资选址（目标选择）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="41" />
      <source>Where to invest first: most total gain, the worst-off raised or a gap closed; k cities or a budget.</source>
      <translation>优先投资何处：总增益最大、提升最弱势城市或缩小差距；选 k 个城市或在预算内选择。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="46" />
      <source>Which cities should get the investment first? For each city, its network reach: the predicted gain of the dependent variable, summed over the target cities (every city, or those of an expression), when the policy variable rises there (the column of the model's spatial multiplier). The model is the one “Spatial spillover model” fits, with the same inputs; the change (absolute, percentage or to a target) as in “Spillover scenario”.

Objectives: (1) the total gain in the target cities — linear, so the best k cities are exactly the k largest gains; (2) raise the worst-off — the smallest gain among the least resilient cities (the given share of the target cities with the lowest current value of the dependent variable), an integer programme, and among its optimal choices the one with the most total gain; (3) close the gap — the most total gain such that the lagging group (e.g. the central and western cities) gains at least as much on average as the leading group (e.g. the east; empty: every other city), so that the gap between them does not widen. With a cost field and a budget the cities must fit the budget instead of being at most k. Integer programmes are solved by HiGHS: proven optimal or the gap stated. Candidates can be restricted by an expression.

Every choice is compared with the total-gain optimum (the price of fairness: the total gain given up) and with two naive choices: the cities with the highest current policy variable, and the least resilient cities first.

Outputs: a layer with each city's reach (TG_REACH), gain (TG_GAIN), rank (TG_RANK), group (TG_GROUP: 1 among the least resilient, 2 lagging, 3 leading, 0 other), whether it is chosen (TG_CHOSEN), in the total-gain optimum (TG_OPTIMUM), in the naive choices (TG_NAIVE: highest policy variable; TG_LOWEST: least resilient first), and the predicted change of the outcome when the chosen cities invest (TG_CHANGE), when those of the total-gain optimum do (TG_CHG_OPT) and those of the naive choice (TG_CHG_NAI), mapped by TG_CHANGE; the numbers of the comparison; an HTML report.</source>
      <translation>哪些城市应优先获得投资？对每个城市计算其网络辐射力：当该城市的政策变量提高时，被解释变量在目标城市（所有城市，或由表达式指定的城市）中的预测增益之和（即模型空间乘数矩阵的一列）。模型与“空间溢出模型”所估计的相同，输入也相同；变化方式（绝对值、百分比或提高到目标值）与“溢出情景模拟”相同。

目标：(1) 目标城市的总增益——线性目标，最优的 k 个城市恰为增益最大的 k 个城市；(2) 提升最弱势城市——韧性最低城市（被解释变量当前值最低的给定比例的目标城市）中的最小增益，由整数规划求解，并在其最优组合中取总增益最大者；(3) 缩小差距——在落后组（如中西部城市）的平均增益不低于领先组（如东部城市；留空：所有其他城市）的前提下，使总增益最大，从而两组差距不扩大。给定成本字段和预算时，所选城市须符合预算，而不是至多 k 个。整数规划由 HiGHS 求解：证明为最优，或给出最优性差距。候选城市可用表达式限定。

每个方案都与总增益最优解（公平的代价：放弃的总增益）以及两种朴素选择比较：政策变量当前值最高的城市，以及韧性最低的城市优先。

输出：一个图层，含每个城市的辐射力（TG_REACH）、增益（TG_GAIN）、排名（TG_RANK）、分组（TG_GROUP：1 韧性最低，2 落后组，3 领先组，0 其他）、是否入选（TG_CHOSEN）、是否属于总增益最优解（TG_OPTIMUM）、是否属于朴素选择（TG_NAIVE：政策变量最高；TG_LOWEST：韧性最低的城市优先），以及所选城市投资时（TG_CHANGE）、总增益最优解的城市投资时（TG_CHG_OPT）和朴素选择的城市投资时（TG_CHG_NAI）结果变量的预测变化，按 TG_CHANGE 分级设色；比较的各项数值；一份 HTML 报告。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="44" />
      <source>targeting,where to invest,priority,ranking,network reach,multiplier,budget,knapsack,spillover,policy,fairness,worst-off,max-min,regional gap,price of fairness</source>
      <translation>targeting,where to invest,priority,ranking,network reach,multiplier,budget,knapsack,spillover,policy,fairness,worst-off,max-min,regional gap,price of fairness,目标选择,优先投资,排序,网络辐射力,乘数,预算,背包问题,溢出效应,政策,公平,最弱势,最大最小,区域差距,公平的代价</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="88" />
      <source>Objective</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="89" />
      <source>Total gain in the target cities</source>
      <translation>目标城市的总增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="90" />
      <source>Raise the worst-off (the smallest gain among the least resilient cities)</source>
      <translation>提升最弱势城市（韧性最低城市中的最小增益）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="91" />
      <source>Close the gap (the most total gain without widening the lagging group's gap)</source>
      <translation>缩小差距（在不扩大落后组差距的前提下总增益最大）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="94" />
      <source>Number of cities to choose</source>
      <translation>要选择的城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="95" />
      <source>Number of cities to choose (without a budget)</source>
      <translation>要选择的城市数（无预算时）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="97" />
      <source>Cost per city</source>
      <translation>每个城市的成本</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="99" />
      <source>Cost of the investment per city (with a budget)</source>
      <translation>每个城市的投资成本（有预算时）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="101" />
      <source>Budget (units of the cost field)</source>
      <translation>预算（单位与成本字段相同）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="104" />
      <source>Candidate cities</source>
      <translation>候选城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="105" />
      <source>Candidate cities (expression; empty: every city)</source>
      <translation>候选城市（表达式；留空：所有城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="107" />
      <source>Cities whose gain counts</source>
      <translation>计入收益的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="108" />
      <source>Cities whose gain counts (expression; empty: every city)</source>
      <translation>计入增益的城市（表达式；留空：所有城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="110" />
      <source>Least resilient share (%)</source>
      <translation>韧性最低城市的比例（%）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="112" />
      <source>Least resilient share (%): the target cities with the lowest current value of the dependent variable, whose smallest gain “Raise the worst-off” maximises (100: every target city, e.g. the cities of an expression)</source>
      <translation>韧性最低城市的比例（%）：被解释变量当前值最低的目标城市，“提升最弱势城市”使其中的最小增益最大（100：所有目标城市，如表达式选中的城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="116" />
      <source>Lagging group (close the gap)</source>
      <translation>落后组（缩小差距）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="117" />
      <source>Lagging group (expression, e.g. the central and western cities; needed to close the gap)</source>
      <translation>落后组（表达式，如中西部城市；缩小差距时必填）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="119" />
      <source>Leading group (close the gap)</source>
      <translation>领先组（缩小差距）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="120" />
      <source>Leading group (expression, e.g. the eastern cities; empty: every city not lagging)</source>
      <translation>领先组（表达式，如东部城市；留空：所有不属于落后组的城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="122" />
      <source>Time limit of the integer programme (s)</source>
      <translation>整数规划的时间限制（秒）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="125" />
      <source>Ranking and choice</source>
      <translation>排序与选择</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="127" />
      <source>Report</source>
      <translation>报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="127" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="129" />
      <source>Total gain of the chosen cities</source>
      <translation>所选城市的总增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="130" />
      <source>Total gain of the naive choice</source>
      <translation>朴素选择的总增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="131" />
      <source>Number of chosen cities</source>
      <translation>所选城市数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="132" />
      <source>Optimality gap (0: proven optimal)</source>
      <translation>最优性差距（0：已证明最优）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="133" />
      <source>Value of the objective for the chosen cities</source>
      <translation>所选城市的目标值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="134" />
      <source>Value of the objective for the naive choice</source>
      <translation>朴素选择的目标值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="135" />
      <source>Total gain of the total-gain optimum</source>
      <translation>总增益最优解的总增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="136" />
      <source>Total gain given up against the total-gain optimum</source>
      <translation>相对总增益最优解放弃的总增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="138" />
      <source>Change of the gap between the leading and the lagging group (below 0: narrower)</source>
      <translation>领先组与落后组差距的变化（小于 0：缩小）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="167" />
      <source>The candidate expression chooses no city; correct it or leave it empty.</source>
      <translation>候选城市表达式未选中任何城市；请修改或留空。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="169" />
      <source>The expression of the cities whose gain counts chooses no city; correct it or leave it empty.</source>
      <translation>计入增益的城市的表达式未选中任何城市；请更正或留空。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="171" />
      <source>The expression of the lagging group chooses no city; correct it.</source>
      <translation>落后组的表达式未选中任何城市；请更正。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="173" />
      <source>The expression of the leading group chooses no city; correct it or leave it empty (every city not lagging).</source>
      <translation>领先组的表达式未选中任何城市；请更正或留空（所有不属于落后组的城市）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="186" />
      <source>A cost field needs a budget: set the budget.</source>
      <translation>使用成本字段需要设置预算：请设置预算。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="205" />
      <source>Not proven optimal within the time limit: gap {gap:.2%}.</source>
      <translation>在时间限制内未能证明最优：差距为 {gap:.2%}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="208" />
      <source>{count} cities chosen: total gain {gain:.6g}; the naive choice gains {naive:.6g}.</source>
      <translation>已选择 {count} 个城市：总增益 {gain:.6g}；朴素选择的增益为 {naive:.6g}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="211" />
      <source>Objective {value:.6g} (the naive choice: {naive:.6g}); the total-gain optimum gains {optimum:.6g}: the price of fairness is {price:.6g}.</source>
      <translation>目标值 {value:.6g}（朴素选择：{naive:.6g}）；总增益最优解的增益为 {optimum:.6g}：公平的代价为 {price:.6g}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="230" />
      <source>Predicted change of {y}</source>
      <translation>{y} 的预测变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="232" />
      <source>Predicted change</source>
      <translation>预测变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="235" />
      <source>Where to invest first: {name}, {model} of {dependent}</source>
      <translation>优先投资何处：{name}，{dependent} 的 {model}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="274" />
      <source>Chosen</source>
      <translation>入选</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="274" />
      <source>Not chosen</source>
      <translation>未入选</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="275" />
      <source>Least resilient</source>
      <translation>韧性最低</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="276" />
      <source>Lagging group</source>
      <translation>落后组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="277" />
      <source>Leading group</source>
      <translation>领先组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="277" />
      <source>Other</source>
      <translation>其他</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="278" />
      <source>Chosen cities</source>
      <translation>所选城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="279" />
      <source>Groups</source>
      <translation>分组</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="283" />
      <source>Gain in the target cities per unit of {name} here</source>
      <translation>此处 {name} 每提高一个单位在目标城市中的增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="284" />
      <source>Gain in the target cities from the policy here</source>
      <translation>此处实施政策在目标城市中的增益</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="285" />
      <source>Rank by gain (1: first; 0: not a candidate)</source>
      <translation>按增益排名（1：第一；0：非候选城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="286" />
      <source>Group (1 least resilient, 2 lagging, 3 leading, 0 other)</source>
      <translation>分组（1 韧性最低，2 落后组，3 领先组，0 其他）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="287" />
      <source>Chosen (1 yes, 0 no)</source>
      <translation>是否入选（1 是，0 否）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="288" />
      <source>In the total-gain optimum (1 yes, 0 no)</source>
      <translation>属于总增益最优解（1 是，0 否）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="289" />
      <source>In the naive choice (highest current {name})</source>
      <translation>是否属于朴素选择（当前 {name} 最高）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="290" />
      <source>In the naive choice of the least resilient cities (lowest current {y})</source>
      <translation>属于韧性最低城市的朴素选择（当前 {y} 最低）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="292" />
      <source>Predicted change of {y} when the chosen cities invest</source>
      <translation>所选城市投资时 {y} 的预测变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="293" />
      <source>Predicted change of {y} with the total-gain optimum</source>
      <translation>总增益最优解下 {y} 的预测变化</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/targeting.py" line="294" />
      <source>Predicted change of {y} with the naive choice</source>
      <translation>朴素选择下 {y} 的预测变化</translation>
    </message>
    <message>
      <source>Change</source>
      <translation type="vanished">变化方式</translation>
    </message>
    <message>
      <source>Choose the policy variable (one of the explanatory variables).</source>
      <translation type="vanished">请选择政策变量（解释变量之一）。</translation>
    </message>
    <message>
      <source>No city is worth choosing: the policy gains nothing in the target cities (or nothing fits the budget).</source>
      <translation type="vanished">没有值得选择的城市：该政策在目标城市中没有增益（或没有城市符合预算）。</translation>
    </message>
    <message>
      <source>Only {count} candidate cities for {k} to choose: choose fewer cities or more candidates.</source>
      <translation type="vanished">要选择 {k} 个城市，但只有 {count} 个候选城市：请减少要选择的城市数，或增加候选城市。</translation>
    </message>
    <message>
      <source>Policy variable</source>
      <translation type="vanished">政策变量</translation>
    </message>
    <message>
      <source>Policy variable (an explanatory variable)</source>
      <translation type="vanished">政策变量（一个解释变量）</translation>
    </message>
    <message>
      <source>Policy variable (an explanatory variable; in a wide panel any year of its stem)</source>
      <translation type="vanished">政策变量（一个解释变量；宽格式面板中可选其词干的任一年份）</translation>
    </message>
    <message>
      <source>Raise by a percentage of each city's value</source>
      <translation type="vanished">按各城市取值的百分比提高</translation>
    </message>
    <message>
      <source>Raise by a value (absolute)</source>
      <translation type="vanished">提高一个数值（绝对值）</translation>
    </message>
    <message>
      <source>Raise to a target value</source>
      <translation type="vanished">提高到目标值</translation>
    </message>
    <message>
      <source>Value</source>
      <translation type="vanished">数值</translation>
    </message>
    <message>
      <source>Value (the change, the percentage or the target)</source>
      <translation type="vanished">数值（变化量、百分比或目标值）</translation>
    </message>
    <message>
      <source>Where to invest first: the cities whose uplift gains most, within a budget.</source>
      <translation type="vanished">优先投资何处：在预算内提升后收益最大的城市。</translation>
    </message>
    <message>
      <source>Which cities should get the investment first? For each city, its network reach: the predicted gain of the dependent variable, summed over the target cities (every city, or those of an expression such as the least resilient or the central and western cities), when the policy variable rises there (the column of the model's spatial multiplier). The model is the one “Spatial spillover model” fits, with the same inputs; the change (absolute, percentage or to a target) as in “Spillover scenario”.

The total gain is the sum of the chosen cities' gains, so the best k cities are exactly the k largest gains. With a cost field and a budget, the best cities within the budget come from an integer programme (HiGHS): proven optimal or the gap stated. Candidates can be restricted by an expression.

Outputs: a layer with each city's reach (TG_REACH), gain (TG_GAIN), rank (TG_RANK), whether it is chosen (TG_CHOSEN) or in the naive choice (TG_NAIVE: the cities with the highest current value of the policy variable), and the predicted change of the outcome when the chosen cities invest (TG_CHANGE), mapped by the change; the total gain against the naive choice.</source>
      <translation type="vanished">哪些城市应优先获得投资？对每个城市计算其网络辐射力：当该城市的政策变量提高时，被解释变量在目标城市（所有城市，或由表达式指定的城市，如韧性最低的城市或中西部城市）中的预测增益之和（即模型空间乘数矩阵的一列）。模型与“空间溢出模型”所估计的相同，输入也相同；变化方式（绝对值、百分比或提高到目标值）与“溢出情景模拟”相同。

总增益是所选城市增益之和，因此最优的 k 个城市恰为增益最大的 k 个城市。给定成本字段和预算时，预算内的最优城市组合由整数规划（HiGHS）求得：证明为最优，或给出最优性差距。候选城市可用表达式限定。

输出：一个图层，含每个城市的辐射力（TG_REACH）、增益（TG_GAIN）、排名（TG_RANK）、是否入选（TG_CHOSEN）、是否属于朴素选择（TG_NAIVE：政策变量当前值最高的城市），以及所选城市投资时结果变量的预测变化（TG_CHANGE），按该变化分级设色；并给出与朴素选择相比的总增益。</translation>
    </message>
    <message>
      <source>targeting,where to invest,priority,ranking,network reach,multiplier,budget,knapsack,spillover,policy</source>
      <translation type="vanished">targeting,where to invest,priority,ranking,network reach,multiplier,budget,knapsack,spillover,policy,目标选择,优先投资,排序,网络辐射力,乘数,预算,背包问题,溢出效应,政策</translation>
    </message>
  </context>
  <context>
    <name>WeightsParameters</name>
    <message>
      <location filename="../../processing/parameters/weights.py" line="54" />
      <source>Queen contiguity</source>
      <translation>Queen 邻接</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="55" />
      <source>Rook contiguity</source>
      <translation>Rook 邻接</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="56" />
      <source>K-nearest neighbours</source>
      <translation>K 近邻</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="57" />
      <source>Distance band</source>
      <translation>距离带</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="58" />
      <source>Inverse distance</source>
      <translation>反距离</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="59" />
      <source>Kernel</source>
      <translation>核函数</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="60" />
      <source>Economic distance</source>
      <translation>经济距离</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="61" />
      <source>Economic-geographic (nested)</source>
      <translation>经济地理嵌套</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="62" />
      <source>Block (same category)</source>
      <translation>区块（同类别）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="67" />
      <source>Row-standardised</source>
      <translation>行标准化</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="67" />
      <source>Binary</source>
      <translation>二值</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="67" />
      <source>Variance-stabilising</source>
      <translation>方差稳定化</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="71" />
      <source>Centroid</source>
      <translation>质心</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="71" />
      <source>Point on surface</source>
      <translation>面上点</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="76" />
      <source>Triangular: K(z) = 1 − z</source>
      <translation>三角核：K(z) = 1 − z</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="77" />
      <source>Uniform: K(z) = 1/2</source>
      <translation>均匀核：K(z) = 1/2</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="78" />
      <source>Epanechnikov: K(z) = 3/4 (1 − z²)</source>
      <translation>Epanechnikov 核：K(z) = 3/4 (1 − z²)</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="79" />
      <source>Quartic (bisquare): K(z) = 15/16 (1 − z²)²</source>
      <translation>四次核（双平方核）：K(z) = 15/16 (1 − z²)²</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="80" />
      <source>Gaussian: K(z) = exp(−z²/2) / √(2π)</source>
      <translation>高斯核：K(z) = exp(−z²/2) / √(2π)</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="86" />
      <source>Nested: φ·W_d + (1 − φ)·W_e (Shao et al. 2016)</source>
      <translation>嵌套形式：φ·W_d + (1 − φ)·W_e（邵帅等 2016）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="87" />
      <source>Product: W_d · diag(x̄_j / x̄) (Lin et al. 2005)</source>
      <translation>乘积形式：W_d · diag(x̄_j / x̄)（林光平等 2005）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="100" />
      <source>Unit id field</source>
      <translation>单元标识字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="103" />
      <source>Unit id field (unique; used in weights files)</source>
      <translation>单元标识字段（唯一；用于权重文件）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="109" />
      <source>Spatial weights file</source>
      <translation>空间权重文件</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="111" />
      <source>Weights files (*.gal *.gwt *.GAL *.GWT)</source>
      <translation>权重文件 (*.gal *.gwt *.GAL *.GWT)</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="113" />
      <source>Spatial weights file (GAL/GWT; leave empty to build weights from the options below)</source>
      <translation>空间权重文件（GAL/GWT；留空则按下列选项构建权重）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="116" />
      <source>Kind of spatial weights</source>
      <translation>空间权重类型</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="120" />
      <source>Neighbours k</source>
      <translation>近邻数 k</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="122" />
      <source>Number of neighbours k (k-nearest neighbours)</source>
      <translation>邻居数 k（k 近邻）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="127" />
      <source>Distance (0 = automatic)</source>
      <translation>距离（0 = 自动）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="129" />
      <source>Distance: band threshold, inverse-distance cut-off or kernel bandwidth (km for geographic and metre CRSs; 0 = automatic)</source>
      <translation>距离：距离带阈值、反距离截断距离或核函数带宽（地理坐标系和以米为单位的 CRS 为 km；0 = 自动）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="133" />
      <source>Transformation</source>
      <translation>标准化方式</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="137" />
      <source>Make k-nearest neighbours symmetric</source>
      <translation>使 k 近邻对称</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="139" />
      <source>Point of each polygon (for distances)</source>
      <translation>面的代表点（用于距离）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="142" />
      <source>Snap distance</source>
      <translation>捕捉距离</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="144" />
      <source>Snap distance for contiguity (layer units; 0 = shared vertices only)</source>
      <translation>邻接捕捉距离（图层单位；0 = 仅共享顶点）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="146" />
      <source>Contiguity order</source>
      <translation>邻接阶数</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="148" />
      <source>Contiguity order (1 = direct neighbours, 2 = neighbours of neighbours, …)</source>
      <translation>邻接阶数（1 = 直接邻居，2 = 邻居的邻居，…）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="150" />
      <source>Include lower orders</source>
      <translation>包含低阶邻接</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="151" />
      <source>Include lower orders of contiguity (cumulative)</source>
      <translation>包含低阶邻接（累积）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="154" />
      <source>Attach islands to their nearest unit</source>
      <translation>将孤岛连接到最近单元</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="156" />
      <source>Attach islands (units without neighbours) to their nearest unit (contiguity, distance band, inverse distance, block)</source>
      <translation>将孤岛（没有邻居的单元）连接到最近的单元（邻接、距离带、反距离、区块）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="159" />
      <source>Inverse-distance power α</source>
      <translation>反距离幂 α</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="161" />
      <source>Power α of inverse distance (w = 1 / d^α)</source>
      <translation>反距离的幂次 α（w = 1 / d^α）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="162" />
      <source>Kernel function</source>
      <translation>核函数</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="163" />
      <source>Kernel function (z = distance / bandwidth)</source>
      <translation>核函数（z = 距离 / 带宽）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="165" />
      <source>Adaptive bandwidth</source>
      <translation>自适应带宽</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="167" />
      <source>Adaptive kernel bandwidth (distance to each unit's k-th nearest neighbour)</source>
      <translation>自适应核带宽（各单元到其第 k 近邻的距离）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="170" />
      <source>Economic field</source>
      <translation>经济字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="173" />
      <source>Economic field for economic weights (e.g. GDP per capita; a STEM_YYYY field)</source>
      <translation>经济权重所用的经济字段（如人均 GDP；STEM_YYYY 字段）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="176" />
      <source>Average the economic field over years</source>
      <translation>经济字段按年份平均</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="178" />
      <source>Average the economic field over every year of its stem (GDPPC_2011 … GDPPC_2019)</source>
      <translation>经济字段取其前缀所有年份的均值（GDPPC_2011 … GDPPC_2019）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="179" />
      <source>Form of economic-geographic weights</source>
      <translation>经济地理权重形式</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="181" />
      <source>Geography share φ</source>
      <translation>地理权重占比 φ</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="183" />
      <source>Share φ of geography in nested economic-geographic weights</source>
      <translation>嵌套经济地理权重中地理距离的占比 φ</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="185" />
      <source>Block field</source>
      <translation>区块字段</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="187" />
      <source>Block field for block weights (same value = neighbours, e.g. province)</source>
      <translation>区块权重的区块字段（取值相同即为邻居，如省份）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="189" />
      <source>Planar distances</source>
      <translation>平面距离</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="190" />
      <source>Planar distances in the layer's projection (spdep longlat = FALSE; default: geodesic on the ellipsoid whenever the CRS has one)</source>
      <translation>按图层投影计算平面距离（spdep longlat = FALSE；默认：只要 CRS 有椭球体，就按椭球面大地线距离计算）</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/weights.py" line="296" />
      <source>Distances: {how}.</source>
      <translation>距离：{how}。</translation>
    </message>
  </context>
  <context>
    <name>ZonalStatisticsAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="29" />
      <source>Zonal statistics of yearly rasters</source>
      <translation>逐年栅格的分区统计</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="30" />
      <source>Yearly raster values (e.g. night lights) summarised per city.</source>
      <translation>按城市汇总逐年栅格值（如夜间灯光）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="34" />
      <source>Computes indicator values per city from rasters, one raster per year (e.g. night-time lights, NDVI, built-up area): mean, sum, count of valid pixels, minimum, maximum and the share of valid pixels above a threshold (e.g. lit or built-up pixels).

Years: from the file names (ntl_2019.tif; one four-digit year each) or listed in the order of the rasters (2011, 2012, … or 2011-2019). The cities are reprojected to each raster's CRS. Only the part of the raster under each city is read, in tiles, so rasters larger than memory work. A pixel belongs to a city when its centre is inside (or, with “all touched”, whenever the city touches it); no-data pixels are ignored. Cities smaller than a pixel may contain no pixel centre: they get count 0 and no other value (QGIS's own zonal statistics then weighs partial pixels instead); use “all touched” or a finer raster for them.

Output fields: STEM_YYYY per year (e.g. NTL_2019) for one statistic; with several, a two-letter code follows a stem of up to 3 characters: MN mean, SM sum, CT count, MI minimum, MX maximum, SH share above the threshold (e.g. NTLMN_2019, NTLSH_2019). The fields are ready for resilience:compositeindex. The map shows the first statistic in the latest year.</source>
      <translation>按城市从栅格计算指标值，每年一个栅格（如夜间灯光、NDVI、建成区）：均值、总和、有效像元数、最小值、最大值，以及有效像元中超过阈值的比例（如亮灯或建成像元）。

年份：从文件名读取（ntl_2019.tif；每个文件名含一个四位年份），或按栅格顺序列出（2011, 2012, … 或 2011-2019）。城市会被重投影到各栅格的 CRS。只分块读取每个城市下方的栅格部分，因此可处理超过内存的栅格。像元中心位于城市内（或勾选“所有接触的像元”时，只要与城市接触）即属于该城市；无数据像元被忽略。小于一个像元的城市可能不包含任何像元中心：其像元数为 0 且没有其他值（QGIS 自带的分区统计此时按部分像元加权）；对这些城市请使用“所有接触的像元”或更精细的栅格。

输出字段：只有一个统计量时为逐年 STEM_YYYY（如 NTL_2019）；有多个统计量时，在最多 3 个字符的前缀后接两字母代码：MN 均值、SM 总和、CT 像元数、MI 最小值、MX 最大值、SH 超过阈值的比例（如 NTLMN_2019、NTLSH_2019）。这些字段可直接用于 resilience:compositeindex。地图显示第一个统计量最新年份的分布。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="33" />
      <source>zonal,statistics,raster,night lights,ntl,viirs,ndvi,built-up,mean,sum,share,夜间灯光</source>
      <translation>zonal,statistics,raster,night lights,ntl,viirs,ndvi,built-up,mean,sum,share,夜间灯光,分区统计,栅格,植被指数,建成区</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="63" />
      <source>Cities (polygons)</source>
      <translation>城市（面）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="65" />
      <source>Rasters, one per year</source>
      <translation>栅格，每年一个</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="67" />
      <source>Raster years</source>
      <translation>栅格年份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="68" />
      <source>Years of the rasters, in order (empty: read from the file names)</source>
      <translation>栅格对应的年份，按顺序（留空：从文件名读取）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="69" />
      <source>Statistics</source>
      <translation>统计量</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="70" />
      <source>Mean</source>
      <translation>均值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="70" />
      <source>Sum</source>
      <translation>总和</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="70" />
      <source>Count of valid pixels</source>
      <translation>有效像元数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="71" />
      <source>Minimum</source>
      <translation>最小值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="71" />
      <source>Maximum</source>
      <translation>最大值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="72" />
      <source>Share of pixels above the threshold</source>
      <translation>超过阈值的像元比例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="74" />
      <source>Threshold (for the share above it)</source>
      <translation>阈值（用于计算超过阈值的比例）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="77" />
      <source>Field stem (1–5 characters, e.g. NTL)</source>
      <translation>字段前缀（1–5 个字符，如 NTL）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="79" />
      <source>Band</source>
      <translation>波段</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="81" />
      <source>Count every pixel a city touches</source>
      <translation>统计城市接触的所有像元</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="87" />
      <source>Cities with raster statistics</source>
      <translation>含栅格统计值的城市</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="93" />
      <source>Choose at least one raster.</source>
      <translation>请至少选择一个栅格。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="98" />
      <source>Raster {name} is not a file that GDAL reads ({source}); save it as a GeoTIFF first.</source>
      <translation>栅格 {name} 不是 GDAL 可读取的文件（{source}）；请先另存为 GeoTIFF。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="114" />
      <source>{year}: {path}</source>
      <translation>{year}：{path}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="134" />
      <source>Fields already in the layer were replaced: {fields}.</source>
      <translation>已替换图层中已有的字段：{fields}。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="142" />
      <source>{count} cities have no valid pixel in the latest raster (smaller than a pixel, outside the raster or all no-data).</source>
      <translation>{count} 个城市在最新栅格中没有有效像元（小于一个像元、位于栅格范围外或全部为无数据）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/zonal_statistics.py" line="150" />
      <source>Zonal statistics ({stem})</source>
      <translation>分区统计（{stem}）</translation>
    </message>
  </context>
  <context>
    <name>convergence</name>
    <message>
      <location filename="../../core/convergence/report.py" line="47" />
      <source>conditional</source>
      <translation>条件收敛</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="47" />
      <source>absolute</source>
      <translation>绝对收敛</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="93" />
      <source>Group</source>
      <translation>分组</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="339" />
      <source>Total</source>
      <translation>总体</translation>
    </message>
  </context>
  <context>
    <name>core</name>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="50" />
      <source>normality</source>
      <translation>正态性假设</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="50" />
      <source>randomisation</source>
      <translation>随机化假设</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="50" />
      <source>permutation</source>
      <translation>置换检验</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="56" />
      <source>{run}: {count} unit(s) with NULL values left out: {ids}.</source>
      <translation>{run}：已剔除 {count} 个含 NULL 值的单元：{ids}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="60" />
      <source>{run}: {count} unit(s) without neighbours, not tested (“No neighbours”): {ids}.</source>
      <translation>{run}：{count} 个单元没有邻居，未参与检验（“无邻居”）：{ids}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="81" />
      <source>Choose at least one statistic among {choices}.</source>
      <translation>请从 {choices} 中至少选择一个统计量。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="83" />
      <source>Choose at least one numeric field.</source>
      <translation>请至少选择一个数值字段。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="101" />
      <source>{run}: General G skipped, it needs values of zero or more ({count} negative).</source>
      <translation>{run}：已跳过 General G，它要求数值非负（有 {count} 个负值）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="128" />
      <source>Nothing could be computed: General G needs values of zero or more; choose Moran's I or Geary's C as well, or variables without negative values.</source>
      <translation>无法计算任何结果：General G 要求数值非负；请同时选择 Moran's I 或 Geary's C，或使用不含负值的变量。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="185" />
      <source>p-value adjusted ({correction})</source>
      <translation>校正后的 p 值（{correction}）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="191" />
      <source>pseudo p-value (conditional permutation, directed)</source>
      <translation>伪 p 值（条件置换，有方向）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="192" />
      <source>p-value (normal approximation, two-sided)</source>
      <translation>p 值（正态近似，双侧）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="194" />
      <source>Local Moran's I</source>
      <translation>局部莫兰指数 I</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="195" />
      <source>z-score of I (analytical moments)</source>
      <translation>I 的 z 得分（解析矩）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="197" />
      <source>Quadrant (GeoDa codes: 1 HH, 2 LL, 3 LH, 4 HL)</source>
      <translation>象限（GeoDa 编码：1 高-高，2 低-低，3 低-高，4 高-低）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="199" />
      <source>Cluster (GeoDa codes: 0 not significant, 1 HH, 2 LL, 3 LH, 4 HL, 5 no data, 6 no neighbours)</source>
      <translation>集聚类型（GeoDa 编码：0 不显著，1 高-高，2 低-低，3 低-高，4 高-低，5 无数据，6 无邻居）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="201" />
      <source>LISA cluster</source>
      <translation>LISA 集聚类型</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="202" />
      <source>Spatial lag of the standardised variable</source>
      <translation>标准化变量的空间滞后</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="209" />
      <source>Local Geary's c</source>
      <translation>局部 Geary's c</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="210" />
      <source>z-score of c (permutation moments)</source>
      <translation>c 的 z 得分（置换矩）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="212" />
      <source>Cluster (GeoDa codes: 0 not significant, 1 HH, 2 LL, 3 other positive, 4 negative, 5 no data, 6 no neighbours)</source>
      <translation>集聚类型（GeoDa 编码：0 不显著，1 高-高，2 低-低，3 其他正关联，4 负关联，5 无数据，6 无邻居）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="215" />
      <source>Local Geary cluster</source>
      <translation>局部 Geary 集聚类型</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="221" />
      <source>p-value (conditional permutation, two-sided)</source>
      <translation>p 值（条件置换，双侧）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="224" />
      <source>Getis-Ord {name}</source>
      <translation>Getis-Ord {name}</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="225" />
      <source>z-score of {name}</source>
      <translation>{name} 的 z 得分</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="227" />
      <source>Gi_Bin: confidence (±3 99 %, ±2 95 %, ±1 90 %; + hot, − cold)</source>
      <translation>Gi_Bin：置信等级（±3 99%，±2 95%，±1 90%；+ 热点，− 冷点）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="229" />
      <source>Hot spot class</source>
      <translation>冷热点类型</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="259" />
      <source>Unknown kind of LISA “{kind}”; use one of {choices}.</source>
      <translation>未知的 LISA 类型“{kind}”；请使用以下之一：{choices}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="262" />
      <source>A {kind} LISA needs a second field: the lagged variable (bivariate) or the earlier year (differential).</source>
      <translation>{kind} LISA 需要第二个字段：滞后变量（双变量）或较早年份（差分）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/analyses.py" line="307" />
      <source>the change {later} − {earlier}</source>
      <translation>变化量 {later} − {earlier}</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/base.py" line="52" />
      <source>the variable</source>
      <translation>该变量</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/base.py" line="59" />
      <source>{name} has {count} values but the weights have {n} units; use weights built for this layer.</source>
      <translation>{name} 有 {count} 个值，但空间权重有 {n} 个单元；请使用为此图层构建的权重。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/base.py" line="65" />
      <source>{name} is NULL (or not a number) for {count} unit(s): {ids}. Fill the values, or choose to drop units with NULL values.</source>
      <translation>{name} 在 {count} 个单元中为 NULL（或不是数字）：{ids}。请补全数值，或选择剔除含 NULL 值的单元。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/base.py" line="71" />
      <source>{name} has values for only {count} unit(s); spatial autocorrelation needs at least {minimum}.</source>
      <translation>{name} 只在 {count} 个单元中有值；空间自相关至少需要 {minimum} 个。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/base.py" line="77" />
      <source>No unit has a neighbour under these weights, so there is nothing to correlate; choose other weights (e.g. k-nearest neighbours).</source>
      <translation>在这些空间权重下没有任何单元有邻居，无法计算相关；请选择其他权重（如 k 近邻）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/base.py" line="89" />
      <source>{name} has the same value ({value}) at every unit, so its spatial autocorrelation is undefined (zero variance); choose a variable that varies.</source>
      <translation>{name} 在所有单元中取值相同（{value}），其空间自相关无定义（方差为零）；请选择有变化的变量。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/geary.py" line="25" />
      <source>Geary's C</source>
      <translation>吉尔里指数（Geary's C）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/getis_ord.py" line="24" />
      <source>Getis-Ord General G</source>
      <translation>Getis-Ord General G</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/getis_ord.py" line="30" />
      <source>General G needs values of zero or more, but {name} has {count} negative value(s); use Moran's I, or a variable without negative values.</source>
      <translation>General G 要求数值非负，但 {name} 有 {count} 个负值；请使用 Moran's I，或不含负值的变量。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/getis_ord.py" line="41" />
      <source>General G is undefined for {name}: fewer than two units with neighbours have a value above zero; use Moran's I.</source>
      <translation>{name} 的 General G 无定义：有邻居且取值大于零的单元少于两个；请使用 Moran's I。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/inference.py" line="51" />
      <source>Unknown alternative “{alternative}”; use one of {choices}.</source>
      <translation>未知的备择假设“{alternative}”；请使用以下之一：{choices}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/local_geary.py" line="44" />
      <source>Local Geary's p-values come from permutations; set the number of permutations (e.g. 999).</source>
      <translation>局部 Geary 的 p 值来自置换检验；请设置置换次数（如 999）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/moran.py" line="97" />
      <source>Moran's I</source>
      <translation>莫兰指数（Moran's I）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/moran.py" line="131" />
      <source>Bivariate Moran's I</source>
      <translation>双变量莫兰指数（Bivariate Moran's I）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/options.py" line="38" />
      <source>Unknown multiple-testing correction “{correction}”; use one of {choices}.</source>
      <translation>未知的多重检验校正方法“{correction}”；请使用以下之一：{choices}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/options.py" line="59" />
      <source>The significance level must be between 0 and 1 (e.g. 0.05); got {alpha}.</source>
      <translation>显著性水平必须介于 0 和 1 之间（如 0.05）；得到的是 {alpha}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/permutation.py" line="64" />
      <source>The number of permutations must be 0 (none) or positive; got {count}.</source>
      <translation>置换次数必须为 0（不置换）或正数；得到的是 {count}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/permutation.py" line="81" />
      <source>Cannot draw {size} distinct units out of {n}.</source>
      <translation>无法从 {n} 个单元中抽取 {size} 个互不相同的单元。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="22" />
      <source>matplotlib is not installed in QGIS's Python: the report has no chart.</source>
      <translation>QGIS 的 Python 中未安装 matplotlib：报告中没有图表。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="44" />
      <source>Global spatial autocorrelation: {layer}</source>
      <translation>全局空间自相关：{layer}</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="46" />
      <source>two-sided</source>
      <translation>双侧</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="46" />
      <source>greater than expected (one-sided)</source>
      <translation>大于期望（单侧）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="47" />
      <source>less than expected (one-sided)</source>
      <translation>小于期望（单侧）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="48" />
      <source>{count} field(s): {fields}. Alternative hypothesis: {alternative}.</source>
      <translation>{count} 个字段：{fields}。备择假设：{alternative}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="52" />
      <source>Moran's I of {field}{year}: {value} (p = {p}, {inference}).</source>
      <translation>{field}{year} 的 Moran's I：{value}（p = {p}，{inference}）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="56" />
      <source>Over the years</source>
      <translation>逐年变化</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="57" />
      <source>Chart of the global statistic over the years</source>
      <translation>全局统计量逐年变化图</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="58" />
      <source>Results</source>
      <translation>结果</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="59" />
      <source>Field</source>
      <translation>字段</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="59" />
      <source>Year</source>
      <translation>年份</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="59" />
      <source>Statistic</source>
      <translation>统计量</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="59" />
      <source>Inference</source>
      <translation>推断方式</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="59" />
      <source>Value</source>
      <translation>统计量值</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="59" />
      <source>Expected value</source>
      <translation>期望值</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="60" />
      <source>z</source>
      <translation>z</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="60" />
      <source>p-value</source>
      <translation>p 值</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="60" />
      <source>Units</source>
      <translation>单元数</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="60" />
      <source>Permutations</source>
      <translation>置换次数</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="65" />
      <source>z = (value − expected) / standard deviation. Geary's C below 1 (negative z) means positive autocorrelation. Permutation p-values are (M + 1) / (P + 1).</source>
      <translation>z =（值 − 期望值）/ 标准差。Geary's C 小于 1（z 为负）表示正空间自相关。置换检验的 p 值为 (M + 1) / (P + 1)。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="76" />
      <source>High-High</source>
      <translation>高-高</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="76" />
      <source>Low-Low</source>
      <translation>低-低</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="76" />
      <source>Low-High</source>
      <translation>低-高</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="77" />
      <source>High-Low</source>
      <translation>高-低</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="77" />
      <source>Not significant</source>
      <translation>不显著</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="78" />
      <source>No neighbours</source>
      <translation>无邻居</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="78" />
      <source>No data</source>
      <translation>无数据</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="94" />
      <source>Local Moran's I (LISA): {layer}</source>
      <translation>局部莫兰指数（LISA）：{layer}</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="97" />
      <source>{run}: Moran's I = {value}; High-High {hh}, Low-Low {ll}, Low-High {lh}, High-Low {hl} cities.</source>
      <translation>{run}：Moran's I = {value}；高-高城市 {hh} 个，低-低 {ll} 个，低-高 {lh} 个，高-低 {hl} 个。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="101" />
      <source>conditional permutation ({count} permutations)</source>
      <translation>条件置换（{count} 次置换）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="102" />
      <source>normal approximation</source>
      <translation>正态近似</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="103" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="103" />
      <source>false discovery rate (Benjamini–Hochberg)</source>
      <translation>错误发现率（Benjamini–Hochberg）</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="104" />
      <source>Bonferroni</source>
      <translation>Bonferroni</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="105" />
      <source>A city is in a cluster when its p-value is at most {alpha}; inference: {inference}; multiple-testing control: {control}.</source>
      <translation>城市的 p 值不大于 {alpha} 时归入集聚类型；推断方式：{inference}；多重检验校正：{control}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="109" />
      <source>Moran scatter plot</source>
      <translation>Moran 散点图</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="111" />
      <source>Clusters</source>
      <translation>集聚类型</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/report.py" line="113" />
      <source>Variable</source>
      <translation>变量</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="94" />
      <source>The layer has no field {fields}; choose one of: {available}.</source>
      <translation>图层中没有字段 {fields}；请从以下字段中选择：{available}。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="120" />
      <source>{x} has no partner {y} for {year}: the second field needs the same years as the first. Untick “all years” or add the missing year.</source>
      <translation>{x} 在 {year} 年没有对应的 {y}：第二个字段须与第一个字段年份相同。请取消勾选“每一年”，或补上缺失的年份。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="133" />
      <source>A differential LISA compares two fields of the same unit, e.g. DEI_2019 and DEI_2011; a long layer (one row per year) has them on different rows. Use the wide layer (fields STEM_YYYY) instead.</source>
      <translation>差分 LISA 比较同一单元的两个字段，如 DEI_2019 和 DEI_2011；长格式图层（每年一行）中二者位于不同行。请改用宽格式图层（字段为 STEM_YYYY）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="140" />
      <source>The differential LISA needs two different fields (e.g. DEI_2019 and DEI_2011).</source>
      <translation>差分 LISA 需要两个不同的字段（如 DEI_2019 和 DEI_2011）。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="162" />
      <source>Unknown NULL policy “{policy}”; use drop or error.</source>
      <translation>未知的 NULL 值处理方式“{policy}”；请使用 drop 或 error。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="167" />
      <source>Each unit may have one row per year; {ids} repeat in {year}.</source>
      <translation>每个单元每年只能有一行；{ids} 在 {year} 年重复。</translation>
    </message>
    <message>
      <location filename="../../core/autocorrelation/runs.py" line="174" />
      <source>{field} is NULL for {count} unit(s): {ids}. Fill the values, or choose to drop units with NULL values.</source>
      <translation>{field} 在 {count} 个单元中为 NULL：{ids}。请补全数值，或选择剔除含 NULL 值的单元。</translation>
    </message>
    <message>
      <location filename="../../core/charts/moran_scatter.py" line="42" />
      <source>Give one spatial lag and one cluster per value: {values} values, {lags} lags.</source>
      <translation>每个值需对应一个空间滞后和一个集聚类型：现有 {values} 个值、{lags} 个滞后值。</translation>
    </message>
    <message>
      <location filename="../../core/charts/ranking.py" line="20" />
      <source>Give one name per value: {names} names for {values} values.</source>
      <translation>每个值需对应一个名称：现有 {names} 个名称、{values} 个值。</translation>
    </message>
    <message>
      <location filename="../../core/charts/ranking.py" line="25" />
      <source>There are no values to rank: the field is empty or all NULL.</source>
      <translation>没有可排序的数值：该字段为空或全部为 NULL。</translation>
    </message>
    <message>
      <location filename="../../core/charts/series.py" line="22" />
      <source>The series {name} has {got} values for {count} years; give one value per year.</source>
      <translation>序列 {name} 有 {got} 个值，但年份有 {count} 个；请每年提供一个值。</translation>
    </message>
    <message>
      <location filename="../../core/classify.py" line="42" />
      <source>There are no values to classify: the field is empty or all NULL.</source>
      <translation>没有可分级的数值：该字段为空或全部为 NULL。</translation>
    </message>
    <message>
      <location filename="../../core/classify.py" line="44" />
      <source>Unknown classification “{scheme}”; use one of {schemes}.</source>
      <translation>未知的分级方法“{scheme}”；请使用以下之一：{schemes}。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="63" />
      <source>{variable} must be positive: convergence works with logarithms and growth rates, but {count} unit(s) have zero or negative values: {units}. Use an index that is positive (e.g. min–max scaled to 0.01–1) or leave these units out.</source>
      <translation>{variable} 必须为正：收敛分析使用对数和增长率，但有 {count} 个单元取值为零或负：{units}。请使用取值为正的指数（如极差标准化到 0.01–1），或剔除这些单元。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="75" />
      <source>{variable} has the same value for every unit in {year}: there is no dispersion to converge. Check the field.</source>
      <translation>{variable} 在 {year} 年所有单元取值相同：不存在可收敛的离散程度。请检查该字段。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="87" />
      <source>The group field is empty for {count} unit(s): {units}. Fill it or leave the group field unset.</source>
      <translation>分组字段在 {count} 个单元中为空：{units}。请补全，或不设置分组字段。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="95" />
      <source>Too few units per group: {groups}. Dispersion by group needs at least {minimum} units in each group; merge the small groups or leave the group field unset.</source>
      <translation>部分组的单元过少：{groups}。按组计算离散程度要求每组至少 {minimum} 个单元；请合并小组，或不设置分组字段。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="108" />
      <source>The spatial weights have no entry for {count} unit(s): {units}; build them from this layer with the same id field.</source>
      <translation>空间权重中缺少 {count} 个单元：{units}；请用相同的标识字段为此图层构建空间权重。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="176" />
      <source>{model} ({kind}): the spatial parameter {name} = {value:.4f} is at the bound of its range ({lower:.4f}, {upper:.4f}); the likelihood has no maximum inside it, so the model is left out of the tables and the report. Try other spatial weights, or read the OLS results.</source>
      <translation>{model}（{kind}）：空间参数 {name} = {value:.4f} 位于其取值范围（{lower:.4f}, {upper:.4f}）的边界；似然函数在该范围内没有极大值，因此该模型不列入表格和报告。请尝试其他空间权重，或参考 OLS 结果。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="180" />
      <source>conditional</source>
      <translation>条件</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="180" />
      <source>absolute</source>
      <translation>绝对</translation>
    </message>
    <message>
      <location filename="../../core/convergence/analysis.py" line="230" />
      <source>Spatial models need spatial weights; choose a weights file or kind.</source>
      <translation>空间模型需要空间权重；请选择权重文件或权重类型。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/beta.py" line="79" />
      <source>Unknown timing of the controls “{timing}”; use initial or mean.</source>
      <translation>未知的控制变量取值时点“{timing}”；请使用 initial 或 mean。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/beta.py" line="121" />
      <source>The years are not equally spaced ({years}); a panel of growth rates needs a regular interval. Choose consecutive years.</source>
      <translation>年份间隔不相等（{years}）；增长率面板需要等间隔的年份。请选择连续的年份。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/beta.py" line="138" />
      <source>Panel β-convergence with fixed effects needs at least {needed} years; the data have {count}.</source>
      <translation>含固定效应的面板β收敛至少需要 {needed} 年；数据只有 {count} 年。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="38" />
      <source>Coefficient of variation</source>
      <translation>变异系数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="39" />
      <source>Standard deviation of logs</source>
      <translation>对数标准差</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="40" />
      <source>Theil index</source>
      <translation>泰尔指数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="41" />
      <source>Gini coefficient</source>
      <translation>基尼系数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="46" />
      <source>Cross-section</source>
      <translation>截面</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="46" />
      <source>Panel</source>
      <translation>面板</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="48" />
      <source>{design} {estimator}, {kind}</source>
      <translation>{design} {estimator}（{kind}）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="54" />
      <source>ln {variable} {year} (initial level, β)</source>
      <translation>ln {variable} {year}（初始水平，β）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="55" />
      <source>ln {variable}, previous year (β)</source>
      <translation>ln {variable}，上一年（β）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="56" />
      <source>W × ln {variable} {year} (neighbours' initial level)</source>
      <translation>W × ln {variable} {year}（邻居的初始水平）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="58" />
      <source>Constant</source>
      <translation>常数项</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="59" />
      <source>ρ (spatial lag of growth)</source>
      <translation>ρ（增长率的空间滞后）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="60" />
      <source>λ (spatial error)</source>
      <translation>λ（空间误差）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="63" />
      <source>W × {control}</source>
      <translation>W × {control}</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="64" />
      <source>{control}, previous year</source>
      <translation>{control}，上一年</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="77" />
      <source>Mean of {variable}</source>
      <translation>{variable}均值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="79" />
      <source>Theil index, between groups</source>
      <translation>泰尔指数：组间</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="79" />
      <source>Theil index, within groups</source>
      <translation>泰尔指数：组内</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="80" />
      <source>Share of the Theil index between groups</source>
      <translation>泰尔指数中组间差异的占比</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="81" />
      <source>Gini (Dagum): within groups</source>
      <translation>基尼系数（Dagum）：组内</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="81" />
      <source>Gini (Dagum): net between groups</source>
      <translation>基尼系数（Dagum）：组间净值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="82" />
      <source>Gini (Dagum): transvariation</source>
      <translation>基尼系数（Dagum）：超变密度</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="84" />
      <source>σ-convergence of {variable}</source>
      <translation>{variable}的σ收敛</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="93" />
      <source>Mean</source>
      <translation>均值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="95" />
      <source>Group's share of the total (Theil weight)</source>
      <translation>组占总体的份额（泰尔权重）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="96" />
      <source>Contribution to the within-group Theil index</source>
      <translation>对组内泰尔指数的贡献</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="98" />
      <source>σ-convergence of {variable} by group</source>
      <translation>{variable}分组σ收敛</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="124" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="124" />
      <source>Cross-section or panel</source>
      <translation>截面或面板</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="124" />
      <source>Estimator</source>
      <translation>估计方法</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="125" />
      <source>Conditional (with controls)</source>
      <translation>条件收敛（含控制变量）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="125" />
      <source>Fixed effects</source>
      <translation>固定效应</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="126" />
      <source>β (coefficient of the log level)</source>
      <translation>β（对数水平的系数）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="126" />
      <source>Standard error of β</source>
      <translation>β的标准误</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="127" />
      <source>p-value of β</source>
      <translation>β的 p 值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="127" />
      <source>Speed of convergence λ (per year)</source>
      <translation>收敛速度 λ（每年）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="128" />
      <source>Standard error of λ</source>
      <translation>λ的标准误</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="128" />
      <source>Half-life (years)</source>
      <translation>半衰期（年）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="129" />
      <source>Standard error of the half-life</source>
      <translation>半衰期的标准误</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="129" />
      <source>Observations</source>
      <translation>观测值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="130" />
      <source>R² (within R² with fixed effects, pseudo R² for ML)</source>
      <translation>R²（固定效应模型为组内 R²，极大似然估计为伪 R²）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="130" />
      <source>Log-likelihood</source>
      <translation>对数似然值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="131" />
      <source>AIC</source>
      <translation>AIC</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="131" />
      <source>Spatial parameter</source>
      <translation>空间参数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="131" />
      <source>Spatial parameter value</source>
      <translation>空间参数估计值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="132" />
      <source>Standard error of the spatial parameter</source>
      <translation>空间参数的标准误</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="132" />
      <source>p-value of the spatial parameter</source>
      <translation>空间参数的 p 值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="133" />
      <source>Direct effect of the initial level</source>
      <translation>初始水平的直接效应</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="133" />
      <source>Indirect (spillover) effect</source>
      <translation>间接效应（溢出效应）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="134" />
      <source>Total effect</source>
      <translation>总效应</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="134" />
      <source>Standard error of the direct effect (simulated)</source>
      <translation>直接效应的标准误（模拟）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="135" />
      <source>Standard error of the indirect effect (simulated)</source>
      <translation>间接效应的标准误（模拟）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="136" />
      <source>Standard error of the total effect (simulated)</source>
      <translation>总效应的标准误（模拟）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="138" />
      <source>β-convergence of {variable}</source>
      <translation>{variable}的β收敛</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="150" />
      <source>Coefficient</source>
      <translation>系数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="151" />
      <source>Standard error</source>
      <translation>标准误</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="151" />
      <source>t or z statistic</source>
      <translation>t 或 z 统计量</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="152" />
      <source>Significance (*** 1 %, ** 5 %, * 10 %)</source>
      <translation>显著性（*** 1%，** 5%，* 10%）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="153" />
      <source>β-convergence coefficients of {variable}</source>
      <translation>{variable}的β收敛系数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="163" />
      <source>All units</source>
      <translation>全部单元</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="163" />
      <source>Coefficient of variation by group</source>
      <translation>分组变异系数</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="164" />
      <source>Theil index: between and within groups</source>
      <translation>泰尔指数：组间与组内</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="164" />
      <source>Between groups</source>
      <translation>组间</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="165" />
      <source>Within groups</source>
      <translation>组内</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="165" />
      <source>Dispersion</source>
      <translation>离散程度</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="181" />
      <source>β-convergence: growth against the initial level</source>
      <translation>β收敛：增长率与初始水平</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="182" />
      <source>ln {variable} in {year}</source>
      <translation>{year}年 ln {variable}</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="183" />
      <source>Average annual growth {start}–{end} (%)</source>
      <translation>{start}–{end} 年均增长率（%）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="185" />
      <source>OLS fit (β = {beta:.4f})</source>
      <translation>OLS 拟合线（β = {beta:.4f}）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="199" />
      <source>matplotlib is not installed in QGIS's Python: the report has no charts.</source>
      <translation>QGIS 的 Python 中未安装 matplotlib：报告中没有图表。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="219" />
      <source>Speed λ (per year)</source>
      <translation>收敛速度 λ（每年）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="224" />
      <source>Speed λ from the total effect (per year)</source>
      <translation>由总效应计算的收敛速度 λ（每年）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="225" />
      <source>Half-life from the total effect (years)</source>
      <translation>由总效应计算的半衰期（年）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="236" />
      <source>Controls</source>
      <translation>控制变量</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="251" />
      <source>Cross-section: average annual log growth {start}–{end}</source>
      <translation>截面：{start}–{end} 年均对数增长率</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="253" />
      <source>Panel: annual log growth</source>
      <translation>面板：年度对数增长率</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="261" />
      <source>Standard errors ({kinds})</source>
      <translation>标准误（{kinds}）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="265" />
      <source>Speed of convergence λ = −ln(1 + β·τ)/τ from the coefficient β of the initial level; half-life = ln 2 / λ.</source>
      <translation>收敛速度 λ = −ln(1 + β·τ)/τ，由初始水平的系数 β 计算；半衰期 = ln 2 / λ。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="268" />
      <source>Spatial lag and Durbin models: the coefficient of the initial level is not its effect; the speed and half-life “from the total effect” use the LeSage–Pace total effect (direct + spillover) in place of β, the quantity that compares with OLS's β.</source>
      <translation>空间滞后模型和空间杜宾模型：初始水平的系数并非其效应；“由总效应计算”的收敛速度和半衰期以 LeSage–Pace 总效应（直接效应 + 溢出效应）代替 β，可与 OLS 的 β 相比较。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="287" />
      <source>Convergence of {variable}, {start}–{end}: {layer}</source>
      <translation>{variable}的收敛分析，{start}–{end}：{layer}</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="289" />
      <source>{units} units, {years} years ({start}–{end}), balanced panel.</source>
      <translation>{units} 个单元，{years} 年（{start}–{end}），平衡面板。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="292" />
      <source>{count} unit(s) with missing years were left out: {units}.</source>
      <translation>已剔除 {count} 个有缺失年份的单元：{units}。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="309" />
      <source>σ-convergence: dispersion across units, year by year</source>
      <translation>σ收敛：单元间离散程度的逐年变化</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="312" />
      <source>fell</source>
      <translation>下降</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="312" />
      <source>rose</source>
      <translation>上升</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="313" />
      <source>The coefficient of variation {direction} from {first} ({start}) to {last} ({end}), {change} in all.</source>
      <translation>变异系数从 {first}（{start}年）{direction}至 {last}（{end}年），累计变化 {change}。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="317" />
      <source>Linear trend: {slope} per year ({p}).</source>
      <translation>线性趋势：每年 {slope}（{p}）。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="321" />
      <source>σ-convergence chart</source>
      <translation>σ收敛图</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="325" />
      <source>Standard deviations divide by n − 1 unless chosen otherwise; Theil index T = (1/n) Σ (y/ȳ) ln(y/ȳ); Gini G = Σ Σ |yᵢ − yⱼ| / (2n²ȳ).</source>
      <translation>除另有选择外，标准差的分母为 n − 1；泰尔指数 T = (1/n) Σ (y/ȳ) ln(y/ȳ)；基尼系数 G = Σ Σ |yᵢ − yⱼ| / (2n²ȳ)。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="327" />
      <source>Trend of each measure over the years</source>
      <translation>各测度的逐年趋势</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="328" />
      <source>Measure</source>
      <translation>测度</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="328" />
      <source>First year</source>
      <translation>首年</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="328" />
      <source>Last year</source>
      <translation>末年</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="328" />
      <source>Change</source>
      <translation>变化</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="328" />
      <source>Slope per year</source>
      <translation>年均斜率</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="341" />
      <source>Between share</source>
      <translation>组间占比</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="344" />
      <source>Gini coefficient: Dagum decomposition</source>
      <translation>基尼系数：Dagum 分解</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="345" />
      <source>Net between groups</source>
      <translation>组间净值</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="345" />
      <source>Transvariation</source>
      <translation>超变密度</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="348" />
      <source>Dagum (1997): G = G_w + G_nb + G_t. Transvariation measures the overlap of the groups' distributions.</source>
      <translation>Dagum（1997）：G = G_w + G_nb + G_t。超变密度衡量各组分布的重叠程度。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="355" />
      <source>Average annual growth {start}–{end}</source>
      <translation>{start}–{end} 年均增长率</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="364" />
      <source>β-convergence: do units that start lower grow faster?</source>
      <translation>β收敛：初始水平较低的单元是否增长更快？</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="368" />
      <source>Yes: β = {beta} ({p}); the gap to the common steady state closes at {speed} a year, half of it in {half} years.</source>
      <translation>是：β = {beta}（{p}）；向共同稳态的差距每年缩小 {speed}，{half} 年缩小一半。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="373" />
      <source>No significant absolute β-convergence: β = {beta} ({p}).</source>
      <translation>不存在显著的绝对β收敛：β = {beta}（{p}）。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="377" />
      <source>β-convergence scatter</source>
      <translation>β收敛散点图</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="381" />
      <source>Panel fixed-effects β is biased towards faster convergence in short panels (Nickell 1981): read its speed as an upper bound.</source>
      <translation>短面板中固定效应估计的β偏向更快的收敛（Nickell 1981）：其收敛速度应视为上限。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="383" />
      <source>Speed of convergence λ = −ln(1 + β·τ)/τ with τ the years over which growth is averaged (the whole period in the cross-section, 1 for annual panel growth); half-life = ln 2 / λ; standard errors by the delta method.</source>
      <translation>收敛速度 λ = −ln(1 + β·τ)/τ，τ 为计算平均增长率的年数（截面为整个期间，年度面板增长为 1）；半衰期 = ln 2 / λ；标准误采用 Delta 方法。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="386" />
      <source>panel</source>
      <translation>面板</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="386" />
      <source>cross-section</source>
      <translation>截面</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="388" />
      <source>The {design} β regression was skipped: {reason}</source>
      <translation>{design} β 回归已跳过：{reason}</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="397" />
      <source>Spatial models: effects of the initial level (LeSage and Pace)</source>
      <translation>空间模型：初始水平的效应（LeSage 和 Pace）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="398" />
      <source>Direct</source>
      <translation>直接效应</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="398" />
      <source>Indirect (spillover)</source>
      <translation>间接效应（溢出效应）</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="401" />
      <source>Standard errors of the effects</source>
      <translation>效应的标准误</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="402" />
      <source>Inference on the effects: {method}.</source>
      <translation>效应的推断：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/report.py" line="404" />
      <source>A negative indirect effect means that neighbours with a high initial level slow a unit's growth (convergence spills over).</source>
      <translation>间接效应为负，表示初始水平较高的邻居会减缓本单元的增长（收敛存在空间溢出）。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/spatial.py" line="47" />
      <source>{count} unit(s) have no neighbours in the spatial weights: {units}. Maximum-likelihood spatial models need every unit to have one; use k-nearest neighbours, or drop these units.</source>
      <translation>{count} 个单元在空间权重中没有邻居：{units}。极大似然空间模型要求每个单元都有邻居；请使用 k 近邻，或剔除这些单元。</translation>
    </message>
    <message>
      <location filename="../../core/convergence/spatial.py" line="68" />
      <source>Unknown spatial model “{model}”; use one of {models}.</source>
      <translation>未知的空间模型“{model}”；请使用以下之一：{models}。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="81" />
      <source>set covering with backup coverage</source>
      <translation>集合覆盖（含备份覆盖）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="81" />
      <source>set covering</source>
      <translation>集合覆盖</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="82" />
      <source>maximal covering (p = {p})</source>
      <translation>最大覆盖（p = {p}）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="108" />
      <source>proven optimal</source>
      <translation>已证明最优</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="109" />
      <source>unknown</source>
      <translation>未知</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="111" />
      <source>not proven optimal ({status}): gap {gap}</source>
      <translation>未证明最优（{status}）：间隙 {gap}</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="112" />
      <source>not proven optimal ({status}): gap {gap}, best bound {bound}</source>
      <translation>未证明最优（{status}）：间隙 {gap}，最优界 {bound}</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="118" />
      <source>The layer has no cities (no feature, or none selected); choose a layer with at least one feature.</source>
      <translation>图层中没有城市（没有要素，或未选中任何要素）；请选择至少含一个要素的图层。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="121" />
      <source>Unknown problem “{problem}”; use set_covering or maximal_covering.</source>
      <translation>未知的问题类型“{problem}”；请使用 set_covering 或 maximal_covering。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="124" />
      <source>The radius must be a positive distance in km, not {radius}; enter e.g. 300.</source>
      <translation>半径必须是以 km 为单位的正数，而不是 {radius}；请输入如 300。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="128" />
      <source>The radii to compare must be positive distances in km, not {radius}; enter e.g. 200, 300, 500, or leave the list empty.</source>
      <translation>比较半径必须是以 km 为单位的正数，而不是 {radius}；请输入如 200, 300, 500，或将列表留空。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="131" />
      <source>The time limit must be a positive number of seconds, not {limit}.</source>
      <translation>时间上限必须是正的秒数，而不是 {limit}。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="143" />
      <source>The demand (weight) is empty for {count} cities: {names}. Fill the field or choose another one.</source>
      <translation>{count} 个城市的需求（权重）为空：{names}。请补全该字段或选择其他字段。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="147" />
      <source>The demand (weight) is negative for {count} cities: {names}. Demand must be zero or more.</source>
      <translation>{count} 个城市的需求（权重）为负：{names}。需求必须为零或正数。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="151" />
      <source>The demand (weight) is zero for every city; choose another demand field, or leave it empty to count every city once.</source>
      <translation>所有城市的需求（权重）均为零；请选择其他需求字段，或将其留空以使每个城市计为 1。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="174" />
      <source>No city is a candidate core: the candidate expression matches no city. Change the expression or leave it empty to consider every city.</source>
      <translation>没有候选核心城市：候选表达式没有匹配任何城市。请修改表达式，或将其留空以考虑全部城市。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="181" />
      <source>Maximal covering needs the number of cores p (at least 1).</source>
      <translation>最大覆盖需要核心数 p（至少为 1）。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="183" />
      <source>p = {p} cores is more than the {m} candidate cities; choose p ≤ {m} or widen the candidates.</source>
      <translation>p = {p} 个核心多于 {m} 个候选城市；请选择 p ≤ {m}，或扩大候选范围。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="186" />
      <source>p = {p} cores is fewer than the {k} existing cores that must stay; choose p ≥ {k}.</source>
      <translation>p = {p} 个核心少于必须保留的 {k} 个现有核心；请选择 p ≥ {k}。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="215" />
      <source>{count} cities cannot be covered: no candidate lies within {radius} km of {names}. Add candidates near them, raise the radius, or use maximal covering.</source>
      <translation>{count} 个城市无法被覆盖：{names} 的 {radius} km 范围内没有候选核心。请在其附近增加候选城市、增大半径，或改用最大覆盖。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="236" />
      <source>The model has no solution with these candidates and existing cores; widen the candidates.</source>
      <translation>在这些候选城市和现有核心下模型无解；请扩大候选范围。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="238" />
      <source>The solver found no solution within the time limit of {limit} s; raise the time limit.</source>
      <translation>求解器在 {limit} 秒的时间上限内未找到解；请提高时间上限。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="258" />
      <source>{count} cities out of reach of every candidate</source>
      <translation>{count} 个城市超出所有候选核心的覆盖范围</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="83" />
      <source>Radius</source>
      <translation>半径</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="84" />
      <source>Cities</source>
      <translation>城市数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="85" />
      <source>Candidate sites</source>
      <translation>候选站点数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="86" />
      <source>Existing cores kept</source>
      <translation>保留的现有核心数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="87" />
      <source>Cores</source>
      <translation>核心数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="88" />
      <source>Cities covered</source>
      <translation>被覆盖城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="89" />
      <source>Demand covered</source>
      <translation>被覆盖需求</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="90" />
      <source>Largest city-to-core distance</source>
      <translation>城市到核心的最大距离</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="91" />
      <source>Mean city-to-core distance</source>
      <translation>城市到核心的平均距离</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="92" />
      <source>Cities covered by two cores or more</source>
      <translation>被两个及以上核心覆盖的城市数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="93" />
      <source>Solution</source>
      <translation>求解结果</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="94" />
      <source>Solver time</source>
      <translation>求解用时</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="97" />
      <source>Integer programme after reductions</source>
      <translation>约简后的整数规划规模</translation>
    </message>
    <message>
      <location filename="../../core/coverage/analysis.py" line="100" />
      <source>Backup coverage</source>
      <translation>备份覆盖</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="70" />
      <source>{share} % ({count}) against the target of {target} %</source>
      <translation>{share} %（{count}），目标为 {target} %</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="103" />
      <source>The county layer has no feature (or none selected); choose a layer with the county-level units, e.g. resources/sample/china_counties.gpkg.</source>
      <translation>县级图层没有要素（或未选中任何要素）；请选择包含县级单元的图层，如 resources/sample/china_counties.gpkg。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="106" />
      <source>The county target must be a share between 0 and 100 %, not {target} %; enter e.g. 90.</source>
      <translation>县级目标必须是 0 到 100 % 之间的比例，而不是 {target} %；请输入如 90。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="147" />
      <source>The county target of {target} % cannot be met: only {share} % of the counties ({count}) lie within {radius} km of a candidate core; out of reach: {names}. The additional cores cover every county within reach. Add candidates near them or raise the radius.</source>
      <translation>{target} % 的县级目标无法达到：只有 {share} % 的县级单元（{count} 个）位于候选核心 {radius} km 范围内；无法覆盖：{names}。新增核心覆盖了所有可达的县级单元。请在其附近增加候选点或增大半径。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="69" />
      <source>Counties</source>
      <translation>县级单元</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="70" />
      <source>Coverage target: counties within the radius</source>
      <translation>覆盖目标：半径内的县级单元</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="82" />
      <source>Counties out of reach of every candidate</source>
      <translation>任何候选点都无法覆盖的县级单元</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="75" />
      <source>Counties within the radius after the additions for any single failure</source>
      <translation>加上单点失效保护的新增核心后半径内的县级单元</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="78" />
      <source>Fewest additional cores to reach the county target</source>
      <translation>达到县级目标所需最少新增核心</translation>
    </message>
    <message>
      <location filename="../../core/coverage/county_target.py" line="80" />
      <source>Counties within the radius with them</source>
      <translation>加上这些核心后半径内的县级单元</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="111" />
      <source>{core}: {cities} cities, {demand} % of demand</source>
      <translation>{core}：{cities} 个城市，需求的 {demand} %</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="115" />
      <source>none: no single failure uncovers a city</source>
      <translation>无：任何单点失效都不会使城市失去覆盖</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="122" />
      <source>{share} % against the target of 100 %</source>
      <translation>{share} %，目标为 100 %</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="255" />
      <source>No city is a core: the core field or expression matches no city. Choose the field that marks the cores (e.g. IS_CORE from Core–node coverage) or an expression such as "is_core" = 1.</source>
      <translation>没有城市是核心：核心字段或表达式未匹配任何城市。请选择标记核心的字段（如“核心–节点覆盖”输出的 IS_CORE）或表达式，如 "is_core" = 1。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="306" />
      <source>{count} cities have only one candidate core within {radius} km and cannot be protected against its failure: {names}. Add candidates near them or raise the radius.</source>
      <translation>{count} 个城市在 {radius} km 内只有一个候选核心，无法防护其失效：{names}。请在其附近增加候选点或增大半径。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="104" />
      <source>Existing cores</source>
      <translation>现有核心城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="106" />
      <source>Cities covered twice or more (backup)</source>
      <translation>被两个及以上核心覆盖的城市（备份）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="108" />
      <source>Cities lost if their only core fails</source>
      <translation>唯一核心失效即失去覆盖的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="128" />
      <source>Cities that cannot be protected (one candidate within the radius)</source>
      <translation>无法保护的城市（半径内仅一个候选点）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="130" />
      <source>Cities out of reach of every candidate</source>
      <translation>所有候选点均无法覆盖的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="111" />
      <source>Worst single failure</source>
      <translation>最严重的单点失效</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="117" />
      <source>Additional cores for coverage under any single failure</source>
      <translation>任一单点失效下保持覆盖所需新增核心数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="119" />
      <source>Cities covered twice or more after the additions</source>
      <translation>新增后被两个及以上核心覆盖的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="122" />
      <source>Coverage target: cities within the radius</source>
      <translation>覆盖目标：半径内的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/redundancy.py" line="124" />
      <source>Fewest additional cores to reach the target (every city a candidate can reach)</source>
      <translation>达到目标所需最少新增核心（候选点可达的所有城市）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="33" />
      <source>Core-node coverage: {layer}</source>
      <translation>核心-节点覆盖：{layer}</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="34" />
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="35" />
      <source>Property</source>
      <translation>属性</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="41" />
      <source>Cities not covered</source>
      <translation>未被覆盖的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="43" />
      <source>Distances are geodesic on the ellipsoid. Exact integer programme solved with HiGHS; “proven optimal” means no solution with fewer cores (set covering) or more covered demand (maximal covering) exists.</source>
      <translation>距离为椭球面上的大地线距离。以 HiGHS 精确求解整数规划；“已证明最优”表示不存在核心更少（集合覆盖）或覆盖需求更多（最大覆盖）的解。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="52" />
      <source>Comparison over radii</source>
      <translation>不同半径的比较</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="61" />
      <source>gap {gap:.2f} %</source>
      <translation>差距 {gap:.2f} %</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="62" />
      <source>Radius (km)</source>
      <translation>半径（km）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="63" />
      <source>Largest distance (km)</source>
      <translation>最大距离（km）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="76" />
      <source>existing</source>
      <translation>现有</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="76" />
      <source>new</source>
      <translation>新增</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="77" />
      <source>Core</source>
      <translation>核心</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="77" />
      <source>Cities assigned</source>
      <translation>分配的城市数</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="77" />
      <source>Of which within the radius</source>
      <translation>其中在半径内</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="77" />
      <source>Farthest city (km)</source>
      <translation>最远城市（km）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="78" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="87" />
      <source>Network redundancy: {layer}</source>
      <translation>网络冗余：{layer}</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="96" />
      <source>Additional cores</source>
      <translation>新增核心</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="99" />
      <source>Cities that cannot be protected</source>
      <translation>无法保护的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="101" />
      <source>Distances are geodesic on the ellipsoid. A city stays covered under any single core failure when two cores lie within the radius. The additional cores solve an exact integer programme (HiGHS) with the existing cores fixed; “proven optimal” means no smaller set of additions exists among the candidates.</source>
      <translation>距离为椭球面上的测地线距离。当半径内有两个核心时，城市在任一单点核心失效下仍被覆盖。新增核心由精确整数规划（HiGHS）求得，现有核心固定；“已证明最优”表示在候选点中不存在更少的新增方案。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="111" />
      <source>Single failures (N−1)</source>
      <translation>单点失效（N−1）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="119" />
      <source>Cities lost</source>
      <translation>失去覆盖的城市</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="119" />
      <source>Demand lost</source>
      <translation>失去覆盖的需求</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="119" />
      <source>Cities lost (first 12)</source>
      <translation>失去覆盖的城市（前 12 个）</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="124" />
      <source>Coverage target</source>
      <translation>覆盖目标</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="125" />
      <source>Target</source>
      <translation>目标</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="125" />
      <source>Now</source>
      <translation>现状</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="125" />
      <source>Additional cores to reach it</source>
      <translation>达到目标所需新增核心</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="126" />
      <source>100 % of cities within {radius} km</source>
      <translation>100 % 城市位于 {radius} km 内</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="129" />
      <source>100 % of cities covered under any single failure</source>
      <translation>任一单点失效下 100 % 城市仍被覆盖</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="138" />
      <source>County-level target</source>
      <translation>县级目标</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="141" />
      <source>With the additional cores for any single failure</source>
      <translation>加上单点失效保护的新增核心</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="144" />
      <source>With the fewest additional cores for {target} % of counties within {radius} km</source>
      <translation>加上使 {target} % 的县级单元位于 {radius} km 内的最少新增核心</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="148" />
      <source>Network</source>
      <translation>网络</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="148" />
      <source>Counties within the radius</source>
      <translation>半径内的县级单元</translation>
    </message>
    <message>
      <location filename="../../core/coverage/report.py" line="150" />
      <source>Counties out of reach of every candidate: {names}</source>
      <translation>任何候选点都无法覆盖的县级单元：{names}</translation>
    </message>
    <message>
      <location filename="../../core/coverage/sites.py" line="44" />
      <source>The layer has no coordinate reference system, so distances cannot be measured; set its CRS (Layer Properties › Source) and run again.</source>
      <translation>该图层没有坐标参考系，无法量算距离；请设置其 CRS（图层属性 › 源）后重新运行。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/sites.py" line="51" />
      <source>The layer's CRS {crs} has no datum, so geodesic distances cannot be measured; assign a CRS with a datum.</source>
      <translation>图层的 CRS {crs} 没有基准面，无法量算大地线距离；请指定带基准面的 CRS。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/sites.py" line="102" />
      <source>{count} feature(s) have no valid longitude/latitude: {names}. Fill the coordinates (longitude −180…180, latitude −90…90) or leave these features out.</source>
      <translation>{count} 个要素没有有效的经纬度：{names}。请补全坐标（经度 −180…180，纬度 −90…90），或剔除这些要素。</translation>
    </message>
    <message>
      <location filename="../../core/coverage/solver.py" line="59" />
      <source>The HiGHS solver (Python package highspy) is missing; install it with pip install highspy and run again.</source>
      <translation>缺少 HiGHS 求解器（Python 包 highspy）；请用 pip install highspy 安装后重新运行。</translation>
    </message>
    <message>
      <location filename="../../core/dependencies.py" line="99" />
      <source>{package} (missing; needs &gt;= {required})</source>
      <translation>{package}（缺失；需要 &gt;= {required}）</translation>
    </message>
    <message>
      <location filename="../../core/dependencies.py" line="100" />
      <source>{package} {installed} (too old; needs &gt;= {required})</source>
      <translation>{package} {installed}（版本过旧；需要 &gt;= {required}）</translation>
    </message>
    <message>
      <location filename="../../core/dependencies.py" line="302" />
      <source>conda install -c conda-forge pyproj (in QGIS's conda environment)</source>
      <translation>conda install -c conda-forge pyproj（在 QGIS 所在的 conda 环境中）</translation>
    </message>
    <message>
      <location filename="../../core/dependencies.py" line="304" />
      <source>the OSGeo4W Setup (Advanced Install), package python3-pyproj</source>
      <translation>OSGeo4W 安装程序（高级安装）中的 python3-pyproj 包</translation>
    </message>
    <message>
      <location filename="../../core/dependencies.py" line="306" />
      <source>a QGIS.app that ships pyproj (the official installers do), or QGIS from conda-forge</source>
      <translation>自带 pyproj 的 QGIS.app（官方安装包即自带），或 conda-forge 的 QGIS</translation>
    </message>
    <message>
      <location filename="../../core/dependencies.py" line="307" />
      <source>sudo apt install python3-pyproj (Debian, Ubuntu) or sudo dnf install python3-pyproj (Fedora)</source>
      <translation>sudo apt install python3-pyproj（Debian、Ubuntu）或 sudo dnf install python3-pyproj（Fedora）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="64" />
      <source>The wild cluster bootstrap by city needs at least {minimum} cities (clusters), but the model has {count}: with so few the bootstrap distribution is too coarse. Use more cities, or choose “information matrix” standard errors.</source>
      <translation>按城市的野聚类自助法至少需要 {minimum} 个城市（聚类），但模型只有 {count} 个：城市太少时自助法分布过于粗糙。请使用更多城市，或选择“信息矩阵”标准误。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="82" />
      <source>The bootstrap needs at least 2 draws (e.g. {draws}); set the number of bootstrap draws in the advanced options.</source>
      <translation>自助法至少需要 2 次抽样（例如 {draws} 次）；请在高级选项中设置自助法抽样次数。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="108" />
      <source>The wild cluster bootstrap failed: {failed} of {draws} refits could not be estimated ({reason}). Choose “information matrix” standard errors or another model.</source>
      <translation>野聚类自助法失败：{draws} 次重新估计中有 {failed} 次无法估计（{reason}）。请选择“信息矩阵”标准误或其他模型。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="120" />
      <source>wild cluster bootstrap by city ({draws} draws)</source>
      <translation>按城市的野聚类自助法（{draws} 次抽样）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="134" />
      <source>wild cluster bootstrap by city: the effects of {draws} refits, seed {seed} (standard errors their standard deviation, 95 % intervals their percentiles); traces {traces}</source>
      <translation>按城市的野聚类自助法：{draws} 次重新估计的效应，种子 {seed}（标准误为其标准差，95% 区间为其百分位数）；迹：{traces}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="138" />
      <source>wild cluster bootstrap by city: direct β, indirect θ (W·X) of {draws} refits, seed {seed} (standard errors their standard deviation, 95 % intervals their percentiles)</source>
      <translation>按城市的野聚类自助法：{draws} 次重新估计的直接效应 β、间接效应 θ（W·X），种子 {seed}（标准误为其标准差，95% 区间为其百分位数）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/bootstrap.py" line="148" />
      <source>Bootstrap: {failed} of {draws} refits could not be estimated and were left out ({reason}).</source>
      <translation>自助法：{draws} 次重新估计中有 {failed} 次无法估计，已剔除（{reason}）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="30" />
      <source>pooled (no effects)</source>
      <translation>混合回归（无效应）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="31" />
      <source>unit (city) fixed effects</source>
      <translation>个体（城市）固定效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="32" />
      <source>time (year) fixed effects</source>
      <translation>时间（年份）固定效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="33" />
      <source>two-way (city and year) fixed effects</source>
      <translation>双向（城市和年份）固定效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="34" />
      <source>random unit effects</source>
      <translation>个体随机效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="35" />
      <source>random unit effects and year fixed effects</source>
      <translation>个体随机效应与年份固定效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="56" />
      <source>The panel has {rows} observations but {n} units × {t} years.</source>
      <translation>面板有 {rows} 个观测值，但应为 {n} 个单元 × {t} 年。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="82" />
      <source>A cross-section has no years to split; use a panel (several years).</source>
      <translation>截面数据没有可划分的年份；请使用面板（多个年份）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="136" />
      <source>{count} unit(s) have empty (NULL) or non-finite (±inf) values in the model's fields: {units}. Fill them, or run again with “Balance the panel / drop units with missing values” on.</source>
      <translation>{count} 个单元在模型字段中有空值（NULL）或非有限值（±inf）：{units}。请补全，或勾选“平衡面板 / 剔除含缺失值的单元”后重新运行。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="141" />
      <source>{count} unit(s) with missing values were left out: {units}.</source>
      <translation>已剔除 {count} 个含缺失值的单元：{units}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="162" />
      <source>No yearly fields STEM_YYYY for {stems}; a wide panel needs fields like {example} (or choose the long layout with a year field, or the cross-section layout).</source>
      <translation>{stems} 没有逐年字段 STEM_YYYY；宽格式面板需要类似 {example} 的字段（或选择带年份字段的长格式，或截面格式）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="170" />
      <source>The fields {stems} share fewer than two years ({years}); a panel needs at least two.</source>
      <translation>字段 {stems} 共有的年份少于两年（{years}）；面板至少需要两年。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="176" />
      <source>{stem}: years {years} are not shared by every variable and were left out.</source>
      <translation>{stem}：年份 {years} 并非所有变量共有，已剔除。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="194" />
      <source>The year field {field} has a single year ({year}); a panel needs at least two, or choose the cross-section layout.</source>
      <translation>年份字段 {field} 只有一个年份（{year}）；面板至少需要两年，或请选择截面格式。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="217" />
      <source>The panel is not balanced: {cells} unit-year(s) of {units} unit(s) are missing or empty, e.g. {examples}. Fill the gaps, or run again with “Balance the panel” on to leave out the {units} incomplete unit(s).</source>
      <translation>面板不平衡：{units} 个单元的 {cells} 个单元-年份缺失或为空，例如 {examples}。请补全缺失值，或勾选“平衡面板”后重新运行，以剔除这 {units} 个不完整的单元。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/data.py" line="222" />
      <source>Panel balanced: {count} unit(s) with missing years were left out: {units}.</source>
      <translation>已平衡面板：剔除了 {count} 个有缺失年份的单元：{units}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="35" />
      <source>OLS (no spatial terms)</source>
      <translation>OLS（无空间项）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="36" />
      <source>spatial lag (SAR)</source>
      <translation>空间滞后模型（SAR）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="37" />
      <source>spatial error (SEM)</source>
      <translation>空间误差模型（SEM）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="38" />
      <source>spatial Durbin (SDM)</source>
      <translation>空间杜宾模型（SDM）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="39" />
      <source>spatial Durbin error (SDEM)</source>
      <translation>空间杜宾误差模型（SDEM）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="40" />
      <source>spatial lag of X (SLX)</source>
      <translation>解释变量空间滞后模型（SLX）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="68" />
      <source>The Durbin (W·X) variables {names} are not explanatory variables of the model; choose among {choices}.</source>
      <translation>杜宾项（W·X）变量 {names} 不是模型的解释变量；请从 {choices} 中选择。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="76" />
      <source>Unknown model “{model}”; use one of {models}.</source>
      <translation>未知的模型“{model}”；请使用以下之一：{models}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="95" />
      <source>The model has no regressor: choose at least one explanatory variable.</source>
      <translation>模型没有回归变量：请至少选择一个解释变量。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="115" />
      <source>{names} does not vary (the same value in every observation, which the constant already captures): remove it from the explanatory variables.</source>
      <translation>{names} 没有变化（每个观测值都相同，常数项已包含其作用）：请将其从解释变量中移除。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="117" />
      <source>{names} do not vary (the same value in every observation, which the constant already captures): remove {variables} from the explanatory variables.</source>
      <translation>{names} 没有变化（每个观测值都相同，常数项已包含其作用）：请将 {variables} 从解释变量中移除。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="126" />
      <source>Too few observations: {obs} for {p} coefficients. Use fewer explanatory variables or more units/years.</source>
      <translation>观测值过少：{obs} 个观测值对应 {p} 个系数。请减少解释变量，或增加单元/年份。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="132" />
      <source>The dependent variable {name} does not vary (the same value in every observation); choose another variable.</source>
      <translation>被解释变量 {name} 没有变化（每个观测值都相同）；请选择其他变量。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="134" />
      <source>The dependent variable {name} has no variation left to explain once the {effects} are removed; choose another variable or other panel effects.</source>
      <translation>去除{effects}后，被解释变量 {name} 已没有可解释的变化；请选择其他变量或其他面板效应。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="141" />
      <source>it does not vary over time within units, so unit fixed effects absorb it</source>
      <translation>它在单元内不随时间变化，被个体固定效应吸收</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="142" />
      <source>it does not vary across units within a year, so year fixed effects absorb it</source>
      <translation>它在同一年内不随单元变化，被年份固定效应吸收</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="144" />
      <source>the unit and year fixed effects absorb it (it is constant over time or across units)</source>
      <translation>它被个体和年份固定效应吸收（不随时间或不随单元变化）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="146" />
      <source>the year fixed effects absorb it</source>
      <translation>它被年份固定效应吸收</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="148" />
      <source>it is zero everywhere</source>
      <translation>它处处为零</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="149" />
      <source>{names} cannot be estimated: {reason}. Remove it or choose other panel effects.</source>
      <translation>无法估计 {names}：{reason}。请将其移除或选择其他面板效应。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="160" />
      <source>Perfect collinearity: {names} is a linear combination of the other regressors ({others}). Remove it (or one of the variables it depends on).</source>
      <translation>完全共线性：{names} 是其他回归变量（{others}）的线性组合。请将其移除（或移除其所依赖的某个变量）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/design.py" line="164" />
      <source>Perfect collinearity: {names} are linear combinations of the other regressors ({others}). Remove them (or the variables they depend on).</source>
      <translation>完全共线性：{names} 是其他回归变量（{others}）的线性组合。请将其移除（或移除其所依赖的变量）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="70" />
      <source>LM lag</source>
      <translation>LM-lag 检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="70" />
      <source>no spatial lag (ρ = 0)</source>
      <translation>无空间滞后（ρ = 0）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="71" />
      <source>Robust LM lag</source>
      <translation>稳健 LM-lag 检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="71" />
      <source>no spatial lag, robust to a spatial error</source>
      <translation>无空间滞后（对空间误差稳健）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="72" />
      <source>LM error</source>
      <translation>LM-error 检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="72" />
      <source>no spatial error (λ = 0)</source>
      <translation>无空间误差（λ = 0）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="73" />
      <source>Robust LM error</source>
      <translation>稳健 LM-error 检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="73" />
      <source>no spatial error, robust to a spatial lag</source>
      <translation>无空间误差（对空间滞后稳健）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="74" />
      <source>neither a spatial lag nor a spatial error</source>
      <translation>既无空间滞后也无空间误差</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="92" />
      <source>Wald: SDM → SAR</source>
      <translation>Wald 检验：SDM → SAR</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="97" />
      <source>θ = 0 (no W·X terms)</source>
      <translation>θ = 0（无 W·X 项）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="100" />
      <source>Wald: SDM → SEM</source>
      <translation>Wald 检验：SDM → SEM</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="111" />
      <source>θ = −ρβ (common factor: the model is a SEM)</source>
      <translation>θ = −ρβ（公因子约束：模型为 SEM）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="131" />
      <source>random effects are consistent (no correlation with the regressors)</source>
      <translation>随机效应是一致的（与回归变量不相关）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="133" />
      <source>random effects are consistent (no correlation with the regressors); V_FE − V_RE is not positive definite, so the test uses the {used} of {count} directions where it is</source>
      <translation>随机效应是一致的（与回归变量不相关）；V_FE − V_RE 不是正定矩阵，因此检验只使用其中正定的 {used} 个方向（共 {count} 个）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/diagnostics.py" line="136" />
      <source>Hausman</source>
      <translation>Hausman 检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/effects.py" line="111" />
      <source>linear in the coefficients: direct β, indirect θ (W·X), standard errors from the covariance matrix</source>
      <translation>系数的线性函数：直接效应 β，间接效应 θ（W·X），标准误由协方差矩阵计算</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/effects.py" line="113" />
      <source>no spatial multiplier: direct effect β, no spillover</source>
      <translation>无空间乘数：直接效应为 β，无溢出</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/effects.py" line="146" />
      <source>none: {draws} simulation draw(s), at least 2 are needed for standard errors; traces {traces}</source>
      <translation>无：{draws} 次模拟抽样，计算标准误至少需要 2 次；迹 {traces}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/effects.py" line="158" />
      <source>simulation: {draws} draws from the asymptotic normal distribution of (β, θ, ρ), seed {seed}; traces {traces}</source>
      <translation>模拟：从 (β, θ, ρ) 的渐近正态分布中抽样 {draws} 次，种子 {seed}；迹：{traces}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/effects.py" line="178" />
      <source>The spatial parameter's distribution lies mostly outside its admissible range; the effects cannot be simulated. Check the model (ρ is at its bound).</source>
      <translation>空间参数的分布大部分位于其容许范围之外，无法模拟效应。请检查模型（ρ 位于边界）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="130" />
      <source>The gap over time needs a panel of at least two years; this is a cross-section.</source>
      <translation>差距的时间变化需要至少两年的面板数据；当前为截面数据。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="132" />
      <source>The gap over time compares groups of cities (a category field such as region, or top and bottom shares); choose one of those groupings, not the period.</source>
      <translation>差距的时间变化比较的是城市分组（如地区等分类字段，或前后分位）；请选择其中一种分组方式，而不是按时期分组。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="176" />
      <source>The reference group “{reference}” is not one of the groups ({groups}); type one of them.</source>
      <translation>参照组“{reference}”不在各组之中（{groups}）；请填写其中之一。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="197" />
      <source>Wald: the gap of {group} against {reference} is the same in every year</source>
      <translation>Wald：{group} 相对 {reference} 的差距各年相同</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="199" />
      <source>the gap does not change over the years</source>
      <translation>差距不随年份变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="208" />
      <source>Gap over time: the key variable is interacted with every group and year on the whole panel (full W). The yearly coefficients act inside the spatial multiplier (I − ρW)⁻¹: a city's direct effect adds its feedback through its neighbours, the indirect effect the spillover.</source>
      <translation>差距的时间变化：在全部面板上（完整空间权重 W）将关键变量与每个组和每个年份交互。各年系数作用于空间乘数 (I − ρW)⁻¹ 之内：城市的直接效应还包含经由邻居的反馈，间接效应即溢出。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="212" />
      <source>Gap over time: the key variable and its W-lag are interacted with every group and year on the whole panel (full W); the gaps compare the key variable's own coefficients.</source>
      <translation>差距的时间变化：在全部面板上（完整空间权重 W）将关键变量及其空间滞后项与每个组和每个年份交互；差距比较的是关键变量本身的系数。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/elasticity_gap.py" line="214" />
      <source>Gap over time: the key variable is interacted with every group and year on the whole panel; the gaps compare its coefficients.</source>
      <translation>差距的时间变化：在全部面板上将关键变量与每个组和每个年份交互；差距比较的是其系数。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/group_effects.py" line="143" />
      <source>none: {draws} simulation draw(s), at least 2 are needed for standard errors</source>
      <translation>无：{draws} 次模拟抽样，计算标准误至少需要 2 次</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/group_effects.py" line="150" />
      <source>simulated: the effects' {draws} draws of (β, θ, ρ) (seed {seed}), the groups' effects and their differences computed draw by draw (joint draws)</source>
      <translation>模拟：沿用效应计算的 {draws} 次 (β, θ, ρ) 抽样（种子 {seed}），逐次抽样计算各组效应及其差值（联合抽样）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/group_effects.py" line="170" />
      <source>linear in the coefficients: standard errors of the effects and of their differences from the joint covariance matrix</source>
      <translation>系数的线性函数：效应及其差值的标准误由联合协方差矩阵计算</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="63" />
      <source>coefficient</source>
      <translation>系数</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="64" />
      <source>W·coefficient</source>
      <translation>W·系数</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="65" />
      <source>direct effect</source>
      <translation>直接效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="65" />
      <source>indirect effect</source>
      <translation>间接效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="66" />
      <source>total effect</source>
      <translation>总效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="68" />
      <source>middle</source>
      <translation>中间组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="85" />
      <source>Unknown grouping “{kind}”; use one of {kinds}.</source>
      <translation>未知的分组方式“{kind}”；请使用以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="89" />
      <source>The top and bottom shares must be between 0 and 100 % and add up to at most 100 % (e.g. 30 and 30).</source>
      <translation>前段和后段占比必须介于 0 到 100% 之间，且合计不超过 100%（如 30 和 30）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="160" />
      <source>Grouping by period needs a panel (several years); this is a cross-section.</source>
      <translation>按时期分组需要面板数据（多个年份）；当前为截面数据。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="164" />
      <source>The split year {year} leaves no year on one side (the panel covers {first}–{last}); choose a year inside the panel.</source>
      <translation>分界年份 {year} 使一侧没有任何年份（面板覆盖 {first}–{last}）；请选择面板期间内的年份。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="167" />
      <source>before {year}</source>
      <translation>{year} 年以前</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="168" />
      <source>{year} and after</source>
      <translation>{year} 年及以后</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="171" />
      <source>The grouping field must give one value per unit.</source>
      <translation>分组字段必须为每个单元给出一个值。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="176" />
      <source>The group field {field} is empty for {count} unit(s): {units}; fill it.</source>
      <translation>分组字段 {field} 在 {count} 个单元中为空：{units}；请补全。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="181" />
      <source>The group field {field} has a single value ({value}); it needs at least two groups.</source>
      <translation>分组字段 {field} 只有一个取值（{value}）；至少需要两个组。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="186" />
      <source>The field {field} is empty for {count} unit(s): {units}; fill it or balance the panel.</source>
      <translation>字段 {field} 在 {count} 个单元中为空：{units}；请补全或平衡面板。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="191" />
      <source>top {share} %</source>
      <translation>前 {share}%</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="192" />
      <source>bottom {share} %</source>
      <translation>后 {share}%</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="196" />
      <source>The top and bottom groups of {field} overlap (too many equal values); use smaller shares.</source>
      <translation>{field} 的前段组与后段组重叠（相同取值过多）；请使用较小的占比。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="215" />
      <source>The group “{label}” has only {count} unit(s); at least {minimum} are needed for this model. Merge it with another group, use larger shares, or choose another grouping.</source>
      <translation>组“{label}”只有 {count} 个单元；该模型至少需要 {minimum} 个。请与其他组合并、使用更大的占比，或选择其他分组方式。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="220" />
      <source>The period “{label}” has a single year; unit fixed or random effects need at least two. Move the split year or choose time effects only.</source>
      <translation>时期“{label}”只有一年；个体固定效应或随机效应至少需要两年。请调整分界年份，或只选择时间效应。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="236" />
      <source>Unknown method “{method}”; use one of {methods}.</source>
      <translation>未知方法“{method}”；请使用以下之一：{methods}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="238" />
      <source>The gap over time compares groups of cities year by year: choose a category field (e.g. region) or top and bottom shares as the grouping, not the period.</source>
      <translation>差距的时间变化逐年比较城市分组：请选择分类字段（如地区）或前后分位作为分组方式，而不是按时期分组。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="278" />
      <source>The key variable {key} is not an explanatory variable; choose one of {names}.</source>
      <translation>关键变量 {key} 不是解释变量；请从 {names} 中选择。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="308" />
      <source>No inference on the direct, indirect and total effects (simulation draws = {draws}): they have no standard errors (and, with separate models, their differences between groups are not tested). Set at least 2 draws (e.g. 1000) in the advanced options.</source>
      <translation>直接效应、间接效应和总效应没有推断（模拟抽样次数 = {draws}）：它们没有标准误（分组分别估计时，组间差异也不做检验）。请在高级选项中设置至少 2 次抽样（如 1000）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="342" />
      <source>Within the group “{label}”, {count} unit(s) have no neighbour among the group's units: {units}. Weights restricted to a group of scattered cities leave islands. Use k-nearest neighbours (rebuilt within each group), the interaction method, or turn on “Leave out units without neighbours”.</source>
      <translation>在组“{label}”内，{count} 个单元在组内没有邻居：{units}。将权重限制在空间分散的城市组内会产生孤岛。请使用 k 近邻（在各组内重新构建）、交互模型方法，或勾选“剔除没有邻居的单元”。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="349" />
      <source>{group}: {note}</source>
      <translation>{group}：{note}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="382" />
      <source>z test, independent estimates</source>
      <translation>z 检验，独立估计</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="388" />
      <source>Cochran's Q: {quantity} of {key} equal in all groups</source>
      <translation>Cochran's Q 检验：{key} 的{quantity}在各组相等</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="389" />
      <source>the groups share one value</source>
      <translation>各组取值相同</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="397" />
      <source>The gap over time needs a panel (several years); this is a cross-section.</source>
      <translation>差距的时间变化需要面板数据（多个年份）；当前为截面数据。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="403" />
      <source>all units (group × year interactions)</source>
      <translation>全部单元（组 × 年份交互）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="421" />
      <source>The groups do not cover every observation; the interaction model needs them to.</source>
      <translation>分组未覆盖全部观测值；交互模型要求分组覆盖全部观测值。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="434" />
      <source>Interaction model: the key variable is interacted with each group's dummy on the whole sample (full W); the group coefficients and their W-lags are compared with their joint covariance (Wald tests).</source>
      <translation>交互模型：在全样本（完整 W）上将关键变量与各组虚拟变量交互；以联合协方差比较各组系数及其空间滞后项（Wald 检验）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="437" />
      <source>Interaction model: the key variable is interacted with each group's dummy on the whole sample (full W); the group coefficients are compared with their joint covariance (Wald tests).</source>
      <translation>交互模型：在全样本（完整 W）上将关键变量与各组虚拟变量交互；以联合协方差比较各组系数（Wald 检验）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="446" />
      <source>Interaction model by period: each city keeps one fixed effect over all years and the periods share ρ, σ² and the other coefficients, so the shift in a city's {key} between the periods also identifies the period coefficients. Its standard errors are therefore smaller than those of separate models, which give each city one effect per period; if cities' levels shift between the periods for reasons outside the model, the interaction test overstates the evidence and the separate models' test is the safer one. Both assume errors independent over a city's years; errors correlated within cities make these standard errors too small.</source>
      <translation>按时期的交互模型：每个城市在全部年份只有一个固定效应，各时期共用 ρ、σ² 及其他系数，因此城市 {key} 在两个时期之间的变化也参与识别时期系数。其标准误因此小于分时期模型的标准误（后者为每个城市在每个时期各设一个固定效应）；若城市水平因模型以外的原因在两个时期之间发生变化，交互模型的检验会高估证据，此时分时期模型的检验更稳妥。两者都假定同一城市各年的误差相互独立；若城市内部误差相关，这些标准误会偏小。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="455" />
      <source>all units (interaction model)</source>
      <translation>全部单元（交互模型）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="468" />
      <source>Wald, joint covariance</source>
      <translation>Wald 检验，联合协方差</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="475" />
      <source>Wald: {quantity} of {key} equal in all groups</source>
      <translation>Wald 检验：{key} 的{quantity}在各组相等</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="495" />
      <source>Effects by group (interaction model): a group's direct effect is the mean, over its cities, of the effect on a city of raising {key} in that city (feedback through the neighbours included), its total effect the mean, over its cities, of the effect on all cities of raising {key} in one of them (LeSage–Pace with the group's coefficients and the common ρ: the diagonal and column sums of the effect matrix over the group's cities), the indirect effect their difference; per year in a panel. Standard errors and the differences between groups: {method}.</source>
      <translation>分组效应（交互模型）：某组的直接效应是在该组各城市中，提高某城市的 {key} 对该城市自身的效应（含经由邻近城市的反馈）的平均值；总效应是在该组各城市中，提高其中一个城市的 {key} 对所有城市的效应之和的平均值（LeSage–Pace 方法，使用该组系数和共同的 ρ：效应矩阵在该组城市上的对角元素与列和）；间接效应为两者之差；面板数据中为每年的效应。标准误及组间差异：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/heterogeneity.py" line="511" />
      <source>simulated, joint draws</source>
      <translation>模拟，联合抽样</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/lee_yu.py" line="33" />
      <source>Unit fixed effects need at least two years.</source>
      <translation>个体固定效应至少需要两年。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/lee_yu.py" line="35" />
      <source>Lee–Yu correction: σ² × T/(T − 1) = × {factor} (unit fixed effects).</source>
      <translation>Lee–Yu 修正：σ² × T/(T − 1) = × {factor}（个体固定效应）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/lee_yu.py" line="39" />
      <source>Lee–Yu correction: σ² × n/(n − 1) = × {factor} (year fixed effects).</source>
      <translation>Lee–Yu 修正：σ² × n/(n − 1) = × {factor}（年份固定效应）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/lee_yu.py" line="49" />
      <source>{model}: the Lee–Yu correction moves {name} to {value:.4f}, outside its admissible range; the estimate is at the edge of the model. Turn the bias correction off or choose another model.</source>
      <translation>{model}：Lee–Yu 修正使 {name} 变为 {value:.4f}，超出其容许范围；估计值位于模型边界。请关闭偏误修正或选择其他模型。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/lee_yu.py" line="53" />
      <source>Lee–Yu correction (two-way fixed effects): {name} {before} → {after}, σ² {sigma2} → {corrected}, β shifted accordingly.</source>
      <translation>Lee–Yu 修正（双向固定效应）：{name} {before} → {after}，σ² {sigma2} → {corrected}，β 相应调整。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/likelihood.py" line="53" />
      <source>{model}: the data are fitted exactly (σ² = {sigma2:.3g}, practically zero), so the likelihood is unbounded and the estimates are meaningless. This happens with too few units for the model, or when an explanatory variable (or its spatial lag) reproduces {dependent}: use more units or remove that variable, or choose another model.</source>
      <translation>{model}：数据被完全拟合（σ² = {sigma2:.3g}，实际为零），因此似然函数无界，估计结果没有意义。这通常是因为单元数对该模型而言太少，或某个解释变量（或其空间滞后项）复现了 {dependent}：请增加单元、移除该变量，或选择其他模型。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/likelihood.py" line="83" />
      <source>{model}: the spatial parameter {name} = {value:.4f} reached the bound of its admissible range ({lower:.4f}, {upper:.4f}); the likelihood has no interior maximum away from it. Check the spatial weights (row-standardised weights are expected), add year fixed effects if all units share a trend, or choose another model.</source>
      <translation>{model}：空间参数 {name} = {value:.4f} 达到了其容许范围（{lower:.4f}, {upper:.4f}）的边界；似然函数在边界之外没有内部最大值。请检查空间权重（应为行标准化权重）；若所有单元有共同趋势，请加入年份固定效应；或选择其他模型。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/ols.py" line="33" />
      <source>clustered by city (CR1, {clusters} clusters)</source>
      <translation>按城市聚类（CR1，{clusters} 个聚类）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/ols.py" line="35" />
      <source>heteroskedasticity-robust (HC1; one observation per city)</source>
      <translation>异方差稳健（HC1；每个城市一个观测）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/ols.py" line="49" />
      <source>OLS (s² with {df} degrees of freedom)</source>
      <translation>OLS（s² 的自由度为 {df}）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/random_effects.py" line="34" />
      <source>Random effects are available for OLS, SLX, SAR and SDM, not for {model} (its error covariance mixes the random effect with the spatial filter). Use fixed effects, or the SDM.</source>
      <translation>随机效应适用于 OLS、SLX、SAR 和 SDM，不适用于 {model}（其误差协方差将随机效应与空间滤波混在一起）。请使用固定效应，或 SDM。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/random_effects.py" line="38" />
      <source>Random effects need a panel (several years); a cross-section has none.</source>
      <translation>随机效应需要面板数据（多个年份）；截面数据没有随机效应。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/random_effects.py" line="64" />
      <source>φ = 1: the unit random effects have zero variance (σ²_μ = 0); the estimates are the pooled ones.</source>
      <translation>φ = 1：个体随机效应的方差为零（σ²_μ = 0）；估计结果即混合回归的结果。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/random_effects.py" line="67" />
      <source>{model} with random effects: φ reached 0 (the unit effects dominate); use unit fixed effects instead.</source>
      <translation>{model} 随机效应：φ 达到 0（个体效应占主导）；请改用个体固定效应。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/random_effects.py" line="96" />
      <source>Random effects: φ = {phi}, σ²_μ = {sigma2_mu} (σ² = {sigma2}).</source>
      <translation>随机效应：φ = {phi}，σ²_μ = {sigma2_mu}（σ² = {sigma2}）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/random_effects.py" line="104" />
      <source>numerical Hessian of the log-likelihood</source>
      <translation>对数似然函数的数值 Hessian 矩阵</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="50" />
      <source>Random</source>
      <translation>随机</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="95" />
      <source>φ (random effects)</source>
      <translation>φ（随机效应）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="100" />
      <source>Indirect</source>
      <translation>间接效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="100" />
      <source>Total</source>
      <translation>总效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="110" />
      <source>Estimates of {dependent} ({effects}); † the chosen model</source>
      <translation>{dependent}的估计结果（{effects}）；† 为所选模型</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="123" />
      <source>Direct, indirect (spillover) and total effects: {model}</source>
      <translation>直接效应、间接效应（溢出效应）和总效应：{model}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="124" />
      <source>Effects (LeSage and Pace): {method}.</source>
      <translation>效应（LeSage 和 Pace）：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="134" />
      <source>Test</source>
      <translation>检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="134" />
      <source>Null hypothesis</source>
      <translation>原假设</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="134" />
      <source>df</source>
      <translation>自由度</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="143" />
      <source>Model: {model}; dependent variable: {dependent}.</source>
      <translation>模型：{model}；被解释变量：{dependent}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="145" />
      <source>Panel effects: {effects}; {units} units × {years} year(s) = {obs} observations.</source>
      <translation>面板效应：{effects}；{units} 个单元 × {years} 年 = {obs} 个观测值。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="147" />
      <source>Log-determinants and traces: {method}.</source>
      <translation>对数行列式与迹：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="148" />
      <source>Standard errors: {kind}.</source>
      <translation>标准误：{kind}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="151" />
      <source>Years: {first}–{last}.</source>
      <translation>年份：{first}–{last}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="153" />
      <source>Fixed-effects estimates corrected for the incidental-parameter bias (Lee and Yu 2010), as Elhorst's Matlab routines do.</source>
      <translation>固定效应估计已按 Elhorst 的 Matlab 程序做法修正偶发参数偏误（Lee 和 Yu 2010）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="159" />
      <source>Term</source>
      <translation>项</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="159" />
      <source>Estimate</source>
      <translation>估计值</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="159" />
      <source>Bootstrap SE</source>
      <translation>自助法标准误</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="162" />
      <source>{model}: wild cluster bootstrap by city, percentile 95 % intervals.</source>
      <translation>{model}：按城市的野聚类自助法，百分位 95% 区间。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="164" />
      <source>Effects</source>
      <translation>效应</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="166" />
      <source>Inference: {method}.</source>
      <translation>推断：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="168" />
      <source>{count} draws with ρ outside its admissible range were replaced.</source>
      <translation>有 {count} 次抽样的 ρ 超出容许范围，已重新抽样替换。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="171" />
      <source>Specification tests</source>
      <translation>模型设定检验</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="173" />
      <source>LM tests on OLS with the same panel effects; LR tests compare maximised log-likelihoods; Wald tests use the chosen model's covariance.</source>
      <translation>LM 检验基于含相同面板效应的 OLS；LR 检验比较最大化的对数似然值；Wald 检验使用所选模型的协方差矩阵。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="181" />
      <source>Notes</source>
      <translation>注释</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="239" />
      <source>{kind} effect of {key}</source>
      <translation>{key}的{kind}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="247" />
      <source>All</source>
      <translation>全样本</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="255" />
      <source>{model} of {dependent} by group ({effects})</source>
      <translation>{dependent}的{model}分组估计（{effects}）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="272" />
      <source>Groups</source>
      <translation>分组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="276" />
      <source>Group</source>
      <translation>组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="276" />
      <source>Years</source>
      <translation>年数</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="281" />
      <source>Does the effect of {key} differ between groups?</source>
      <translation>{key}的效应在组间是否存在差异？</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>Quantity</source>
      <translation>比较量</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>Group A</source>
      <translation>组 A</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>Group B</source>
      <translation>组 B</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>A</source>
      <translation>A</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>B</source>
      <translation>B</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>A − B</source>
      <translation>A − B</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="282" />
      <source>A / B</source>
      <translation>A / B</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="283" />
      <source>SE of A − B</source>
      <translation>A − B 的标准误</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="289" />
      <source>Test: {method}.</source>
      <translation>检验方法：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="305" />
      <source>{quantities}: {method}</source>
      <translation>{quantities}：{method}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="311" />
      <source>The effect of {key} by group and year</source>
      <translation>{key} 的效应（分组、分年份）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="312" />
      <source>Coefficient of {key}</source>
      <translation>{key} 的系数</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="312" />
      <source>Gap</source>
      <translation>差距</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="313" />
      <source>Each group's coefficient (95 % interval)</source>
      <translation>各组系数（95% 区间）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="314" />
      <source>Gap against {reference}</source>
      <translation>相对 {reference} 的差距</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="314" />
      <source>Linear trend</source>
      <translation>线性趋势</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="315" />
      <source>95 % interval</source>
      <translation>95 % 区间</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="322" />
      <source>The gap over time</source>
      <translation>差距的时间变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="323" />
      <source>One model with {key} interacted with every group and year. The gap of a group is its coefficient minus that of the reference group, {reference}, in the same year; its trend is the least-squares slope of the gap on the year, tested with the coefficients' joint covariance.</source>
      <translation>一个模型中将 {key} 与每个组和每个年份交互。某组的差距为其系数减去同年参照组（{reference}）的系数；差距的趋势为差距对年份的最小二乘斜率，用系数的联合协方差检验。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="334" />
      <source>{group} − {reference}</source>
      <translation>{group} − {reference}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="342" />
      <source>Coefficients with standard errors in parentheses; gaps with their 95 % intervals in brackets. Standard errors: {se}.</source>
      <translation>系数后括号内为标准误；差距后方括号内为 95% 区间。标准误：{se}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="344" />
      <source>Trend of the gap per year</source>
      <translation>差距的年均趋势</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="344" />
      <source>SE</source>
      <translation>标准误</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="345" />
      <source>Change {first}–{last}</source>
      <translation>{first}–{last} 年的变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="346" />
      <source>Same gap every year: χ²</source>
      <translation>各年差距相同：χ²</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/report.py" line="352" />
      <source>If the cities' own effects differ within a group (e.g. by openness), a yearly coefficient also reflects which of its cities grow the most that year, and a city's errors are correlated over the years: prefer standard errors clustered by city (least squares) or the wild cluster bootstrap by city (advanced option “Standard errors”) for these intervals and tests.</source>
      <translation>若组内各城市的自身效应不同（如因开放度而异），各年系数也会反映当年哪些城市增长最多，且同一城市的误差在各年之间相关：这些区间和检验宜使用按城市聚类的标准误（最小二乘模型）或按城市的野聚类自助法（高级选项“标准误”）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/results.py" line="52" />
      <source>asymptotic (information matrix)</source>
      <translation>渐近（信息矩阵）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/results.py" line="133" />
      <source>R² within</source>
      <translation>组内 R²</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="83" />
      <source>Unknown kind of change “{kind}”; use one of {kinds}.</source>
      <translation>未知的变化方式“{kind}”；请使用以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="86" />
      <source>The change of the policy variable must be a finite number (e.g. 0.1).</source>
      <translation>政策变量的变化必须是有限数值（如 0.1）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="156" />
      <source>{count} chosen unit(s) are not in the model (left out for missing values or as islands) and get no change: {units}.</source>
      <translation>{count} 个所选单元不在模型中（因缺失值或孤岛被剔除），不产生变化：{units}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="159" />
      <source>No city is chosen for the policy: choose cities (selected features, an expression or a field with 1 for the chosen cities) that are in the model.</source>
      <translation>没有城市被选中实施政策：请选择模型中的城市（选中的要素、表达式，或所选城市为 1 的字段）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="329" />
      <source>The policy variable {name} is not an explanatory variable of the model; add it to the explanatory variables or choose one of {choices}.</source>
      <translation>政策变量 {name} 不是模型的解释变量；请将其加入解释变量，或从以下变量中选择：{choices}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="370" />
      <source>The policy variable {name} has no usable value in some chosen cities.</source>
      <translation>政策变量 {name} 在部分所选城市中没有可用的值。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="374" />
      <source>Every chosen city already has {name} at or above the target {target}: the policy changes nothing. Choose a higher target or other cities.</source>
      <translation>所有所选城市的 {name} 都已达到或超过目标值 {target}：政策不产生任何变化。请选择更高的目标值或其他城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="377" />
      <source>The policy changes nothing (a change of zero, or {name} is zero in the chosen cities for a percentage): choose a change other than zero.</source>
      <translation>政策不产生任何变化（变化量为零，或按百分比变化时所选城市的 {name} 为零）：请选择非零的变化。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="380" />
      <source>{count} chosen city(ies) already at or above the target {target} get no change.</source>
      <translation>{count} 个所选城市已达到或超过目标值 {target}，不产生变化。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="419" />
      <source>simulation: the effects' {draws} draws of (β, θ, ρ), seed {seed}; each city's change from sparse LU solves at {nodes} Chebyshev points of ρ (the sums of the own parts at {sum_nodes}), interpolated to each draw; 95 % intervals from the 2.5 and 97.5 percentiles</source>
      <translation>模拟：与效应相同的 {draws} 次 (β, θ, ρ) 抽样，种子 {seed}；每个城市的变化由 ρ 的 {nodes} 个切比雪夫点上的稀疏 LU 求解（自身变化之和用 {sum_nodes} 个点）插值到每次抽样；95 % 区间取 2.5 和 97.5 百分位数</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="424" />
      <source>none: {draws} simulation draw(s), at least 2 are needed for intervals</source>
      <translation>无：模拟抽样 {draws} 次，计算区间至少需要 2 次</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="457" />
      <source>linear in the coefficients: standard errors from the covariance matrix, normal 95 % intervals</source>
      <translation>对系数为线性：标准误来自协方差矩阵，正态 95 % 区间</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario.py" line="459" />
      <source>no spatial multiplier and no W·X term for the policy variable: each city's change is its own (β·Δx), there is no spillover; normal 95 % intervals</source>
      <translation>无空间乘数且政策变量无 W·X 项：每个城市的变化仅为自身变化（β·Δx），没有溢出；正态 95 % 区间</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="28" />
      <source>{name} raised by {delta} in the chosen cities</source>
      <translation>所选城市的 {name} 提高 {delta}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="31" />
      <source>{name} raised by {delta} % of its value in the chosen cities</source>
      <translation>所选城市的 {name} 提高其取值的 {delta} %</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="33" />
      <source>{name} raised to {delta} in the chosen cities below it</source>
      <translation>所选城市中低于 {delta} 的 {name} 提高到 {delta}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="47" />
      <source>Policy</source>
      <translation>政策</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="50" />
      <source>Policy: {policy}; {chosen} of {units} cities chosen, total change of {name} {dx} (baseline: the latest year).</source>
      <translation>政策：{policy}；{units} 个城市中选中 {chosen} 个，{name} 的总变化为 {dx}（基准：最近一年）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="54" />
      <source>Model: {model} of {dependent}, {effects}; {units} units × {years} year(s).</source>
      <translation>模型：{dependent}的{model}，{effects}；{units} 个单元 × {years} 年。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="64" />
      <source>Predicted change of {dependent}</source>
      <translation>{dependent} 的预测变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="65" />
      <source>Own change (the cities' own investment)</source>
      <translation>自身变化（城市自身投资）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="66" />
      <source>Received spillover (from other cities' investment)</source>
      <translation>获得的溢出（来自其他城市的投资）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="67" />
      <source>Total change</source>
      <translation>总变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="70" />
      <source>Sum over all cities</source>
      <translation>所有城市合计</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="73" />
      <source>Spatial multiplier of the policy: the total change is {ratio} times the own change; {share} % of it is spillover.</source>
      <translation>政策的空间乘数：总变化是自身变化的 {ratio} 倍；其中 {share} % 为溢出。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="79" />
      <source>Cities without the policy receive {received} in total ({count} cities).</source>
      <translation>未实施政策的城市共获得 {received}（{count} 个城市）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="81" />
      <source>Intervals: {method}.</source>
      <translation>区间：{method}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="83" />
      <source>Cities with the largest change</source>
      <translation>变化最大的城市</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="85" />
      <source>City</source>
      <translation>城市</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="85" />
      <source>Chosen</source>
      <translation>是否选中</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="85" />
      <source>Change of {name}</source>
      <translation>{name} 的变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="85" />
      <source>Own</source>
      <translation>自身</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="86" />
      <source>Received</source>
      <translation>获得溢出</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="87" />
      <source>yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/scenario_report.py" line="87" />
      <source>no</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spectrum.py" line="66" />
      <source>exact, from the {n} complex eigenvalues of W</source>
      <translation>精确计算，基于 W 的 {n} 个复特征值</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spectrum.py" line="67" />
      <source>exact, from the {n} real eigenvalues of W</source>
      <translation>精确计算，基于 W 的 {n} 个实特征值</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spectrum.py" line="68" />
      <source>sparse LU log-determinants; Monte-Carlo traces ({probes} Rademacher probes, powers up to {powers})</source>
      <translation>稀疏 LU 分解计算对数行列式；蒙特卡洛方法估计迹（{probes} 个 Rademacher 探针，幂次最高 {powers}）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="70" />
      <source>Unknown panel effects “{effects}”; use one of {choices}.</source>
      <translation>未知的面板效应“{effects}”；请使用以下之一：{choices}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="73" />
      <source>The number of simulation draws must be positive (e.g. 1000).</source>
      <translation>模拟抽样次数必须为正（如 1000）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="75" />
      <source>Unknown type of standard errors “{kind}”; use one of {kinds}.</source>
      <translation>未知的标准误类型“{kind}”；请使用以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="109" />
      <source>The spatial weights have no entry for the unit(s) {units}; build the weights from the same layer (and id field).</source>
      <translation>空间权重中缺少单元 {units}；请由同一图层（及同一标识字段）构建空间权重。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="123" />
      <source>Maximum-likelihood spatial models need every unit to have a neighbour, but {count} unit(s) have none with these weights: {units}. Use k-nearest neighbours (every unit then has k neighbours), or turn on “Leave out units without neighbours”.</source>
      <translation>极大似然空间模型要求每个单元都有邻居，但在这些权重下有 {count} 个单元没有邻居：{units}。请使用 k 近邻（每个单元都有 k 个邻居），或勾选“剔除没有邻居的单元”。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="129" />
      <source>{count} unit(s) without neighbours were left out: {units}.</source>
      <translation>已剔除 {count} 个没有邻居的单元：{units}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="193" />
      <source>No inference on the direct, indirect and total effects (simulation draws = {draws}): they are point estimates, without standard errors, z, p or stars. Set at least 2 draws (e.g. 1000) in the advanced options.</source>
      <translation>直接效应、间接效应和总效应没有推断（模拟抽样次数 = {draws}）：它们只是点估计，没有标准误、z、p 值和显著性星号。请在高级选项中设置至少 2 次抽样（如 1000）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="203" />
      <source>Units without neighbours: the maximum-likelihood models were not estimated for comparison.</source>
      <translation>存在没有邻居的单元：未估计用于比较的极大似然模型。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="210" />
      <source>The {model} model was left out of the comparison table and of the tests that need it: {reason}</source>
      <translation>{model} 模型已从比较表及需要它的检验中剔除：{reason}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="217" />
      <source>The LM tests were left out: {reason}</source>
      <translation>LM 检验已省略：{reason}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="222" />
      <source>{model}: {note}</source>
      <translation>{model}：{note}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="260" />
      <source>Standard errors clustered by city are computed for the least-squares models (OLS, SLX) only: the {model} model keeps its information-matrix standard errors. Choose the wild cluster bootstrap by city for standard errors of the {model} model that are robust to errors correlated within a city.</source>
      <translation>按城市聚类的标准误只对最小二乘模型（OLS、SLX）计算：{model} 模型仍采用信息矩阵标准误。若要 {model} 模型的标准误对城市内相关的误差稳健，请选择按城市的野聚类自助法。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="273" />
      <source>Standard errors clustered by city and the wild cluster bootstrap are available for pooled and fixed-effects models, not with {effects}: choose city and/or year fixed effects, or “information matrix” standard errors.</source>
      <translation>按城市聚类的标准误和野聚类自助法适用于混合模型和固定效应模型，不适用于{effects}：请选择城市和/或年份固定效应，或选择“信息矩阵”标准误。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="288" />
      <source>LR: SDM → SAR</source>
      <translation>LR 检验：SDM → SAR</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="288" />
      <source>θ = 0 (the SDM reduces to the SAR)</source>
      <translation>θ = 0（SDM 退化为 SAR）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="291" />
      <source>LR: SDM → SEM</source>
      <translation>LR 检验：SDM → SEM</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="291" />
      <source>θ = −ρβ (the SDM reduces to the SEM)</source>
      <translation>θ = −ρβ（SDM 退化为 SEM）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="295" />
      <source>LR: SDEM → SEM</source>
      <translation>LR 检验：SDEM → SEM</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="295" />
      <source>θ = 0 (the SDEM reduces to the SEM)</source>
      <translation>θ = 0（SDEM 退化为 SEM）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="297" />
      <source>LR: SDEM → SLX</source>
      <translation>LR 检验：SDEM → SLX</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="297" />
      <source>λ = 0 (the SDEM reduces to the SLX)</source>
      <translation>λ = 0（SDEM 退化为 SLX）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="299" />
      <source>LR: SDM → SLX</source>
      <translation>LR 检验：SDM → SLX</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="299" />
      <source>ρ = 0 (the SDM reduces to the SLX)</source>
      <translation>ρ = 0（SDM 退化为 SLX）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/spillover.py" line="317" />
      <source>The Hausman test was left out: the {model} model with {effects} could not be estimated: {reason}</source>
      <translation>Hausman 检验已省略：含{effects}的 {model} 模型无法估计：{reason}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="146" />
      <source>Choose between 1 and {n} cities (asked for {k}).</source>
      <translation>请选择 1 到 {n} 个城市（当前为 {k} 个）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="157" />
      <source>The target group of cities is empty: choose at least one city whose gain counts.</source>
      <translation>目标城市组为空：请至少选择一个计入收益的城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="186" />
      <source>Every city needs a cost that is a number ≥ 0; fill the cost field.</source>
      <translation>每个城市都需要一个 ≥ 0 的成本数值；请填写成本字段。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="188" />
      <source>The budget must be a positive number (in the units of the cost field).</source>
      <translation>预算必须为正数（单位与成本字段相同）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="190" />
      <source>Only {count} candidate cities for {k} to choose: choose fewer cities or more candidates.</source>
      <translation>要选择 {k} 个城市，但只有 {count} 个候选城市：请减少要选择的城市数，或增加候选城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="238" />
      <source>No choice of cities was found within the time limit; raise the time limit.</source>
      <translation>在时间限制内未找到城市组合；请提高时间限制。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="248" />
      <source>ranking (exact: the objective is linear)</source>
      <translation>排序（精确：目标函数为线性）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="251" />
      <source>0–1 knapsack (integer programme, HiGHS)</source>
      <translation>0–1 背包问题（整数规划，HiGHS）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="282" />
      <source>Among the choices with the largest smallest gain, the one with the most total gain is not proven within the time limit ({status}).</source>
      <translation>在最小增益最大的各组合中，总增益最大的组合未能在时间限制内得到证明（{status}）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="298" />
      <source>max–min integer programme (HiGHS)</source>
      <translation>最大最小整数规划（HiGHS）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="458" />
      <source>threshold search over covering programmes (HiGHS, {steps} steps)</source>
      <translation>基于覆盖规划的阈值搜索（HiGHS，{steps} 步）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="489" />
      <source>the total-gain optimum, which keeps the gap ({method})</source>
      <translation>总增益最优解，它未扩大差距（{method}）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="497" />
      <source>integer programme with the gap row (HiGHS)</source>
      <translation>含差距约束的整数规划（HiGHS）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="499" />
      <source>No city can be chosen without widening the gap between the groups: every candidate raises the leading group more than the lagging one. Allow candidates in or near the lagging group, or choose the total gain.</source>
      <translation>无法在不扩大组间差距的前提下选择任何城市：每个候选城市对领先组的提升都大于对落后组的提升。请允许落后组内或其附近的候选城市，或选择总增益目标。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="565" />
      <source>The share of the least resilient cities must be above 0 % and at most 100 % (asked for {share:g} %).</source>
      <translation>韧性最低城市的比例必须大于 0 % 且不超过 100 %（当前为 {share:g} %）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="581" />
      <source>The {group} is empty: correct its expression so that it holds at least one city.</source>
      <translation>{group}为空：请更正其表达式，使其至少包含一个城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="596" />
      <source>Unknown objective “{objective}”; use one of {objectives}.</source>
      <translation>未知的目标“{objective}”；请使用以下之一：{objectives}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="601" />
      <source>candidate group</source>
      <translation>候选城市组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="602" />
      <source>target group (cities whose gain counts)</source>
      <translation>目标城市组（计入增益的城市）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="603" />
      <source>lagging group</source>
      <translation>落后组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="605" />
      <source>The gap objective needs the lagging group (e.g. the central and western cities): give its expression.</source>
      <translation>缩小差距目标需要落后组（如中西部城市）：请给出其表达式。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="608" />
      <source>leading group</source>
      <translation>领先组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="613" />
      <source>{count} cities are in both the leading and the lagging group; make the two expressions exclusive.</source>
      <translation>{count} 个城市同时属于领先组和落后组；请使两个表达式互斥。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="640" />
      <source>No city is worth choosing: the policy gains nothing in the target cities (or nothing fits the budget).</source>
      <translation>没有值得选择的城市：该政策在目标城市中没有增益（或没有城市符合预算）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="644" />
      <source>{count} cities chosen, not {k}: any more would lower the objective or widen the gap.</source>
      <translation>选择了 {count} 个城市而非 {k} 个：再多选会降低目标值或扩大差距。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting.py" line="701" />
      <source>No set of cities fits the budget within the time limit; raise the time limit.</source>
      <translation>在时间限制内未找到符合预算的城市组合；请延长时间限制。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="25" />
      <source>Total gain in the target cities</source>
      <translation>目标城市的总增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="26" />
      <source>Raise the worst-off: the smallest gain among the least resilient cities</source>
      <translation>提升最弱势城市：韧性最低城市中的最小增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="27" />
      <source>Close the gap: the most total gain without widening the gap between the groups</source>
      <translation>缩小差距：在不扩大组间差距的前提下总增益最大</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="31" />
      <source>The choice</source>
      <translation>所选方案</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="31" />
      <source>Total-gain optimum</source>
      <translation>总增益最优解</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="32" />
      <source>Naive: highest current policy variable</source>
      <translation>朴素选择：政策变量当前值最高</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="33" />
      <source>Naive: least resilient cities first</source>
      <translation>朴素选择：韧性最低的城市优先</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="41" />
      <source>not proven optimal ({status}; gap unknown)</source>
      <translation>未证明为最优（{status}；差距未知）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="42" />
      <source>not proven optimal ({status}; gap {gap})</source>
      <translation>未证明为最优（{status}；最优性差距 {gap}）</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="51" />
      <source>Policy and objective</source>
      <translation>政策与目标</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="54" />
      <source>Policy: {policy}. Model: {model} of {dependent}, {effects}; {units} units.</source>
      <translation>政策：{policy}。模型：{dependent} 的{model}，{effects}；{units} 个单元。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="57" />
      <source>Objective: {objective}.</source>
      <translation>目标：{objective}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="60" />
      <source>Limit: a budget of {budget} (units of the cost field); {candidates} candidate cities.</source>
      <translation>限制：预算 {budget}（成本字段的单位）；{candidates} 个候选城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="63" />
      <source>Limit: at most {k} cities of {candidates} candidates.</source>
      <translation>限制：在 {candidates} 个候选城市中至多选择 {k} 个。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="65" />
      <source>Gains are predicted changes of {dependent}; the total is over the {target} target cities. The least resilient cities are the {worst} target cities with the lowest current {dependent}.</source>
      <translation>增益为 {dependent} 的预测变化；总增益为 {target} 个目标城市之和。韧性最低的城市为当前 {dependent} 最低的 {worst} 个目标城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="70" />
      <source>Groups: {lagging} lagging cities (mean {dependent} {lag_mean}) and {leading} leading cities (mean {lead_mean}): a gap of {gap}.</source>
      <translation>分组：落后组 {lagging} 个城市（{dependent} 均值 {lag_mean}），领先组 {leading} 个城市（均值 {lead_mean}）：差距为 {gap}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="78" />
      <source>{count} cities chosen by {method}: {certainty}.</source>
      <translation>通过{method}选择了 {count} 个城市：{certainty}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="81" />
      <source>The total-gain optimum it is compared with: {method}, {certainty}.</source>
      <translation>与之比较的总增益最优解：{method}，{certainty}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="85" />
      <source>Chosen cities</source>
      <translation>所选城市</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="91" />
      <source>Rank by total gain</source>
      <translation>按总增益排名</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="91" />
      <source>Gain in the target cities</source>
      <translation>目标城市中的增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="93" />
      <source>Current {name}</source>
      <translation>当前 {name}</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="95" />
      <source>Change of {name} in the city</source>
      <translation>该城市 {name} 的变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="100" />
      <source>Gains of the least resilient cities</source>
      <translation>韧性最低城市的增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="110" />
      <source>The {shown} with the lowest {name} of {count}; the layer holds every city.</source>
      <translation>{count} 个城市中 {name} 最低的 {shown} 个；图层包含所有城市。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="123" />
      <source>Choice</source>
      <translation>方案</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="124" />
      <source>Cost</source>
      <translation>成本</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="125" />
      <source>Total gain</source>
      <translation>总增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="125" />
      <source>Smallest gain of the least resilient</source>
      <translation>韧性最低城市的最小增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="125" />
      <source>Mean gain of the least resilient</source>
      <translation>韧性最低城市的平均增益</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="127" />
      <source>Mean gain, lagging group</source>
      <translation>平均增益，落后组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="127" />
      <source>Mean gain, leading group</source>
      <translation>平均增益，领先组</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="127" />
      <source>Change of the gap</source>
      <translation>差距的变化</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="139" />
      <source>Price of fairness: the choice gives up {price} of the total gain of the total-gain optimum ({share} %).</source>
      <translation>公平的代价：该方案比总增益最优解少 {price} 的总增益（{share} %）。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="144" />
      <source>Against “{naive}”: objective {value} instead of {naive_value}.</source>
      <translation>相对“{naive}”：目标值为 {value}，而非 {naive_value}。</translation>
    </message>
    <message>
      <location filename="../../core/econometrics/targeting_report.py" line="147" />
      <source>The gap changes by {change} with the choice (to {after}) and by {optimum} with the total-gain optimum; below zero it narrows.</source>
      <translation>所选方案使差距变化 {change}（变为 {after}），总增益最优解使其变化 {optimum}；小于零表示差距缩小。</translation>
    </message>
    <message>
      <location filename="../../core/errors.py" line="99" />
      <source>{items} and {count} more</source>
      <translation>{items} 等（另有 {count} 个）</translation>
    </message>
    <message>
      <location filename="../../core/geodesy.py" line="70" />
      <source>planar, in the layer's units (the layer has no CRS)</source>
      <translation>平面距离，采用图层单位（图层没有坐标参考系）</translation>
    </message>
    <message>
      <location filename="../../core/geodesy.py" line="77" />
      <source>geodesic on the {ellipsoid} ellipsoid</source>
      <translation>{ellipsoid} 椭球面上的大地线距离</translation>
    </message>
    <message>
      <location filename="../../core/geodesy.py" line="80" />
      <source>geodesic on the {ellipsoid} ellipsoid (points of {crs} taken back to longitude/latitude)</source>
      <translation>{ellipsoid} 椭球面上的大地线距离（{crs} 中的点先反算为经纬度）</translation>
    </message>
    <message>
      <location filename="../../core/geodesy.py" line="86" />
      <source>planar, straight lines in {crs}</source>
      <translation>平面距离，{crs} 中的直线距离</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="55" />
      <source>weighting method</source>
      <translation>赋权方法</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="56" />
      <source>standardisation</source>
      <translation>标准化方法</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="57" />
      <source>pooling</source>
      <translation>面板合并方式</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="59" />
      <source>Unknown {what} “{value}”; use one of {allowed}.</source>
      <translation>未知的{what}“{value}”；请使用以下之一：{allowed}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="62" />
      <source>The entropy shift must be ≥ 0 and &lt; 1 (usually 0.0001); it is {shift}.</source>
      <translation>熵权法的平移量必须 ≥ 0 且 &lt; 1（通常为 0.0001）；当前为 {shift}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="81" />
      <source>Indicators {codes} are not numeric fields; convert them to numbers (Field calculator: to_real) or fix the join.</source>
      <translation>指标 {codes} 不是数值字段；请将其转换为数值（字段计算器：to_real）或修正连接。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="89" />
      <source>The layer has no indicator {codes}; the indicator system needs them. Indicators found: {available}.</source>
      <translation>图层中没有指标 {codes}，而指标体系需要这些指标。已找到的指标：{available}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="103" />
      <source>A composite index compares units, so it needs at least two; the layer has {n}.</source>
      <translation>综合指数是对单元的比较，至少需要两个单元；图层只有 {n} 个。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="183" />
      <source>Index {index}{year}: fewer than two units have data, so there is nothing to compare.</source>
      <translation>指数 {index}{year}：有数据的单元少于两个，无从比较。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="189" />
      <source>Index {index}: indicators with the same value for every unit were dropped: {codes}.</source>
      <translation>指数 {index}：所有单元取值相同的指标已被剔除：{codes}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="191" />
      <source>Index {index} ({year}): indicators with the same value for every unit were dropped: {codes}.</source>
      <translation>指数 {index}（{year}）：所有单元取值相同的指标已被剔除：{codes}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="196" />
      <source>Index {index}{year}: dimension {dimensions} has no usable indicator (all are constant or absent); add indicators or remove the dimension.</source>
      <translation>指数 {index}{year}：维度 {dimensions} 没有可用的指标（全部为常数或缺失）；请增加指标或移除该维度。</translation>
    </message>
    <message>
      <location filename="../../core/indices/composite.py" line="226" />
      <source>{index}, TOPSIS closeness</source>
      <translation>{index}，TOPSIS 贴近度</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="30" />
      <source>Extreme imbalance</source>
      <translation>极度失调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="31" />
      <source>Serious imbalance</source>
      <translation>严重失调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="32" />
      <source>Moderate imbalance</source>
      <translation>中度失调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="33" />
      <source>Mild imbalance</source>
      <translation>轻度失调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="34" />
      <source>On the verge of imbalance</source>
      <translation>濒临失调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="35" />
      <source>Barely coordinated</source>
      <translation>勉强协调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="36" />
      <source>Primary coordination</source>
      <translation>初级协调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="37" />
      <source>Intermediate coordination</source>
      <translation>中级协调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="38" />
      <source>Good coordination</source>
      <translation>良好协调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="39" />
      <source>High-quality coordination</source>
      <translation>优质协调</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="59" />
      <source>An index has the same value everywhere, so it cannot be rescaled to 0–1.</source>
      <translation>某个指数处处取值相同，无法缩放到 0–1。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="67" />
      <source>Coupling needs at least two indices.</source>
      <translation>耦合至少需要两个指数。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="72" />
      <source>The contribution weights must be ≥ 0 and add up to 1 (e.g. α = β = 0.5); they are {weights}.</source>
      <translation>贡献系数必须 ≥ 0 且合计为 1（如 α = β = 0.5）；当前为 {weights}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling.py" line="76" />
      <source>Coupling coordination needs indices on [0, 1]; {names} have values outside. Use min–max indices or tick “rescale to 0–1”.</source>
      <translation>耦合协调度要求指数取值在 [0, 1] 内；{names} 有超出范围的值。请使用极差标准化的指数，或勾选“重新缩放至 0–1”。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="20" />
      <source>Coupling degree C (耦合度)</source>
      <translation>耦合度 C</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="21" />
      <source>Comprehensive development index T (综合发展指数)</source>
      <translation>综合发展指数 T</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="22" />
      <source>Coupling coordination degree D (耦合协调度)</source>
      <translation>耦合协调度 D</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="23" />
      <source>Coordination level 1–10 (协调等级)</source>
      <translation>协调等级 1–10</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="24" />
      <source>Coordination type (协调类型)</source>
      <translation>协调类型</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="48" />
      <source>Years with only one of the two indices were skipped: {years}.</source>
      <translation>只有一个指数的年份已跳过：{years}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="50" />
      <source>{a} and {b} have no year in common; choose fields of the same years.</source>
      <translation>{a} 与 {b} 没有共同的年份；请选择相同年份的字段。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="59" />
      <source>The layer has no field {field}.</source>
      <translation>图层中没有字段 {field}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="61" />
      <source>Field {field} is not numeric; choose an index field.</source>
      <translation>字段 {field} 不是数值型；请选择指数字段。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="63" />
      <source>Choose two different indices.</source>
      <translation>请选择两个不同的指数。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="72" />
      <source>{count} values are not finite numbers (±inf) and were treated as missing (the results of those features are NULL): {cells}.</source>
      <translation>{count} 个值不是有限数（±inf），已按缺失值处理（这些要素的结果为 NULL）：{cells}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="90" />
      <source>{label} {year}</source>
      <translation>{label} {year}</translation>
    </message>
    <message>
      <location filename="../../core/indices/coupling_layers.py" line="95" />
      <source>Fields already in the layer were replaced: {fields}.</source>
      <translation>已替换图层中已有的字段：{fields}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/critic.py" line="35" />
      <source>CRITIC weights need at least three units (correlations); the data have {n}.</source>
      <translation>CRITIC 权重至少需要三个单元（计算相关系数）；数据只有 {n} 个。</translation>
    </message>
    <message>
      <location filename="../../core/indices/critic.py" line="42" />
      <source>CRITIC weights are undefined here (a single indicator, or indicators that are perfectly correlated); use entropy or equal weights.</source>
      <translation>此处 CRITIC 权重无定义（只有一个指标，或指标间完全相关）；请使用熵权法或等权重。</translation>
    </message>
    <message>
      <location filename="../../core/indices/encoding.py" line="83" />
      <source>The table cannot be read as {encoding} (byte {position} is invalid); choose another encoding or “Detect automatically”.</source>
      <translation>无法以 {encoding} 读取该表格（第 {position} 个字节无效）；请选择其他编码或“自动识别”。</translation>
    </message>
    <message>
      <location filename="../../core/indices/encoding.py" line="89" />
      <source>Unknown text encoding “{encoding}”; use one of {choices}.</source>
      <translation>未知的文本编码“{encoding}”；请使用以下之一：{choices}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/entropy.py" line="42" />
      <source>The entropy weight method needs at least two units; the data have {n}.</source>
      <translation>熵权法至少需要两个单元；数据只有 {n} 个。</translation>
    </message>
    <message>
      <location filename="../../core/indices/entropy.py" line="44" />
      <source>The entropy weight method needs values ≥ 0; use min–max standardisation and a shift ≥ 0.</source>
      <translation>熵权法要求数值 ≥ 0；请使用极差标准化，且平移量 ≥ 0。</translation>
    </message>
    <message>
      <location filename="../../core/indices/entropy.py" line="48" />
      <source>An indicator is zero everywhere, so its entropy is undefined; remove it or use a positive shift.</source>
      <translation>某个指标处处为零，其熵值无定义；请移除该指标，或使用正的平移量。</translation>
    </message>
    <message>
      <location filename="../../core/indices/entropy.py" line="58" />
      <source>Every indicator has maximum entropy (identical values everywhere); entropy weights are undefined. Use equal or user weights.</source>
      <translation>所有指标的熵都达到最大（各处取值相同）；熵权无定义。请使用等权重或自定义权重。</translation>
    </message>
    <message>
      <location filename="../../core/indices/field_names.py" line="32" />
      <source>Write each renaming as name=STEM (e.g. 人均GDP=GDPPC), separated by “;”; “{part}” has no “=”.</source>
      <translation>每条重命名请写成 名称=前缀（如 人均GDP=GDPPC），以“;”分隔；“{part}”中没有“=”。</translation>
    </message>
    <message>
      <location filename="../../core/indices/field_names.py" line="36" />
      <source>“{stem}” cannot be a field stem: use 1 to 5 letters or digits, starting with a letter (e.g. GDPPC).</source>
      <translation>“{stem}”不能作为字段前缀：请使用 1 至 5 个以字母开头的字母或数字（如 GDPPC）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/field_names.py" line="47" />
      <source>The renaming names indicators that the table does not have: {names}.</source>
      <translation>重命名中列出了表中没有的指标：{names}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/field_names.py" line="62" />
      <source>Two indicators would share the field stem {stem}; rename one (e.g. {name}=X1).</source>
      <translation>两个指标将使用同一个字段前缀 {stem}；请重命名其中一个（如 {name}=X1）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/fixed.py" line="22" />
      <source>User weights need a weight for every indicator of index {index}; {codes} have none. Fill the weight column of the indicator system.</source>
      <translation>自定义权重要求指数 {index} 的每个指标都有权重；{codes} 没有权重。请填写指标体系的 weight 列。</translation>
    </message>
    <message>
      <location filename="../../core/indices/fixed.py" line="26" />
      <source>The weights of index {index} add up to zero; give positive weights.</source>
      <translation>指数 {index} 的权重之和为零；请给出正的权重。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="58" />
      <source>The layer's key field repeats codes: {codes}; join by a unique field (e.g. adcode).</source>
      <translation>图层的关键字段中有重复代码：{codes}；请按唯一字段连接（如 adcode）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="66" />
      <source>No code of the table matches the layer: the table has {table} (e.g. {example}), the layer {layer} (e.g. {layer_example}). Check the key columns, or join by name.</source>
      <translation>表中没有任何代码与图层匹配：表中为{table}（如 {example}），图层中为{layer}（如 {layer_example}）。请检查关键列，或改为按名称连接。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="83" />
      <source>No name of the table matches exactly one unit of the layer ({ambiguous} of {count} fit several): the table has e.g. {example}, the layer e.g. {layer_example}. Check the key columns (the layer's field must hold the names), or join by code.</source>
      <translation>表中没有任何名称恰好与图层中的一个单元匹配（{count} 个中有 {ambiguous} 个与多个单元匹配）：表中如 {example}，图层中如 {layer_example}。请检查关键列（图层字段中须为名称），或改为按代码连接。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="100" />
      <source>Join by one of {by} into one of {shapes}.</source>
      <translation>请按 {by} 之一连接，输出为 {shapes} 之一。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="117" />
      <source>matched after removing suffixes, spaces or ethnic designations; check it</source>
      <translation>去掉后缀、空格或民族名称后匹配；请核对</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="120" />
      <source>fits several units; not joined (join by code, or write the full name)</source>
      <translation>与多个单元匹配；未连接（请按代码连接，或写出全称）</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="122" />
      <source>fits no unit of the layer; not joined</source>
      <translation>与图层中的任何单元都不匹配；未连接</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="130" />
      <source>{unit} (lines {lines})</source>
      <translation>{unit}（第 {lines} 行）</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="131" />
      <source>{unit} {year} (lines {lines})</source>
      <translation>{unit} {year}（第 {lines} 行）</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="134" />
      <source>The table has more than one row for a unit and year: {pairs}. Keep one row each (two spellings of one name count as the same unit).</source>
      <translation>表中同一单元同一年份有多行：{pairs}。请每个单元每年只保留一行（同一名称的两种写法视为同一单元）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="140" />
      <source>unit of the layer without any row in the table</source>
      <translation>图层中的单元在表中没有任何行</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="146" />
      <source>indicator written as field stem {stem}</source>
      <translation>指标写入字段前缀 {stem}</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="151" />
      <source>not numeric (or no year in its name); not joined</source>
      <translation>非数值（或列名中没有年份）；未连接</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="158" />
      <source>The table has no years, so there is one value per unit: choose one feature per unit (wide) instead of one per unit and year.</source>
      <translation>表中没有年份，每个单元只有一个值：请选择每个单元一个要素（宽格式），而不是每个单元每年一个要素。</translation>
    </message>
    <message>
      <location filename="../../core/indices/join.py" line="164" />
      <source>fields already in the layer were replaced by the table's values: {fields}</source>
      <translation>图层中已有的字段被表中的值替换：{fields}</translation>
    </message>
    <message>
      <location filename="../../core/indices/keys.py" line="46" />
      <source>empty</source>
      <translation>空</translation>
    </message>
    <message>
      <location filename="../../core/indices/keys.py" line="49" />
      <source>{span}-character numbers</source>
      <translation>{span} 位数字</translation>
    </message>
    <message>
      <location filename="../../core/indices/keys.py" line="50" />
      <source>{span}-character text</source>
      <translation>{span} 个字符的文本</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="30" />
      <source>Unknown missing-value policy “{policy}”; use one of {policies}.</source>
      <translation>未知的缺失值处理方式“{policy}”；请使用以下之一：{policies}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="48" />
      <source>Index {index}: {count} indicator values are missing, {infinite} of them because they are not finite numbers (±inf) ({examples}). Correct the data, or choose to drop those city-years or to fill them with the year mean.</source>
      <translation>指数 {index}：{count} 个指标值缺失，其中 {infinite} 个因为不是有限数（±inf）（{examples}）。请修正数据，或选择剔除这些城市-年份，或用当年均值填补。</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="53" />
      <source>Index {index}: {count} indicator values are missing ({examples}). Complete the data, or choose to drop those city-years or to fill them with the year mean.</source>
      <translation>指数 {index}：有 {count} 个指标值缺失（{examples}）。请补全数据，或选择剔除这些城市-年份、或以当年均值填补。</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="60" />
      <source>not a finite number (±inf): city-year dropped</source>
      <translation>不是有限数（±inf）：已剔除该城市-年份</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="61" />
      <source>city-year dropped</source>
      <translation>已剔除该城市-年份</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="70" />
      <source>Index {index}: {pairs} have no value for any unit, so there is no mean to fill with; remove the indicator or the year.</source>
      <translation>指数 {index}：{pairs} 在所有单元中都没有值，无均值可供填补；请移除该指标或该年份。</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="74" />
      <source>not a finite number (±inf): filled with the year mean {mean}</source>
      <translation>不是有限数（±inf）：已用当年均值 {mean} 填补</translation>
    </message>
    <message>
      <location filename="../../core/indices/missing.py" line="75" />
      <source>filled with the year mean {mean}</source>
      <translation>已用当年均值 {mean} 填补</translation>
    </message>
    <message>
      <location filename="../../core/indices/numbers.py" line="85" />
      <source>Column “{column}” holds values that are not numbers ({examples}); correct them, or leave the cell empty for missing data.</source>
      <translation>列“{column}”中有非数值的取值（{examples}）；请更正，或将单元格留空表示缺失。</translation>
    </message>
    <message>
      <location filename="../../core/indices/numbers.py" line="129" />
      <source>no-data marks read as missing: {cells}</source>
      <translation>无数据标记按缺失值读取：{cells}</translation>
    </message>
    <message>
      <location filename="../../core/indices/numbers.py" line="131" />
      <source>not finite numbers, read as missing: {cells}</source>
      <translation>不是有限数，按缺失值读取：{cells}</translation>
    </message>
    <message>
      <location filename="../../core/indices/numbers.py" line="134" />
      <source>read with “,” as the thousands separator: {examples}</source>
      <translation>“,”按千位分隔符读取：{examples}</translation>
    </message>
    <message>
      <location filename="../../core/indices/numbers.py" line="137" />
      <source>the % sign was dropped (not divided by 100): {examples}</source>
      <translation>已去掉 % 号（未除以 100）：{examples}</translation>
    </message>
    <message>
      <location filename="../../core/indices/panel_layers.py" line="80" />
      <source>The unit id field {field} repeats values ({values}), so the layer is not a cross-section of one feature per unit; if it has one feature per unit and year, choose its year field.</source>
      <translation>单元标识字段 {field} 中有重复值（{values}），因此该图层不是每个单元一个要素的截面；若图层为每个单元每年一个要素，请选择其年份字段。</translation>
    </message>
    <message>
      <location filename="../../core/indices/panel_layers.py" line="95" />
      <source>The layer has no year field {field}.</source>
      <translation>图层中没有年份字段 {field}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/panel_layers.py" line="98" />
      <source>The year field {field} is empty on some features; fill it in.</source>
      <translation>年份字段 {field} 在部分要素中为空；请补全。</translation>
    </message>
    <message>
      <location filename="../../core/indices/panel_layers.py" line="122" />
      <source>No year field was chosen, so every feature is a unit of one cross-section, but the field {field} holds {count} different years: if the layer has one feature per unit and year, choose {field} as the year field.</source>
      <translation>未选择年份字段，因此每个要素都被视为同一截面中的一个单元，但字段 {field} 含有 {count} 个不同的年份：若图层为每个单元每年一个要素，请选择 {field} 作为年份字段。</translation>
    </message>
    <message>
      <location filename="../../core/indices/panel_layers.py" line="128" />
      <source>The layer has neither yearly fields (e.g. {example}) nor plain fields for the indicators {codes}. Yearly fields found: {stems}. Join the indicator table first, or choose the year field of a long layer.</source>
      <translation>图层中既没有指标 {codes} 的逐年字段（如 {example}），也没有同名的普通字段。已找到的逐年字段：{stems}。请先连接指标表，或选择长格式图层的年份字段。</translation>
    </message>
    <message>
      <location filename="../../core/indices/raster_years.py" line="32" />
      <source>“{part}” is not a year; list years as 2011, 2012, … or 2011-2019.</source>
      <translation>“{part}”不是年份；请将年份写成 2011, 2012, … 或 2011-2019。</translation>
    </message>
    <message>
      <location filename="../../core/indices/raster_years.py" line="40" />
      <source>Choose at least one raster.</source>
      <translation>请至少选择一个栅格。</translation>
    </message>
    <message>
      <location filename="../../core/indices/raster_years.py" line="43" />
      <source>{years} years were given for {rasters} rasters; give one year per raster, in the order of the rasters.</source>
      <translation>给出了 {years} 个年份，但有 {rasters} 个栅格；请按栅格顺序为每个栅格给出一个年份。</translation>
    </message>
    <message>
      <location filename="../../core/indices/raster_years.py" line="52" />
      <source>No single year (e.g. 2019) in the file names {files}; rename them or list the years explicitly.</source>
      <translation>文件名 {files} 中没有唯一的年份（如 2019）；请重命名文件，或明确列出年份。</translation>
    </message>
    <message>
      <location filename="../../core/indices/raster_years.py" line="56" />
      <source>Several rasters are for the year(s) {years}; give one raster per year.</source>
      <translation>多个栅格对应年份 {years}；请每年只给出一个栅格。</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="40" />
      <source>Digital economy index (数字经济指数)</source>
      <translation>数字经济指数</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="42" />
      <source>Urban resilience index (城市韧性指数)</source>
      <translation>城市韧性指数</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="44" />
      <source>Composite index (综合指数)</source>
      <translation>综合指数</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="49" />
      <source>Social resilience (社会韧性)</source>
      <translation>社会韧性</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="49" />
      <source>Social dimension (社会维度)</source>
      <translation>社会维度</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="51" />
      <source>Economic resilience (经济韧性)</source>
      <translation>经济韧性</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="51" />
      <source>Economic dimension (经济维度)</source>
      <translation>经济维度</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="53" />
      <source>Infrastructure resilience (基础设施韧性)</source>
      <translation>基础设施韧性</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="54" />
      <source>Infrastructure dimension (基础设施维度)</source>
      <translation>基础设施维度</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="56" />
      <source>Ecological resilience (生态韧性)</source>
      <translation>生态韧性</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="56" />
      <source>Ecological dimension (生态维度)</source>
      <translation>生态维度</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="69" />
      <source>Too many indices share the stem {stem}; give them explicit stems.</source>
      <translation>太多指数使用同一个前缀 {stem}；请为它们明确指定前缀。</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="88" />
      <source>Index stem “{stem}” is not 1–5 letters or digits starting with a letter.</source>
      <translation>指数前缀“{stem}”不是 1–5 个以字母开头的字母或数字。</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="96" />
      <source>{name} index</source>
      <translation>{name}指数</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="107" />
      <source>{name} dimension</source>
      <translation>{name}维度</translation>
    </message>
    <message>
      <location filename="../../core/indices/stems.py" line="110" />
      <source>Dimension stem “{stem}” is not 1–5 letters or digits starting with a letter.</source>
      <translation>维度前缀“{stem}”不是 1–5 个以字母开头的字母或数字。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="100" />
      <source>Indicator {code} has direction “{value}”; write + (more is better) or - (less is better).</source>
      <translation>指标 {code} 的方向为“{value}”；请填写 +（越大越好）或 -（越小越好）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="107" />
      <source>Indicator {code} has weight “{value}”; a weight is a number ≥ 0 (or empty).</source>
      <translation>指标 {code} 的权重为“{value}”；权重须为 ≥ 0 的数（或留空）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="119" />
      <source>Row {row} of the indicator system has no indicator code; fill it in or delete the row.</source>
      <translation>指标体系第 {row} 行没有指标代码；请补全或删除该行。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="137" />
      <source>The indicator system lists no indicator; give at least two (code, index, dimension, direction).</source>
      <translation>指标体系中没有任何指标；请至少给出两个（code、index、dimension、direction）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="144" />
      <source>The indicator system lists an indicator twice in one index: {codes}.</source>
      <translation>指标体系在同一指数中重复列出了指标：{codes}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="166" />
      <source>The output stems {stems} are used twice or equal an indicator code; give distinct index_stem / dim_stem values.</source>
      <translation>输出前缀 {stems} 被重复使用或与某个指标代码相同；请给出互不相同的 index_stem / dim_stem 值。</translation>
    </message>
    <message>
      <location filename="../../core/indices/system.py" line="194" />
      <source>The indicator table must have {width} cells per row (code, index, dimension, direction, weight); it has {count} cells.</source>
      <translation>指标表每行必须有 {width} 个单元格（code、index、dimension、direction、weight）；当前有 {count} 个。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="61" />
      <source>The table has no column “{column}” ({what}); its columns are: {columns}.</source>
      <translation>表中没有列“{column}”（{what}）；现有的列为：{columns}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="67" />
      <source>Cannot tell which column holds the {what}; name it in the parameters (columns: {columns}).</source>
      <translation>无法判断哪一列是{what}；请在参数中指定（现有的列：{columns}）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="97" />
      <source>Column “{column}” must hold a year on every row (e.g. 2019); see {rows}.</source>
      <translation>列“{column}”的每一行都必须是年份（如 2019）；请查看 {rows}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="107" />
      <source>The table has no indicator {names}; its columns are: {columns}.</source>
      <translation>表中没有指标 {names}；现有的列为：{columns}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="121" />
      <source>The table has no indicator {names}; it has: {available}.</source>
      <translation>表中没有指标 {names}；现有的指标为：{available}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="134" />
      <source>The table repeats unit-year-indicator rows: {rows}; keep one row each.</source>
      <translation>表中有重复的单元-年份-指标行：{rows}；请每组只保留一行。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="167" />
      <source>Several columns give the same indicator and year: {clashes}. Keep one column for each, or rename the others.</source>
      <translation>多个列给出了同一指标、同一年份的值：{clashes}。请每组只保留一列，或重命名其他列。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="188" />
      <source>Unknown table layout “{layout}”; use one of {layouts}.</source>
      <translation>未知的表格格式“{layout}”；请使用以下之一：{layouts}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="191" />
      <source>unit codes or names</source>
      <translation>单元代码或名称</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="192" />
      <source>years</source>
      <translation>年份</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="198" />
      <source>indicator names</source>
      <translation>指标名称</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="200" />
      <source>values</source>
      <translation>数值</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="218" />
      <source>The table has no numeric indicator columns besides {key} and {year}; check the layout and the delimiter.</source>
      <translation>除 {key} 和 {year} 外，表中没有数值型指标列；请检查表格格式和分隔符。</translation>
    </message>
    <message>
      <location filename="../../core/indices/table_shapes.py" line="220" />
      <source>The table has no numeric indicator columns besides {key}; check the layout and the delimiter.</source>
      <translation>除 {key} 外，表中没有数值型指标列；请检查表格格式和分隔符。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="62" />
      <source>The table {path} has repeated column names: {names}; make every column name unique.</source>
      <translation>表格 {path} 有重复的列名：{names}；请使每个列名唯一。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="78" />
      <source>The table {path} is empty; its first line must hold the column names.</source>
      <translation>表格 {path} 为空；其第一行必须是列名。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="84" />
      <source>Lines {lines} of {path} have more cells than the header ({width}); check the delimiter (“{delimiter}”) and quoting of values that contain it.</source>
      <translation>{path} 的第 {lines} 行单元格数多于表头（{width}）；请检查分隔符（“{delimiter}”）以及含分隔符的值是否加了引号。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="100" />
      <source>The workbook {path} cannot be read ({error}); save it again as .xlsx.</source>
      <translation>无法读取工作簿 {path}（{error}）；请重新另存为 .xlsx。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="106" />
      <source>The workbook {path} has no sheet “{sheet}”; its sheets are: {sheets}.</source>
      <translation>工作簿 {path} 中没有工作表“{sheet}”；现有的工作表为：{sheets}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="112" />
      <source>Sheet “{sheet}” of {path} is empty or its first row holds no column names.</source>
      <translation>{path} 的工作表“{sheet}”为空，或其第一行没有列名。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="128" />
      <source>The table file {path} does not exist; choose a CSV or XLSX file.</source>
      <translation>表格文件 {path} 不存在；请选择 CSV 或 XLSX 文件。</translation>
    </message>
    <message>
      <location filename="../../core/indices/tables.py" line="133" />
      <source>Old Excel .xls files are not supported; open {path} in Excel or LibreOffice and save it as .xlsx or CSV.</source>
      <translation>不支持旧版 Excel .xls 文件；请在 Excel 或 LibreOffice 中打开 {path} 并另存为 .xlsx 或 CSV。</translation>
    </message>
    <message>
      <location filename="../../core/indices/templates.py" line="16" />
      <source>Digital economy (DEI) and urban resilience in four dimensions (URI)</source>
      <translation>数字经济（DEI）与四维城市韧性（URI）</translation>
    </message>
    <message>
      <location filename="../../core/indices/templates.py" line="17" />
      <source>Digital economy (DEI), 5 indicators</source>
      <translation>数字经济（DEI），5 个指标</translation>
    </message>
    <message>
      <location filename="../../core/indices/templates.py" line="18" />
      <source>Urban resilience in four dimensions (URI), 20 indicators</source>
      <translation>四维城市韧性（URI），20 个指标</translation>
    </message>
    <message>
      <location filename="../../core/indices/templates.py" line="28" />
      <source>Unknown indicator system template “{key}”; use one of {keys}.</source>
      <translation>未知的指标体系模板“{key}”；请使用以下之一：{keys}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/variation.py" line="40" />
      <source>Coefficient-of-variation weights need indicators on a ratio scale (no negative values, a positive mean); {codes} do not, and their CV would be meaningless (near-zero mean: a huge weight). Use the entropy or CRITIC method.</source>
      <translation>变异系数法要求指标为比率尺度（无负值、均值为正）；{codes} 不满足，其变异系数没有意义（均值接近零时权重会极大）。请改用熵权法或 CRITIC 法。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="33" />
      <source>mean</source>
      <translation>均值</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="33" />
      <source>sum</source>
      <translation>总和</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="33" />
      <source>valid pixel count</source>
      <translation>有效像元数</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="34" />
      <source>minimum</source>
      <translation>最小值</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="34" />
      <source>maximum</source>
      <translation>最大值</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="112" />
      <source>The zones ({zones}) cannot be transformed to the CRS of the raster {path} ({raster}): a local or undefined CRS has no link to the Earth. Set the zone layer's true CRS (Layer Properties › Source) or assign the raster's, and run again.</source>
      <translation>分区（{zones}）无法转换到栅格 {path} 的坐标参考系（{raster}）：局部或未定义的坐标参考系与地球没有关联。请为分区图层设置其真实的坐标参考系（图层属性 › 源），或为栅格指定坐标参考系，然后重新运行。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="128" />
      <source>Choose statistics among {statistics}.</source>
      <translation>请从 {statistics} 中选择统计量。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="130" />
      <source>The share of pixels above a threshold needs the threshold; set it.</source>
      <translation>计算超过阈值的像元比例需要阈值；请设置阈值。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="134" />
      <source>The raster {path} cannot be opened ({error}).</source>
      <translation>无法打开栅格 {path}（{error}）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="137" />
      <source>The raster {path} has no coordinate reference system; assign one (Raster › Projections › Assign Projection) and run again.</source>
      <translation>栅格 {path} 没有坐标参考系；请为其指定（栅格 › 投影 › 指定投影）后重新运行。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="140" />
      <source>The raster {path} has {count} band(s); band {band} does not exist.</source>
      <translation>栅格 {path} 有 {count} 个波段；不存在波段 {band}。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="144" />
      <source>The raster {path} is rotated; warp it to a north-up grid first (gdalwarp).</source>
      <translation>栅格 {path} 有旋转；请先将其重采样为正北方向的格网（gdalwarp）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="147" />
      <source>The zones have no coordinate reference system; set the layer's CRS.</source>
      <translation>分区没有坐标参考系；请设置图层的 CRS。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="187" />
      <source>share of pixels above {threshold}</source>
      <translation>超过 {threshold} 的像元比例</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="198" />
      <source>The field stem “{stem}” must be 1–5 letters or digits, starting with a letter (e.g. NTL).</source>
      <translation>字段前缀“{stem}”必须是 1–5 个以字母开头的字母或数字（如 NTL）。</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="211" />
      <source>{stem} {statistic}</source>
      <translation>{stem} {statistic}</translation>
    </message>
    <message>
      <location filename="../../core/indices/zonal.py" line="212" />
      <source>{stem} {statistic} {year}</source>
      <translation>{stem} {statistic} {year}</translation>
    </message>
    <message>
      <location filename="../../core/mediation/bootstrap.py" line="78" />
      <source>The number of bootstrap draws must be at least 1 (999 or more is usual).</source>
      <translation>自助法抽样次数至少为 1（通常为 999 次或更多）。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/bootstrap.py" line="81" />
      <source>The bootstrap resamples units and needs at least 3 of them; there are {g}.</source>
      <translation>自助法对单元重抽样，至少需要 3 个单元；当前只有 {g} 个。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/bootstrap.py" line="110" />
      <source>Every bootstrap draw failed (the regressions were singular); use more units.</source>
      <translation>所有自助抽样均失败（回归矩阵奇异）；请使用更多单元。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/design.py" line="59" />
      <source>Unknown mediation model “{model}”; use one of {models}.</source>
      <translation>未知的中介效应模型“{model}”；请使用以下之一：{models}。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/design.py" line="64" />
      <source>The independent variable, the mediator and the outcome must be three different fields; {names} is used twice.</source>
      <translation>自变量、中介变量和结果变量必须是三个不同的字段；{names} 被重复使用。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/design.py" line="71" />
      <source>{names} cannot be a control and a mediation variable at once; remove it from the controls.</source>
      <translation>{names} 不能同时作为控制变量和中介分析变量；请将其从控制变量中移除。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/design.py" line="78" />
      <source>There is no {year} in the data; choose one of {years}.</source>
      <translation>数据中没有 {year} 年；请从 {years} 中选择。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/design.py" line="83" />
      <source>A panel model needs at least two years; the data have {count}. Choose the cross-section model.</source>
      <translation>面板模型至少需要两年；数据只有 {count} 年。请选择截面模型。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="30" />
      <source>Cross-section (one year)</source>
      <translation>截面（单一年份）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="31" />
      <source>Pooled OLS with year effects</source>
      <translation>含年份效应的混合 OLS</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="32" />
      <source>Panel with unit fixed effects</source>
      <translation>含城市固定效应的面板</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="33" />
      <source>Panel with unit and year fixed effects</source>
      <translation>含城市与年份双向固定效应的面板</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="39" />
      <source>Partial (complementary) mediation: the indirect effect is significant and has the sign of the direct effect</source>
      <translation>部分中介（互补型）：间接效应显著，且与直接效应同号</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="41" />
      <source>Competitive mediation: the indirect effect is significant and opposes the direct effect</source>
      <translation>竞争型中介：间接效应显著，且与直接效应方向相反</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="43" />
      <source>Full (indirect-only) mediation: the indirect effect is significant and the direct effect is not</source>
      <translation>完全中介（仅间接效应）：间接效应显著而直接效应不显著</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="45" />
      <source>No mediation: only the direct effect is significant</source>
      <translation>无中介效应：仅直接效应显著</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="46" />
      <source>No effect: neither the indirect nor the direct effect is significant</source>
      <translation>无效应：间接效应与直接效应均不显著</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="52" />
      <source>{verdict}. Indirect effect of {x} on {y} through {m}: {indirect} ({share} of the total effect).</source>
      <translation>{verdict}。{x}通过{m}对{y}的间接效应：{indirect}（占总效应的 {share}）。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="63" />
      <source>(1) {y}: total effect</source>
      <translation>(1) {y}：总效应</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="63" />
      <source>(2) {m}: path a</source>
      <translation>(2) {m}：路径 a</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="64" />
      <source>(3) {y}: direct effect and path b</source>
      <translation>(3) {y}：直接效应与路径 b</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="78" />
      <source>Step</source>
      <translation>步骤</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="78" />
      <source>Equation</source>
      <translation>方程</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="79" />
      <source>t statistic</source>
      <translation>t 统计量</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="81" />
      <source>R² (within R² with fixed effects)</source>
      <translation>R²（固定效应模型为组内 R²）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="82" />
      <source>Mediation regressions</source>
      <translation>中介效应回归</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="109" />
      <source>Total effect c</source>
      <translation>总效应 c</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="110" />
      <source>Direct effect c′</source>
      <translation>直接效应 c′</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="111" />
      <source>Indirect effect a·b (Sobel)</source>
      <translation>间接效应 a·b（Sobel）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="113" />
      <source>Indirect effect a·b (Aroian)</source>
      <translation>间接效应 a·b（Aroian）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="115" />
      <source>Path a (X → M)</source>
      <translation>路径 a（X → M）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="116" />
      <source>Path b (M → Y given X)</source>
      <translation>路径 b（控制 X 后 M → Y）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="117" />
      <source>Share mediated a·b / c</source>
      <translation>中介效应占比 a·b / c</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="119" />
      <source>Effect</source>
      <translation>效应</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="119" />
      <source>Description</source>
      <translation>说明</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="121" />
      <source>Percentile bootstrap interval, lower</source>
      <translation>百分位自助法置信区间下限</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="122" />
      <source>Percentile bootstrap interval, upper</source>
      <translation>百分位自助法置信区间上限</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="123" />
      <source>Bias-corrected bootstrap interval, lower</source>
      <translation>偏差校正自助法置信区间下限</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="124" />
      <source>Bias-corrected bootstrap interval, upper</source>
      <translation>偏差校正自助法置信区间上限</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="125" />
      <source>Bootstrap standard error</source>
      <translation>自助法标准误</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="126" />
      <source>Mediation effects</source>
      <translation>中介效应</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="140" />
      <source>Bootstrap distribution of the indirect effect ({draws} draws)</source>
      <translation>间接效应的自助法分布（{draws} 次抽样）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="142" />
      <source>Indirect effect a·b</source>
      <translation>间接效应 a·b</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="142" />
      <source>Draws</source>
      <translation>抽样次数</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="143" />
      <source>Percentile {level} interval</source>
      <translation>百分位 {level} 置信区间</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="144" />
      <source>Bias-corrected {level} interval</source>
      <translation>偏差校正 {level} 置信区间</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="189" />
      <source>Stepwise regressions (Baron and Kenny)</source>
      <translation>逐步回归（Baron 和 Kenny）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="202" />
      <source>Mediation: {x} → {m} → {y} ({layer})</source>
      <translation>中介效应：{x} → {m} → {y}（{layer}）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="205" />
      <source>{model}; {n} observations of {units} units, {period}.</source>
      <translation>{model}；{units} 个单元的 {n} 个观测值，{period}。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="210" />
      <source>Verdict</source>
      <translation>结论</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="247" />
      <source>Share of the total effect mediated (a·b / c): {share}. The standard error and p-value of a·b are the Sobel test's.</source>
      <translation>中介效应占总效应的比例（a·b / c）：{share}。a·b 的标准误和 p 值来自 Sobel 检验。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="250" />
      <source>Cluster bootstrap: {draws} draws resampling whole units (seed {seed}); bootstrap standard error of a·b {se}.</source>
      <translation>聚类自助法：以整个单元为单位重抽样 {draws} 次（种子 {seed}）；a·b 的自助法标准误为 {se}。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="255" />
      <source>No bootstrap was run (0 draws): the verdict rests on the Sobel test.</source>
      <translation>未做自助法（抽样 0 次）：结论基于 Sobel 检验。</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="263" />
      <source>Tests of the indirect effect</source>
      <translation>间接效应的检验</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="265" />
      <source>Sobel (1982)</source>
      <translation>Sobel（1982）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="266" />
      <source>Aroian (1947)</source>
      <translation>Aroian（1947）</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="269" />
      <source>Bootstrap distribution of the indirect effect</source>
      <translation>间接效应的自助法分布</translation>
    </message>
    <message>
      <location filename="../../core/mediation/report.py" line="270" />
      <source>Steps: (1) {y} on {x} gives the total effect c; (2) {m} on {x} gives path a; (3) {y} on {x} and {m} gives the direct effect c′ and path b. By least squares c = c′ + a·b exactly. The bootstrap does not assume a·b is normal, which the Sobel test does.</source>
      <translation>步骤：(1) {y} 对 {x} 回归得到总效应 c；(2) {m} 对 {x} 回归得到路径 a；(3) {y} 对 {x} 和 {m} 回归得到直接效应 c′ 和路径 b。最小二乘下 c = c′ + a·b 严格成立。自助法不像 Sobel 检验那样假设 a·b 服从正态分布。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="48" />
      <source>The layer has no yearly fields {stem}_YYYY; its yearly fields are: {stems}.</source>
      <translation>该图层没有年度字段 {stem}_YYYY；现有的年度字段为：{stems}。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="80" />
      <source>No yearly fields for {stems}; expected fields like {example}.</source>
      <translation>{stems} 没有年度字段；应为类似 {example} 的字段。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="103" />
      <source>Each unit may have one row per year; these unit-years repeat: {pairs}. Check the unit id and year fields.</source>
      <translation>每个单元每年只能有一行；以下单元-年份重复：{pairs}。请检查单元标识字段和年份字段。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="114" />
      <source>The year field {field} must hold whole years for every feature; {count} feature(s) have none.</source>
      <translation>年份字段 {field} 在每个要素中都必须是整年；{count} 个要素没有年份。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="125" />
      <source>The unit id is empty (NULL) for {count} feature(s); fill the id field.</source>
      <translation>{count} 个要素的单元标识为空（NULL）；请补全标识字段。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="148" />
      <source>The field {field} holds values that are not numbers (e.g. “{value}”); choose a numeric field.</source>
      <translation>字段 {field} 中有非数值的取值（如“{value}”）；请选择数值字段。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="169" />
      <source>The id field {field} is empty (NULL) for {count} feature(s); fill it or choose another field.</source>
      <translation>标识字段 {field} 在 {count} 个要素中为空（NULL）；请填写或选择其他字段。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="175" />
      <source>The id field {field} is not unique: {values} occur more than once; choose a unique field (e.g. adcode).</source>
      <translation>标识字段 {field} 不唯一：{values} 出现多次；请选择唯一的字段（如 adcode）。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="186" />
      <source>A long layer (one feature per unit and year) needs its unit id field (e.g. adcode) so that the rows of a unit are matched: choose the unit id field.</source>
      <translation>长格式图层（每个单元每年一个要素）需要单元标识字段（如 adcode）来匹配同一单元的各行：请选择单元标识字段。</translation>
    </message>
    <message>
      <location filename="../../core/regression/export.py" line="53" />
      <source>Unknown table format “{format}”; use one of {formats}.</source>
      <translation>未知的表格格式“{format}”；请使用 {formats} 之一。</translation>
    </message>
    <message>
      <location filename="../../core/regression/export.py" line="56" />
      <source>Writing {format} tables needs the Python package {package}: install it (Plugins › Digital Resilience Toolkit › Install dependencies).</source>
      <translation>写出 {format} 表格需要 Python 软件包 {package}：请安装（插件 › 数字韧性工具箱 › 安装依赖）。</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="29" />
      <source>classical (homoskedastic)</source>
      <translation>普通标准误（同方差）</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="30" />
      <source>heteroskedasticity-robust (HC1)</source>
      <translation>异方差稳健标准误（HC1）</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="31" />
      <source>clustered by unit</source>
      <translation>按单元聚类</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="79" />
      <source>The variable {name} has no variation left in this model (it is constant, or constant within every unit so that the fixed effects absorb it); drop it or choose another model.</source>
      <translation>变量 {name} 在该模型中已没有变异（为常数，或在每个单元内为常数而被固定效应吸收）；请将其剔除或选择其他模型。</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="85" />
      <source>The variables are perfectly collinear: {name} is a linear combination of {others}. Drop one of them.</source>
      <translation>变量完全共线：{name} 是 {others} 的线性组合。请剔除其中之一。</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="136" />
      <source>Too few observations: {n} for {k} coefficients; use more units or years, or fewer controls.</source>
      <translation>观测值过少：{n} 个观测值对应 {k} 个系数；请使用更多单元或年份，或减少控制变量。</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="155" />
      <source>Clustered standard errors need the unit of each observation.</source>
      <translation>聚类标准误需要每个观测值所属的单元。</translation>
    </message>
    <message>
      <location filename="../../core/regression/ols.py" line="159" />
      <source>Clustered standard errors need at least two units; there is {g}.</source>
      <translation>聚类标准误至少需要两个单元；当前只有 {g} 个。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="70" />
      <source>Units repeat in the layer ({units}): a wide layer has one feature per unit with fields STEM_YYYY. For a layer with one feature per unit and year, choose its year field.</source>
      <translation>图层中单元重复（{units}）：宽格式图层每个单元一个要素，字段为 STEM_YYYY。对于每个单元每年一个要素的图层，请选择其年份字段。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="85" />
      <source>None of the chosen fields is yearly (named like DEI_2019); choose a yearly field, or choose the year field of a layer with one feature per unit and year.</source>
      <translation>所选字段都不是逐年字段（形如 DEI_2019）；请选择逐年字段，或为每个单元每年一个要素的图层选择年份字段。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="106" />
      <source>The year field {field} is not in the layer.</source>
      <translation>图层中没有年份字段 {field}。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="129" />
      <source>No data between {start} and {end}; the layer has the years {years}.</source>
      <translation>{start} 至 {end} 之间没有数据；图层中的年份为 {years}。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="148" />
      <source>This analysis needs at least {needed} years; the data have {count} ({years}).</source>
      <translation>该分析至少需要 {needed} 年；数据只有 {count} 年（{years}）。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="157" />
      <source>{variable} has no values in {years}; add them, or choose years in which every variable has values.</source>
      <translation>{variable} 在 {years} 没有值；请补全，或选择所有变量都有值的年份。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="174" />
      <source>The panel is not balanced: {count} unit-year(s) lack a value: {pairs}. Fill them, choose fewer years, or tick “Drop units with missing years” to drop the {units} unit(s) concerned.</source>
      <translation>面板不平衡：{count} 个单元-年份缺少数值：{pairs}。请补全、选择更少的年份，或勾选“剔除有缺失年份的单元”以剔除相关的 {units} 个单元。</translation>
    </message>
    <message>
      <location filename="../../core/regression/panel_data.py" line="182" />
      <source>Dropping the units with missing years leaves {count} unit(s); fill the gaps instead.</source>
      <translation>剔除有缺失年份的单元后只剩 {count} 个单元；请改为补全缺失值。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="24" />
      <source>Standard errors in parentheses. *** p &lt; 0.01, ** p &lt; 0.05, * p &lt; 0.1.</source>
      <translation>括号内为标准误。*** p &lt; 0.01，** p &lt; 0.05，* p &lt; 0.1。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="224" />
      <source>N (units × years)</source>
      <translation>样本量（城市 × 年份）</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="224" />
      <source>N</source>
      <translation>样本量</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="224" />
      <source>City fixed effects</source>
      <translation>城市固定效应</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="224" />
      <source>Year fixed effects</source>
      <translation>年份固定效应</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="225" />
      <source>R²</source>
      <translation>R²</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="225" />
      <source>Pseudo R²</source>
      <translation>伪 R²</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="226" />
      <source>Spatial weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="226" />
      <source>Standard errors</source>
      <translation>标准误</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="235" />
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="235" />
      <source>No</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="264" />
      <source>R² = 1 − SSR/SST, with SST about the mean of the dependent variable.</source>
      <translation>R² = 1 − SSR/SST，SST 为被解释变量围绕其均值的总平方和。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="266" />
      <source>R² within = 1 − SSR/SST of the data after removing the fixed effects (demeaned by city, and by year with year effects).</source>
      <translation>组内 R² = 剔除固定效应后数据的 1 − SSR/SST（按城市去均值，含年份效应时再按年份去均值）。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="269" />
      <source>Pseudo R² (maximum-likelihood models) = squared correlation of y and the fitted values.</source>
      <translation>伪 R²（极大似然模型）= y 与拟合值相关系数的平方。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="272" />
      <source>σ² = SSR/(n − k) for least squares (k counts the fixed effects), SSR/n for the maximum-likelihood models.</source>
      <translation>最小二乘模型的 σ² = SSR/(n − k)（k 含固定效应个数），极大似然模型的 σ² = SSR/n。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="275" />
      <source>Fixed-effects spatial models: the log-likelihood, and the AIC from it, are those of the demeaned model before the Lee–Yu bias correction; σ² and the standard errors are the corrected ones.</source>
      <translation>固定效应空间模型：对数似然值及由其计算的 AIC 为 Lee–Yu 偏误修正之前去均值模型的值；σ² 和标准误为修正后的值。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="279" />
      <source>Spatial maximum-likelihood models whose “Standard errors” row reads “asymptotic (information matrix)” have standard errors from the information matrix only, which assume errors independent across cities and years; the option “wild cluster bootstrap by city” gives the chosen model standard errors robust to errors correlated within a city.</source>
      <translation>“标准误”一行为“渐近（信息矩阵）”的空间极大似然模型，其标准误仅由信息矩阵得到，假定误差在城市和年份之间相互独立；选项“按城市的野聚类自助法”可为所选模型给出对城市内相关误差稳健的标准误。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="284" />
      <source>Spatial maximum-likelihood models have asymptotic standard errors from the information matrix only (no cluster-robust option).</source>
      <translation>空间极大似然模型仅有由信息矩阵得到的渐近标准误（无聚类稳健选项）。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="287" />
      <source>Standard errors clustered by city (CR1): the sandwich estimator with each city's scores X'e summed over its years, times G/(G − 1)·(N − 1)/(N − k), G cities, k the coefficients without the fixed effects; t tests with G − 1 degrees of freedom.</source>
      <translation>按城市聚类的标准误（CR1）：三明治估计量，每个城市的得分 X'e 按其各年份加总，再乘以 G/(G − 1)·(N − 1)/(N − k)，G 为城市数，k 为不含固定效应的系数个数；t 检验自由度为 G − 1。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="291" />
      <source>Wild cluster bootstrap by city: {draws} draws (seed {seed}), each with one Rademacher weight (±1) per city on its residuals of every year, y regenerated through the fitted reduced form and the model refitted; standard errors are the refits' standard deviations, p-values from the normal, 95 % intervals their 2.5 and 97.5 percentiles.</source>
      <translation>按城市的野聚类自助法：{draws} 次抽样（种子 {seed}），每次对每个城市各年份的残差乘以同一个 Rademacher 权重（±1），通过拟合的简化式重新生成 y 并重新估计模型；标准误为各次重新估计的标准差，p 值来自正态分布，95% 区间为其 2.5 和 97.5 百分位数。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="301" />
      <source>{se} in parentheses. *** p &lt; 0.01, ** p &lt; 0.05, * p &lt; 0.1.</source>
      <translation>括号内为{se}。*** p &lt; 0.01，** p &lt; 0.05，* p &lt; 0.1。</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="307" />
      <source>Classical standard errors</source>
      <translation>普通标准误</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="308" />
      <source>Heteroskedasticity-robust (HC1) standard errors</source>
      <translation>异方差稳健（HC1）标准误</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="309" />
      <source>Standard errors clustered by unit</source>
      <translation>按单元聚类的标准误</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="310" />
      <source>Asymptotic standard errors (maximum likelihood)</source>
      <translation>渐近标准误（极大似然估计）</translation>
    </message>
    <message>
      <location filename="../../core/regression/table.py" line="311" />
      <source>Wild cluster bootstrap standard errors (by city)</source>
      <translation>野聚类自助法标准误（按城市）</translation>
    </message>
    <message>
      <location filename="../../core/weights/block.py" line="25" />
      <source>{count} unit(s) have no value in the block field {field}: {ids}. Fill it or choose another field.</source>
      <translation>{count} 个单元在区块字段 {field} 中没有值：{ids}。请补全或选择其他字段。</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="81" />
      <source>automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="83" />
      <source>queen contiguity</source>
      <translation>Queen 邻接</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="83" />
      <source>rook contiguity</source>
      <translation>Rook 邻接</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="85" />
      <source>{weights}, order {order} (cumulative)</source>
      <translation>{weights}，{order} 阶（累积）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="86" />
      <source>{weights}, order {order}</source>
      <translation>{weights}，{order} 阶</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="88" />
      <source>k-nearest neighbours (k = {k}, symmetric)</source>
      <translation>k 近邻（k = {k}，对称）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="89" />
      <source>k-nearest neighbours (k = {k})</source>
      <translation>k 近邻（k = {k}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="91" />
      <source>distance band ({distance})</source>
      <translation>距离带（{distance}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="93" />
      <source>inverse distance (α = {power}, cut-off {cutoff})</source>
      <translation>反距离（α = {power}，截断距离 {cutoff}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="95" />
      <source>inverse distance (α = {power})</source>
      <translation>反距离（α = {power}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="98" />
      <source>{kernel} kernel (adaptive, k = {k})</source>
      <translation>{kernel}核函数（自适应带宽，k = {k}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="99" />
      <source>{kernel} kernel (fixed, {distance})</source>
      <translation>{kernel}核函数（固定带宽，{distance}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="101" />
      <source>economic distance ({field})</source>
      <translation>经济距离（{field}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="103" />
      <source>economic-geographic ({field}, φ = {share})</source>
      <translation>经济地理嵌套（{field}，φ = {share}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="105" />
      <source>economic-geographic ({field}, product)</source>
      <translation>经济地理乘积（{field}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="107" />
      <source>block ({field})</source>
      <translation>区块（{field}）</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="111" />
      <source>{weights}, islands attached</source>
      <translation>{weights}，已连接孤岛</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="112" />
      <source>{weights}, transformation {transform}</source>
      <translation>{weights}，标准化方式 {transform}</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="125" />
      <source>Unknown kind of weights “{kind}”; use one of {kinds}.</source>
      <translation>未知的权重类型“{kind}”；请使用以下之一：{kinds}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="173" />
      <source>Block weights need a category field (e.g. province): choose the block field (under Advanced parameters).</source>
      <translation>区块权重需要一个分类字段（如省份）：请选择区块字段（在高级参数中）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="176" />
      <source>The layer has no field {field}; choose an existing block field.</source>
      <translation>图层中没有字段 {field}；请选择已有的区块字段。</translation>
    </message>
    <message>
      <location filename="../../core/weights/contiguity.py" line="74" />
      <source>The layer has no features; contiguity needs polygons.</source>
      <translation>该图层没有要素；邻接权重需要面要素。</translation>
    </message>
    <message>
      <location filename="../../core/weights/contiguity.py" line="77" />
      <source>Contiguity weights need polygons; for points or lines use k-nearest neighbours or a distance band instead.</source>
      <translation>邻接权重需要面要素；点或线图层请改用 k 近邻或距离带权重。</translation>
    </message>
    <message>
      <location filename="../../core/weights/distance.py" line="66" />
      <source>The distance threshold must be positive; got {value}.</source>
      <translation>距离阈值必须为正；得到的是 {value}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/distance.py" line="89" />
      <source>Weights without a cut-off link every pair of units: {n} units would make {links} links, more than fits in memory. Set a cut-off distance, or use k-nearest neighbours or a distance band.</source>
      <translation>没有截断距离的权重会连接每一对单元：{n} 个单元将产生 {links} 条连接，超出内存容量。请设置截断距离，或使用 k 近邻或距离带。</translation>
    </message>
    <message>
      <location filename="../../core/weights/distance.py" line="105" />
      <source>Distance weights need at least two units; the layer has {n}.</source>
      <translation>距离权重至少需要两个单元；图层只有 {n} 个。</translation>
    </message>
    <message>
      <location filename="../../core/weights/distance.py" line="118" />
      <source>Within {threshold} {unit}, {count} unit(s) have no neighbour: {ids}. Use at least {smallest} {unit} (the smallest distance that gives every unit a neighbour; 0 chooses it), or tick “attach islands to their nearest neighbour”.</source>
      <translation>在 {threshold} {unit} 以内，{count} 个单元没有邻居：{ids}。请至少使用 {smallest} {unit}（使每个单元都有邻居的最小距离；填 0 则自动选取），或勾选“将孤岛连接到最近的单元”。</translation>
    </message>
    <message>
      <location filename="../../core/weights/distance.py" line="122" />
      <source>Within {threshold} {unit}, {count} unit(s) have no neighbour: {ids}. Use at least {smallest} {unit} (the smallest distance that gives every unit a neighbour; 0 chooses it).</source>
      <translation>在 {threshold} {unit} 以内，{count} 个单元没有邻居：{ids}。请至少使用 {smallest} {unit}（使每个单元都有邻居的最小距离；填 0 则自动选取）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/distance_band.py" line="24" />
      <source>The distance threshold cannot be negative; got {value}.</source>
      <translation>距离阈值不能为负；得到的是 {value}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic.py" line="29" />
      <source>Economic weights need a numeric field such as GDP per capita: choose the economic field (under Advanced parameters).</source>
      <translation>经济权重需要一个数值字段，如人均 GDP：请选择经济字段（在高级参数中）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic.py" line="36" />
      <source>The layer has no field {fields}; choose an existing numeric field.</source>
      <translation>图层中没有字段 {fields}；请选择已有的数值字段。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic.py" line="41" />
      <source>The field {fields} is not numeric; choose a numeric field such as GDP per capita.</source>
      <translation>字段 {fields} 不是数值型；请选择数值字段，如人均 GDP。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic.py" line="46" />
      <source>{count} unit(s) have no value in {fields}: {ids}. Fill the values or leave these units out (e.g. with a filter).</source>
      <translation>{count} 个单元在 {fields} 中没有值：{ids}。请补全数值，或剔除这些单元（如使用过滤器）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic.py" line="56" />
      <source>Economic weights link every pair of units: {n} units would make {links} links, more than fits in memory. Use them on at most {limit} units.</source>
      <translation>经济权重会连接每一对单元：{n} 个单元将产生 {links} 条连接，超出内存容量。请仅在不超过 {limit} 个单元上使用。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic.py" line="74" />
      <source>{count} pair(s) of units have the same value, so 1/|difference| is infinite: {pairs}. Average the field over its years (the “all years” option) or use a more precise variable.</source>
      <translation>{count} 对单元取值相同，1/|差值| 为无穷大：{pairs}。请对该字段取多年均值（“每一年”选项），或使用更精确的变量。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic_geographic.py" line="54" />
      <source>Unknown economic-geographic form “{form}”; use nested or product.</source>
      <translation>未知的经济地理权重形式“{form}”；请使用 nested 或 product。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic_geographic.py" line="60" />
      <source>The share φ of geography must lie between 0 and 1; got {value}.</source>
      <translation>地理距离的占比 φ 必须介于 0 和 1 之间；得到的是 {value}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/economic_geographic.py" line="68" />
      <source>The product form needs a positive variable (such as GDP per capita), but {count} unit(s) have a mean of zero or less: {ids}.</source>
      <translation>乘积形式需要取值为正的变量（如人均 GDP），但有 {count} 个单元的均值为零或负：{ids}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="35" />
      <source>Unit id “{value}” contains a space, which GAL/GWT files cannot hold; choose an id field without spaces (e.g. a code).</source>
      <translation>单元标识“{value}”含有空格，GAL/GWT 文件无法保存；请选择不含空格的标识字段（如行政区划代码）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="92" />
      <source>The weights file does not start with a GAL/GWT header (e.g. “0 367 layer id”).</source>
      <translation>该权重文件不是以 GAL/GWT 文件头开始（例如“0 367 layer id”）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="103" />
      <source>The weights file {path} does not exist.</source>
      <translation>权重文件 {path} 不存在。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="108" />
      <source>The weights file {path} is not a text file (byte {position} is invalid).</source>
      <translation>权重文件 {path} 不是文本文件（第 {position} 个字节无效）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="113" />
      <source>The weights file {path} is empty.</source>
      <translation>权重文件 {path} 为空。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="124" />
      <source>Weights files must be .gal or .gwt; got {path}.</source>
      <translation>权重文件必须为 .gal 或 .gwt 格式；得到的是 {path}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="126" />
      <source>The weights file {path} is truncated: its header announces {count} units but it ends at line {line} after {found} (an incomplete copy or download?).</source>
      <translation>权重文件 {path} 不完整：文件头声明有 {count} 个单元，但文件在第 {line} 行、仅 {found} 个单元后就结束了（复制或下载不完整？）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="131" />
      <source>The weights file {path} is truncated or damaged: it ends in the middle of line {line} (“{text}”).</source>
      <translation>权重文件 {path} 不完整或已损坏：文件在第 {line} 行中间结束（“{text}”）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="140" />
      <source>The weights file {path} has {count} id(s) that are not in the layer: {ids}. Choose the id field the file was built with, or rebuild the weights for this layer.</source>
      <translation>权重文件 {path} 中有 {count} 个标识不在图层中：{ids}。请选择构建该文件时所用的标识字段，或为此图层重新构建权重。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="148" />
      <source>The weights file {path} is for {count} units but the layer has {n}; rebuild the weights for this layer (or check its filter and selection).</source>
      <translation>权重文件 {path} 对应 {count} 个单元，而图层有 {n} 个；请为此图层重新构建权重（或检查其过滤条件和选择集）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="158" />
      <source>The weights file {path} has no entry for {count} unit(s) of the layer: {ids}.</source>
      <translation>权重文件 {path} 中缺少图层的 {count} 个单元：{ids}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="171" />
      <source>{problem} Rebuild the file with Spatial weights (or GeoDa).</source>
      <translation>{problem} 请用“空间权重”算法（或 GeoDa）重新生成该文件。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="181" />
      <source>The weights file {path} is damaged at line {line}: expected a unit id and its number of neighbours, found “{text}”.</source>
      <translation>权重文件 {path} 在第 {line} 行损坏：应为单元标识及其邻居数，实际为“{text}”。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="186" />
      <source>The weights file {path} lists unit {unit} twice (line {line}).</source>
      <translation>权重文件 {path} 重复列出单元 {unit}（第 {line} 行）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="191" />
      <source>The weights file {path} is damaged at line {line}: unit {unit} should have {declared} neighbour(s) but {found} are listed.</source>
      <translation>权重文件 {path} 在第 {line} 行损坏：单元 {unit} 应有 {declared} 个邻居，但列出了 {found} 个。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="206" />
      <source>The weights file {path} is damaged at line {line}: expected a unit id, a neighbour id and a weight, found “{text}”.</source>
      <translation>权重文件 {path} 在第 {line} 行损坏：应为单元标识、邻居标识和权重，实际为“{text}”。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="215" />
      <source>The weights file {path} is damaged at line {line}: the weight “{text}” is not a finite number.</source>
      <translation>权重文件 {path} 在第 {line} 行损坏：权重“{text}”不是有限数值。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="218" />
      <source>The weights file {path} lists the link {unit}–{other} twice (line {line}).</source>
      <translation>权重文件 {path} 重复列出连接 {unit}–{other}（第 {line} 行）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/higher_order.py" line="22" />
      <source>The contiguity order must be at least 1; got {order}.</source>
      <translation>邻接阶数至少为 1；得到的是 {order}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/inverse_distance.py" line="23" />
      <source>{count} pair(s) of units share the same point, so 1/distance is infinite: {pairs}. Merge or move them, or use contiguity, k-nearest neighbours or a distance band.</source>
      <translation>{count} 对单元位于同一点，1/距离 为无穷大：{pairs}。请合并或移动这些单元，或使用邻接、k 近邻或距离带权重。</translation>
    </message>
    <message>
      <location filename="../../core/weights/inverse_distance.py" line="33" />
      <source>The cut-off distance cannot be negative; got {value}.</source>
      <translation>截断距离不能为负；得到的是 {value}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/inverse_distance.py" line="43" />
      <source>The power α of inverse distance must be positive; got {value}.</source>
      <translation>反距离的幂次 α 必须为正；得到的是 {value}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/kernel.py" line="59" />
      <source>Unknown kernel “{name}”; use one of {names}.</source>
      <translation>未知的核函数“{name}”；请使用以下之一：{names}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/kernel.py" line="69" />
      <source>The kernel bandwidth cannot be negative; got {value}.</source>
      <translation>核函数带宽不能为负；得到的是 {value}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/kernel.py" line="75" />
      <source>{count} unit(s) share their point with {k} or more others, so their adaptive bandwidth is zero: {ids}. Increase k or merge the duplicates.</source>
      <translation>{count} 个单元与 {k} 个或更多其他单元共用同一点，其自适应带宽为零：{ids}。请增大 k 或合并重复的单元。</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="27" />
      <source>triangular</source>
      <translation>三角</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="27" />
      <source>uniform</source>
      <translation>均匀</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="28" />
      <source>epanechnikov</source>
      <translation>Epanechnikov </translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="28" />
      <source>quartic</source>
      <translation>四次</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="29" />
      <source>gaussian</source>
      <translation>高斯</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="36" />
      <source>k-nearest neighbours</source>
      <translation>k 近邻</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="36" />
      <source>distance band</source>
      <translation>距离阈值</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="37" />
      <source>inverse distance</source>
      <translation>反距离</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="37" />
      <source>kernel</source>
      <translation>核函数</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="38" />
      <source>economic distance</source>
      <translation>经济距离</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="38" />
      <source>economic-geographic</source>
      <translation>经济地理嵌套</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="39" />
      <source>block (same category)</source>
      <translation>区块（同类别）</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="39" />
      <source>custom</source>
      <translation>自定义</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="41" />
      <source>row-standardised</source>
      <translation>行标准化</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="41" />
      <source>binary</source>
      <translation>二值</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="42" />
      <source>variance-stabilising</source>
      <translation>方差稳定化</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="42" />
      <source>original values</source>
      <translation>原始值</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="50" />
      <source>file {name}</source>
      <translation>文件 {name}</translation>
    </message>
    <message>
      <location filename="../../core/weights/kinds.py" line="56" />
      <source>{weights}, {transform}</source>
      <translation>{weights}，{transform}</translation>
    </message>
    <message>
      <location filename="../../core/weights/knn.py" line="37" />
      <source>k must be at least 1.</source>
      <translation>k 至少为 1。</translation>
    </message>
    <message>
      <location filename="../../core/weights/knn.py" line="39" />
      <source>k = {k} needs more than {k} units, but the layer has {n}; choose k ≤ {max_k}.</source>
      <translation>k = {k} 需要多于 {k} 个单元，但图层只有 {n} 个；请选择 k ≤ {max_k}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/model.py" line="45" />
      <source>The weights matrix is {shape} but there are {n} units.</source>
      <translation>权重矩阵为 {shape}，但单元数为 {n}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/model.py" line="51" />
      <source>Unit ids must be unique to build spatial weights; choose a unique id field.</source>
      <translation>构建空间权重时单元标识必须唯一；请选择唯一的标识字段。</translation>
    </message>
    <message>
      <location filename="../../core/weights/model.py" line="53" />
      <source>Unknown weights transformation “{transform}”; use R, B, V or O.</source>
      <translation>未知的权重标准化方式“{transform}”；请使用 R、B、V 或 O。</translation>
    </message>
    <message>
      <location filename="../../core/weights/points.py" line="25" />
      <source>{count} feature(s) have no geometry: {names}. Remove them or repair their geometry.</source>
      <translation>{count} 个要素没有几何：{names}。请删除或修复其几何。</translation>
    </message>
    <message>
      <location filename="../../core/weights/points.py" line="31" />
      <source>Unknown point method “{method}”; use centroid or point_on_surface.</source>
      <translation>未知的取点方法“{method}”；请使用 centroid 或 point_on_surface。</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="31" />
      <source>automatic: the smallest that gives every unit a neighbour</source>
      <translation>自动：使每个单元都有邻居的最小距离</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="32" />
      <source>chosen</source>
      <translation>手动设定</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="33" />
      <source>Distance threshold</source>
      <translation>距离阈值</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="35" />
      <source>Cut-off distance</source>
      <translation>截断距离</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="37" />
      <source>automatic: the largest distance to a k-th nearest neighbour</source>
      <translation>自动：到第 k 近邻的最大距离</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="39" />
      <source>Kernel bandwidth</source>
      <translation>核函数带宽</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="41" />
      <source>Adaptive bandwidths (min / max)</source>
      <translation>自适应带宽（最小 / 最大）</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="44" />
      <source>Contiguity order</source>
      <translation>邻接阶数</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="45" />
      <source> (with lower orders)</source>
      <translation>（含低阶）</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="47" />
      <source>Kernel function</source>
      <translation>核函数</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="49" />
      <source>Power α of distance</source>
      <translation>距离的幂次 α</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="51" />
      <source>Economic-geographic form</source>
      <translation>经济地理权重形式</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="52" />
      <source>nested φ·W_d + (1 − φ)·W_e, φ = {share}</source>
      <translation>嵌套形式 φ·W_d + (1 − φ)·W_e，φ = {share}</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="54" />
      <source>product W_d · diag(x̄_j / x̄)</source>
      <translation>乘积形式 W_d · diag(x̄_j / x̄)</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="56" />
      <source>Economic variable (mean of)</source>
      <translation>经济变量（取均值）</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="58" />
      <source>Blocks</source>
      <translation>区块</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="58" />
      <source>{count} values of {field}</source>
      <translation>{field} 的 {count} 个取值</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="61" />
      <source>Islands attached to their nearest unit</source>
      <translation>连接到最近单元的孤岛</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="70" />
      <source>Spatial weights: {layer}</source>
      <translation>空间权重：{layer}</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="73" />
      <source>Neighbour counts</source>
      <translation>邻居数分布</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="76" />
      <source>Number of neighbours</source>
      <translation>邻居数</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="77" />
      <source>Histogram of neighbour counts</source>
      <translation>邻居数直方图</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="78" />
      <source>Neighbours</source>
      <translation>邻居数</translation>
    </message>
    <message>
      <location filename="../../core/weights/report.py" line="80" />
      <source>Units without neighbours</source>
      <translation>无邻居的单元</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="34" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="36" />
      <source>Links</source>
      <translation>连接数</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="37" />
      <source>Neighbours (min / mean / median / max)</source>
      <translation>邻居数（最小 / 平均 / 中位数 / 最大）</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="40" />
      <source>Islands (no neighbours)</source>
      <translation>孤岛（无邻居）</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="41" />
      <source>Symmetric</source>
      <translation>对称</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="42" />
      <source>Percent non-zero</source>
      <translation>非零元素比例</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="43" />
      <source>Original weights (min / max)</source>
      <translation>原始权重（最小 / 最大）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="189" />
      <source>The indicator {variable} cannot also be a control; remove it from the controls.</source>
      <translation>指标 {variable} 不能同时作为控制变量；请将其从控制变量中移除。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="199" />
      <source>Spatial models need the cities' geometries or a weights file; the layer has no geometry, so choose a GAL/GWT weights file.</source>
      <translation>空间模型需要城市的几何或权重文件；该图层没有几何，请选择 GAL/GWT 权重文件。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/convergence.py" line="247" />
      <source>The group field {field} changes over the years for {count} unit(s): {units}; a unit must stay in one group.</source>
      <translation>分组字段 {field} 在 {count} 个单元中随年份变化：{units}；每个单元必须始终属于同一组。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/join_table.py" line="160" />
      <source>codes or names of the cities</source>
      <translation>城市的代码或名称</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/network_redundancy.py" line="156" />
      <source>No core expression is given; choose the field that marks the cores (e.g. "IS_CORE" = 1 from Core–node coverage).</source>
      <translation>未给出核心表达式；请选择标记核心的字段（如“核心–节点覆盖”输出的 "IS_CORE" = 1）。</translation>
    </message>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="60" />
      <source>The layer has no feature (or none is selected); choose a layer with at least one feature.</source>
      <translation>图层中没有要素（或未选中任何要素）；请选择至少含一个要素的图层。</translation>
    </message>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="65" />
      <source>No feature of the layer has a geometry; check the layer (or its selection).</source>
      <translation>图层中没有任何要素具有几何；请检查图层（或其选择集）。</translation>
    </message>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="122" />
      <source>{count} feature(s) have invalid geometries: {ids}. Repair them with Vector geometry › Fix geometries, or set Processing's “Invalid features filtering” to “Do not filter” so that this algorithm repairs them for the analysis.</source>
      <translation>{count} 个要素的几何无效：{ids}。请用“矢量几何 › 修复几何”修复，或将 Processing 的“无效要素过滤”设为“不过滤”，由本算法为分析修复这些几何。</translation>
    </message>
    <message>
      <location filename="../../processing/io/invalid_geometries.py" line="151" />
      <source>{count} feature(s) have invalid geometries, so spatial weights cannot be built: {ids}. Repair them with Vector geometry › Fix geometries, or set Processing's “Invalid features filtering” to “Do not filter” so that the weights use repaired copies.</source>
      <translation>{count} 个要素的几何无效，无法构建空间权重：{ids}。请用“矢量几何 › 修复几何”修复，或将 Processing 的“无效要素过滤”设为“不过滤”，使权重采用修复后的副本。</translation>
    </message>
    <message>
      <location filename="../../processing/maps/page_style.py" line="30" />
      <source>The field {field} is not in the layer.</source>
      <translation>图层中没有字段 {field}。</translation>
    </message>
    <message>
      <location filename="../../processing/parameters/cities.py" line="124" />
      <source>Longitude/latitude points need both a longitude and a latitude field; choose them, or use the centroid or a point on the surface.</source>
      <translation>经纬度点需要同时指定经度字段和纬度字段；请选择这两个字段，或使用质心或面上点。</translation>
    </message>
    <message>
      <source>Coefficient-of-variation weights need indicators with a positive mean; {codes} have a mean ≤ 0. Use the entropy or CRITIC method.</source>
      <translation type="vanished">变异系数法要求指标均值为正；{codes} 的均值 ≤ 0。请使用熵权法或 CRITIC 法。</translation>
    </message>
    <message>
      <source>If the cities' own effects differ within a group (e.g. by openness), a yearly coefficient also reflects which of its cities grow the most that year, and a city's errors are correlated over the years: prefer cluster-robust or bootstrap standard errors by city for these intervals and tests.</source>
      <translation type="vanished">若组内各城市的自身效应不同（如因开放度而异），各年系数也会反映当年哪些城市增长最多，且同一城市的误差在各年之间相关：这些区间和检验宜使用按城市聚类的稳健标准误或自助法标准误。</translation>
    </message>
    <message>
      <source>On Linux, pip builds {packages} from source against the system's PROJ, GEOS and GDAL (their PyPI wheels bundle other copies, which crash QGIS with 'double free or corruption'); this needs the development packages ({build_packages} on Debian/Ubuntu).</source>
      <translation type="vanished">在 Linux 上，pip 会基于系统自带的 PROJ、GEOS 和 GDAL 从源码构建 {packages}（其 PyPI wheel 包自带另一套副本，会使 QGIS 因 'double free or corruption' 崩溃）；这需要安装开发包（Debian/Ubuntu 上为 {build_packages}）。</translation>
    </message>
    <message>
      <source>On Linux, pip builds {packages} from source against the system's PROJ, GEOS and GDAL (their PyPI wheels bundle other copies, which crash QGIS with 'double free or corruption'); this needs the development packages ({build_packages} on Debian/Ubuntu). With PROJ 9.1 (Debian 12) pyproj must be 3.6.1, built with Cython 3.0 (see the plugin's README).</source>
      <translation type="vanished">在 Linux 上，pip 会基于系统自带的 PROJ、GEOS 和 GDAL 从源码构建 {packages}（其 PyPI wheel 包自带另一套副本，会使 QGIS 因 'double free or corruption' 崩溃）；这需要安装开发包（Debian/Ubuntu 上为 {build_packages}）。在 PROJ 9.1（Debian 12）下，pyproj 必须为 3.6.1 版，并以 Cython 3.0 构建（参见插件的 README）。</translation>
    </message>
    <message>
      <source>The dependent variable {name} has no variation left to explain (after the {effects} transformation); choose another variable or other panel effects.</source>
      <translation type="vanished">被解释变量 {name} 在 {effects} 变换后已无可解释的变异；请选择其他变量或其他面板效应。</translation>
    </message>
    <message>
      <source>The id field {field} is empty (NULL) for {count} feature(s); fill it.</source>
      <translation type="vanished">标识字段 {field} 在 {count} 个要素中为空（NULL）；请补全。</translation>
    </message>
    <message>
      <source>The table is neither UTF-8 nor GBK/GB18030 text; save it as “CSV UTF-8” or choose its encoding explicitly.</source>
      <translation type="vanished">该表格既不是 UTF-8 也不是 GBK/GB18030 文本；请另存为“CSV UTF-8”，或明确指定其编码。</translation>
    </message>
    <message>
      <source>The unit id field is empty (NULL) for {count} row(s); fill it.</source>
      <translation type="vanished">单元标识字段在 {count} 行中为空（NULL）；请补全。</translation>
    </message>
    <message>
      <source>The year field is empty or not a number for {count} row(s); fill it or choose the year field.</source>
      <translation type="vanished">年份字段在 {count} 行中为空或不是数字；请补全，或选择年份字段。</translation>
    </message>
    <message>
      <source>The year field {field} is empty or not a number in {count} row(s); fill it.</source>
      <translation type="vanished">年份字段 {field} 在 {count} 行中为空或不是数字；请补全。</translation>
    </message>
    <message>
      <source>Unknown method “{method}”; use separate or interaction.</source>
      <translation type="vanished">未知的方法“{method}”；请使用 separate 或 interaction。</translation>
    </message>
    <message>
      <source>{count} unit(s) have empty (NULL) values in the model's fields: {units}. Fill them, or run again with “Balance the panel / drop units with missing values” on.</source>
      <translation type="vanished">{count} 个单元在模型字段中有空值（NULL）：{units}。请补全，或勾选“平衡面板 / 剔除含缺失值的单元”后重新运行。</translation>
    </message>
    <message>
      <source>{model} ({kind}): the spatial parameter {name} = {value:.4f} is at the bound of its range (|{name}| ≥ {bound}); the model is not identified on these data, so it is left out of the tables and the report. Try other spatial weights, or read the OLS results.</source>
      <translation type="vanished">{model}（{kind}）：空间参数 {name} = {value:.4f} 位于取值范围的边界（|{name}| ≥ {bound}）；该模型在这些数据上不可识别，因此不列入表格和报告。请尝试其他空间权重，或参考 OLS 结果。</translation>
    </message>
    <message>
      <source>{model}: the spatial parameter {name} = {value:.4f} reached the bound of its admissible range ({lower:.4f}, {upper:.4f}); the likelihood has no interior maximum. Check the spatial weights (row-standardised weights are expected), add year fixed effects if all units share a trend, or choose another model.</source>
      <translation type="vanished">{model}：空间参数 {name} = {value:.4f} 达到其容许范围（{lower:.4f}, {upper:.4f}）的边界；似然函数没有内部极大值。请检查空间权重（应为行标准化权重）；若所有单元有共同趋势，请加入年份固定效应，或选择其他模型。</translation>
    </message>
  </context>
  <context>
    <name>summary</name>
    <message>
      <location filename="../../core/coverage/report.py" line="35" />
      <source>Value</source>
      <translation>值</translation>
    </message>
  </context>
  <context>
    <name>AutocorrelationReport</name>
    <message>
      <source>A city is in a cluster when its p-value is at most {alpha}; inference: {inference}; multiple-testing control: {control}.</source>
      <translation type="vanished">城市的 p 值不大于 {alpha} 时归入集聚类型；推断方式：{inference}；多重检验校正：{control}。</translation>
    </message>
    <message>
      <source>Bonferroni</source>
      <translation type="vanished">Bonferroni</translation>
    </message>
    <message>
      <source>Chart of the global statistic over the years</source>
      <translation type="vanished">全局统计量逐年变化图</translation>
    </message>
    <message>
      <source>Clusters</source>
      <translation type="vanished">集聚类型</translation>
    </message>
    <message>
      <source>Expected value</source>
      <translation type="vanished">期望值</translation>
    </message>
    <message>
      <source>Field</source>
      <translation type="vanished">字段</translation>
    </message>
    <message>
      <source>Global spatial autocorrelation: {layer}</source>
      <translation type="vanished">全局空间自相关：{layer}</translation>
    </message>
    <message>
      <source>HTML files (*.html)</source>
      <translation type="vanished">HTML 文件 (*.html)</translation>
    </message>
    <message>
      <source>Inference</source>
      <translation type="vanished">推断方式</translation>
    </message>
    <message>
      <source>Local Moran's I (LISA): {layer}</source>
      <translation type="vanished">局部莫兰指数（LISA）：{layer}</translation>
    </message>
    <message>
      <source>Moran scatter plot</source>
      <translation type="vanished">Moran 散点图</translation>
    </message>
    <message>
      <source>Moran's I</source>
      <translation type="vanished">莫兰指数（Moran's I）</translation>
    </message>
    <message>
      <source>Moran's I of {field}{year}: {value} (p = {p}, {inference}).</source>
      <translation type="vanished">{field}{year} 的 Moran's I：{value}（p = {p}，{inference}）。</translation>
    </message>
    <message>
      <source>Over the years</source>
      <translation type="vanished">逐年变化</translation>
    </message>
    <message>
      <source>Permutations</source>
      <translation type="vanished">置换次数</translation>
    </message>
    <message>
      <source>Report</source>
      <translation type="vanished">报告</translation>
    </message>
    <message>
      <source>Results</source>
      <translation type="vanished">结果</translation>
    </message>
    <message>
      <source>Statistic</source>
      <translation type="vanished">统计量</translation>
    </message>
    <message>
      <source>Units</source>
      <translation type="vanished">单元数</translation>
    </message>
    <message>
      <source>Value</source>
      <translation type="vanished">统计量值</translation>
    </message>
    <message>
      <source>Variable</source>
      <translation type="vanished">变量</translation>
    </message>
    <message>
      <source>Year</source>
      <translation type="vanished">年份</translation>
    </message>
    <message>
      <source>conditional permutation ({count} permutations)</source>
      <translation type="vanished">条件置换（{count} 次置换）</translation>
    </message>
    <message>
      <source>false discovery rate (Benjamini–Hochberg)</source>
      <translation type="vanished">错误发现率（Benjamini–Hochberg）</translation>
    </message>
    <message>
      <source>greater than expected (one-sided)</source>
      <translation type="vanished">大于期望（单侧）</translation>
    </message>
    <message>
      <source>less than expected (one-sided)</source>
      <translation type="vanished">小于期望（单侧）</translation>
    </message>
    <message>
      <source>matplotlib is not installed in QGIS's Python: the report has no chart.</source>
      <translation type="vanished">QGIS 的 Python 中未安装 matplotlib：报告中没有图表。</translation>
    </message>
    <message>
      <source>none</source>
      <translation type="vanished">无</translation>
    </message>
    <message>
      <source>normal approximation</source>
      <translation type="vanished">正态近似</translation>
    </message>
    <message>
      <source>p-value</source>
      <translation type="vanished">p 值</translation>
    </message>
    <message>
      <source>two-sided</source>
      <translation type="vanished">双侧</translation>
    </message>
    <message>
      <source>z</source>
      <translation type="vanished">z</translation>
    </message>
    <message>
      <source>z = (value − expected) / standard deviation. Geary's C below 1 (negative z) means positive autocorrelation. Permutation p-values are (M + 1) / (P + 1).</source>
      <translation type="vanished">z =（值 − 期望值）/ 标准差。Geary's C 小于 1（z 为负）表示正空间自相关。置换检验的 p 值为 (M + 1) / (P + 1)。</translation>
    </message>
    <message>
      <source>{count} field(s): {fields}. Alternative hypothesis: {alternative}.</source>
      <translation type="vanished">{count} 个字段：{fields}。备择假设：{alternative}。</translation>
    </message>
    <message>
      <source>{run}: Moran's I = {value}; High-High {hh}, Low-Low {ll}, Low-High {lh}, High-Low {hl} cities.</source>
      <translation type="vanished">{run}：Moran's I = {value}；高-高城市 {hh} 个，低-低 {ll} 个，低-高 {lh} 个，高-低 {hl} 个。</translation>
    </message>
  </context>
  <context>
    <name>ConvergenceReport</name>
    <message>
      <source>A negative indirect effect means that neighbours with a high initial level slow a unit's growth (convergence spills over).</source>
      <translation type="vanished">间接效应为负，表示初始水平较高的邻居会减缓本单元的增长（收敛存在空间溢出）。</translation>
    </message>
    <message>
      <source>AIC</source>
      <translation type="vanished">AIC</translation>
    </message>
    <message>
      <source>All units</source>
      <translation type="vanished">全部单元</translation>
    </message>
    <message>
      <source>Average annual growth {start}–{end}</source>
      <translation type="vanished">{start}–{end} 年均增长率</translation>
    </message>
    <message>
      <source>Average annual growth {start}–{end} (%)</source>
      <translation type="vanished">{start}–{end} 年均增长率（%）</translation>
    </message>
    <message>
      <source>Between groups</source>
      <translation type="vanished">组间</translation>
    </message>
    <message>
      <source>Between share</source>
      <translation type="vanished">组间占比</translation>
    </message>
    <message>
      <source>Change</source>
      <translation type="vanished">变化</translation>
    </message>
    <message>
      <source>Coefficient</source>
      <translation type="vanished">系数</translation>
    </message>
    <message>
      <source>Coefficient of variation</source>
      <translation type="vanished">变异系数</translation>
    </message>
    <message>
      <source>Coefficient of variation by group</source>
      <translation type="vanished">分组变异系数</translation>
    </message>
    <message>
      <source>Conditional (with controls)</source>
      <translation type="vanished">条件收敛（含控制变量）</translation>
    </message>
    <message>
      <source>Constant</source>
      <translation type="vanished">常数项</translation>
    </message>
    <message>
      <source>Contribution to the within-group Theil index</source>
      <translation type="vanished">对组内泰尔指数的贡献</translation>
    </message>
    <message>
      <source>Controls</source>
      <translation type="vanished">控制变量</translation>
    </message>
    <message>
      <source>Convergence of {variable}, {start}–{end}: {layer}</source>
      <translation type="vanished">{variable}的收敛分析，{start}–{end}：{layer}</translation>
    </message>
    <message>
      <source>Cross-section</source>
      <translation type="vanished">截面</translation>
    </message>
    <message>
      <source>Cross-section or panel</source>
      <translation type="vanished">截面或面板</translation>
    </message>
    <message>
      <source>Cross-section: average annual log growth {start}–{end}</source>
      <translation type="vanished">截面：{start}–{end} 年均对数增长率</translation>
    </message>
    <message>
      <source>Dagum (1997): G = G_w + G_nb + G_t. Transvariation measures the overlap of the groups' distributions.</source>
      <translation type="vanished">Dagum（1997）：G = G_w + G_nb + G_t。超变密度衡量各组分布的重叠程度。</translation>
    </message>
    <message>
      <source>Direct</source>
      <translation type="vanished">直接效应</translation>
    </message>
    <message>
      <source>Direct effect of the initial level</source>
      <translation type="vanished">初始水平的直接效应</translation>
    </message>
    <message>
      <source>Dispersion</source>
      <translation type="vanished">离散程度</translation>
    </message>
    <message>
      <source>Estimator</source>
      <translation type="vanished">估计方法</translation>
    </message>
    <message>
      <source>First year</source>
      <translation type="vanished">首年</translation>
    </message>
    <message>
      <source>Fixed effects</source>
      <translation type="vanished">固定效应</translation>
    </message>
    <message>
      <source>Gini (Dagum): net between groups</source>
      <translation type="vanished">基尼系数（Dagum）：组间净值</translation>
    </message>
    <message>
      <source>Gini (Dagum): transvariation</source>
      <translation type="vanished">基尼系数（Dagum）：超变密度</translation>
    </message>
    <message>
      <source>Gini (Dagum): within groups</source>
      <translation type="vanished">基尼系数（Dagum）：组内</translation>
    </message>
    <message>
      <source>Gini coefficient</source>
      <translation type="vanished">基尼系数</translation>
    </message>
    <message>
      <source>Gini coefficient: Dagum decomposition</source>
      <translation type="vanished">基尼系数：Dagum 分解</translation>
    </message>
    <message>
      <source>Group</source>
      <translation type="vanished">分组</translation>
    </message>
    <message>
      <source>Group's share of the total (Theil weight)</source>
      <translation type="vanished">组占总体的份额（泰尔权重）</translation>
    </message>
    <message>
      <source>Half-life (years)</source>
      <translation type="vanished">半衰期（年）</translation>
    </message>
    <message>
      <source>Half-life from the total effect (years)</source>
      <translation type="vanished">由总效应计算的半衰期（年）</translation>
    </message>
    <message>
      <source>Indirect (spillover)</source>
      <translation type="vanished">间接效应（溢出效应）</translation>
    </message>
    <message>
      <source>Indirect (spillover) effect</source>
      <translation type="vanished">间接效应（溢出效应）</translation>
    </message>
    <message>
      <source>Inference on the effects: {method}.</source>
      <translation type="vanished">效应的推断：{method}。</translation>
    </message>
    <message>
      <source>Last year</source>
      <translation type="vanished">末年</translation>
    </message>
    <message>
      <source>Linear trend: {slope} per year ({p}).</source>
      <translation type="vanished">线性趋势：每年 {slope}（{p}）。</translation>
    </message>
    <message>
      <source>Log-likelihood</source>
      <translation type="vanished">对数似然值</translation>
    </message>
    <message>
      <source>Mean</source>
      <translation type="vanished">均值</translation>
    </message>
    <message>
      <source>Mean of {variable}</source>
      <translation type="vanished">{variable}均值</translation>
    </message>
    <message>
      <source>Measure</source>
      <translation type="vanished">测度</translation>
    </message>
    <message>
      <source>Model</source>
      <translation type="vanished">模型</translation>
    </message>
    <message>
      <source>Net between groups</source>
      <translation type="vanished">组间净值</translation>
    </message>
    <message>
      <source>No significant absolute β-convergence: β = {beta} ({p}).</source>
      <translation type="vanished">不存在显著的绝对β收敛：β = {beta}（{p}）。</translation>
    </message>
    <message>
      <source>None</source>
      <translation type="vanished">无</translation>
    </message>
    <message>
      <source>OLS fit (β = {beta:.4f})</source>
      <translation type="vanished">OLS 拟合线（β = {beta:.4f}）</translation>
    </message>
    <message>
      <source>Observations</source>
      <translation type="vanished">观测值</translation>
    </message>
    <message>
      <source>Panel</source>
      <translation type="vanished">面板</translation>
    </message>
    <message>
      <source>Panel fixed-effects β is biased towards faster convergence in short panels (Nickell 1981): read its speed as an upper bound.</source>
      <translation type="vanished">短面板中固定效应估计的β偏向更快的收敛（Nickell 1981）：其收敛速度应视为上限。</translation>
    </message>
    <message>
      <source>Panel: annual log growth</source>
      <translation type="vanished">面板：年度对数增长率</translation>
    </message>
    <message>
      <source>Pseudo R²</source>
      <translation type="vanished">伪 R²</translation>
    </message>
    <message>
      <source>R² (within R² with fixed effects, pseudo R² for ML)</source>
      <translation type="vanished">R²（固定效应模型为组内 R²，极大似然估计为伪 R²）</translation>
    </message>
    <message>
      <source>R² (within with fixed effects)</source>
      <translation type="vanished">R²（固定效应模型为组内 R²）</translation>
    </message>
    <message>
      <source>Share of the Theil index between groups</source>
      <translation type="vanished">泰尔指数中组间差异的占比</translation>
    </message>
    <message>
      <source>Significance (*** 1 %, ** 5 %, * 10 %)</source>
      <translation type="vanished">显著性（*** 1%，** 5%，* 10%）</translation>
    </message>
    <message>
      <source>Slope per year</source>
      <translation type="vanished">年均斜率</translation>
    </message>
    <message>
      <source>Spatial lag and Durbin models: the coefficient of the initial level is not its effect; the speed and half-life “from the total effect” use the LeSage–Pace total effect (direct + spillover) in place of β, the quantity that compares with OLS's β.</source>
      <translation type="vanished">空间滞后模型和空间杜宾模型：初始水平的系数并非其效应；“由总效应计算”的收敛速度和半衰期以 LeSage–Pace 总效应（直接效应 + 溢出效应）代替 β，可与 OLS 的 β 相比较。</translation>
    </message>
    <message>
      <source>Spatial models: effects of the initial level (LeSage and Pace)</source>
      <translation type="vanished">空间模型：初始水平的效应（LeSage 和 Pace）</translation>
    </message>
    <message>
      <source>Spatial parameter</source>
      <translation type="vanished">空间参数</translation>
    </message>
    <message>
      <source>Spatial parameter value</source>
      <translation type="vanished">空间参数估计值</translation>
    </message>
    <message>
      <source>Speed of convergence λ (per year)</source>
      <translation type="vanished">收敛速度 λ（每年）</translation>
    </message>
    <message>
      <source>Speed of convergence λ = −ln(1 + β·τ)/τ from the coefficient β of the initial level; half-life = ln 2 / λ.</source>
      <translation type="vanished">收敛速度 λ = −ln(1 + β·τ)/τ，由初始水平的系数 β 计算；半衰期 = ln 2 / λ。</translation>
    </message>
    <message>
      <source>Speed of convergence λ = −ln(1 + β·τ)/τ with τ the years over which growth is averaged (the whole period in the cross-section, 1 for annual panel growth); half-life = ln 2 / λ; standard errors by the delta method.</source>
      <translation type="vanished">收敛速度 λ = −ln(1 + β·τ)/τ，τ 为计算平均增长率的年数（截面为整个期间，年度面板增长为 1）；半衰期 = ln 2 / λ；标准误采用 Delta 方法。</translation>
    </message>
    <message>
      <source>Speed λ (per year)</source>
      <translation type="vanished">收敛速度 λ（每年）</translation>
    </message>
    <message>
      <source>Speed λ from the total effect (per year)</source>
      <translation type="vanished">由总效应计算的收敛速度 λ（每年）</translation>
    </message>
    <message>
      <source>Standard deviation of logs</source>
      <translation type="vanished">对数标准差</translation>
    </message>
    <message>
      <source>Standard deviations divide by n − 1 unless chosen otherwise; Theil index T = (1/n) Σ (y/ȳ) ln(y/ȳ); Gini G = Σ Σ |yᵢ − yⱼ| / (2n²ȳ).</source>
      <translation type="vanished">除另有选择外，标准差的分母为 n − 1；泰尔指数 T = (1/n) Σ (y/ȳ) ln(y/ȳ)；基尼系数 G = Σ Σ |yᵢ − yⱼ| / (2n²ȳ)。</translation>
    </message>
    <message>
      <source>Standard error</source>
      <translation type="vanished">标准误</translation>
    </message>
    <message>
      <source>Standard error of the direct effect (simulated)</source>
      <translation type="vanished">直接效应的标准误（模拟）</translation>
    </message>
    <message>
      <source>Standard error of the half-life</source>
      <translation type="vanished">半衰期的标准误</translation>
    </message>
    <message>
      <source>Standard error of the indirect effect (simulated)</source>
      <translation type="vanished">间接效应的标准误（模拟）</translation>
    </message>
    <message>
      <source>Standard error of the spatial parameter</source>
      <translation type="vanished">空间参数的标准误</translation>
    </message>
    <message>
      <source>Standard error of the total effect (simulated)</source>
      <translation type="vanished">总效应的标准误（模拟）</translation>
    </message>
    <message>
      <source>Standard error of β</source>
      <translation type="vanished">β的标准误</translation>
    </message>
    <message>
      <source>Standard error of λ</source>
      <translation type="vanished">λ的标准误</translation>
    </message>
    <message>
      <source>Standard errors ({kinds})</source>
      <translation type="vanished">标准误（{kinds}）</translation>
    </message>
    <message>
      <source>Standard errors of the effects</source>
      <translation type="vanished">效应的标准误</translation>
    </message>
    <message>
      <source>The coefficient of variation {direction} from {first} ({start}) to {last} ({end}), {change} in all.</source>
      <translation type="vanished">变异系数从 {first}（{start}年）{direction}至 {last}（{end}年），累计变化 {change}。</translation>
    </message>
    <message>
      <source>The {design} β regression was skipped: {reason}</source>
      <translation type="vanished">{design} β 回归已跳过：{reason}</translation>
    </message>
    <message>
      <source>Theil index</source>
      <translation type="vanished">泰尔指数</translation>
    </message>
    <message>
      <source>Theil index, between groups</source>
      <translation type="vanished">泰尔指数：组间</translation>
    </message>
    <message>
      <source>Theil index, within groups</source>
      <translation type="vanished">泰尔指数：组内</translation>
    </message>
    <message>
      <source>Theil index: between and within groups</source>
      <translation type="vanished">泰尔指数：组间与组内</translation>
    </message>
    <message>
      <source>Total</source>
      <translation type="vanished">总体</translation>
    </message>
    <message>
      <source>Total effect</source>
      <translation type="vanished">总效应</translation>
    </message>
    <message>
      <source>Transvariation</source>
      <translation type="vanished">超变密度</translation>
    </message>
    <message>
      <source>Trend of each measure over the years</source>
      <translation type="vanished">各测度的逐年趋势</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation type="vanished">城市</translation>
    </message>
    <message>
      <source>Unit and year</source>
      <translation type="vanished">城市与年份</translation>
    </message>
    <message>
      <source>Units</source>
      <translation type="vanished">单元数</translation>
    </message>
    <message>
      <source>Variable</source>
      <translation type="vanished">变量</translation>
    </message>
    <message>
      <source>W × ln {variable} {year} (neighbours' initial level)</source>
      <translation type="vanished">W × ln {variable} {year}（邻居的初始水平）</translation>
    </message>
    <message>
      <source>W × {control}</source>
      <translation type="vanished">W × {control}</translation>
    </message>
    <message>
      <source>Within groups</source>
      <translation type="vanished">组内</translation>
    </message>
    <message>
      <source>Year</source>
      <translation type="vanished">年份</translation>
    </message>
    <message>
      <source>Yes: β = {beta} ({p}); the gap to the common steady state closes at {speed} a year, half of it in {half} years.</source>
      <translation type="vanished">是：β = {beta}（{p}）；向共同稳态的差距每年缩小 {speed}，{half} 年缩小一半。</translation>
    </message>
    <message>
      <source>absolute</source>
      <translation type="vanished">绝对收敛</translation>
    </message>
    <message>
      <source>conditional</source>
      <translation type="vanished">条件收敛</translation>
    </message>
    <message>
      <source>cross-section</source>
      <translation type="vanished">截面</translation>
    </message>
    <message>
      <source>fell</source>
      <translation type="vanished">下降</translation>
    </message>
    <message>
      <source>ln {variable} in {year}</source>
      <translation type="vanished">{year}年 ln {variable}</translation>
    </message>
    <message>
      <source>ln {variable} {year} (initial level, β)</source>
      <translation type="vanished">ln {variable} {year}（初始水平，β）</translation>
    </message>
    <message>
      <source>ln {variable}, previous year (β)</source>
      <translation type="vanished">ln {variable}，上一年（β）</translation>
    </message>
    <message>
      <source>matplotlib is not installed in QGIS's Python: the report has no charts.</source>
      <translation type="vanished">QGIS 的 Python 中未安装 matplotlib：报告中没有图表。</translation>
    </message>
    <message>
      <source>p-value</source>
      <translation type="vanished">p 值</translation>
    </message>
    <message>
      <source>p-value of the spatial parameter</source>
      <translation type="vanished">空间参数的 p 值</translation>
    </message>
    <message>
      <source>p-value of β</source>
      <translation type="vanished">β的 p 值</translation>
    </message>
    <message>
      <source>panel</source>
      <translation type="vanished">面板</translation>
    </message>
    <message>
      <source>rose</source>
      <translation type="vanished">上升</translation>
    </message>
    <message>
      <source>t or z statistic</source>
      <translation type="vanished">t 或 z 统计量</translation>
    </message>
    <message>
      <source>{control}, previous year</source>
      <translation type="vanished">{control}，上一年</translation>
    </message>
    <message>
      <source>{count} unit(s) with missing years were left out: {units}.</source>
      <translation type="vanished">已剔除 {count} 个有缺失年份的单元：{units}。</translation>
    </message>
    <message>
      <source>{design} {estimator}, {kind}</source>
      <translation type="vanished">{design} {estimator}（{kind}）</translation>
    </message>
    <message>
      <source>{units} units, {years} years ({start}–{end}), balanced panel.</source>
      <translation type="vanished">{units} 个单元，{years} 年（{start}–{end}），平衡面板。</translation>
    </message>
    <message>
      <source>β (coefficient of the log level)</source>
      <translation type="vanished">β（对数水平的系数）</translation>
    </message>
    <message>
      <source>β-convergence coefficients of {variable}</source>
      <translation type="vanished">{variable}的β收敛系数</translation>
    </message>
    <message>
      <source>β-convergence of {variable}</source>
      <translation type="vanished">{variable}的β收敛</translation>
    </message>
    <message>
      <source>β-convergence scatter</source>
      <translation type="vanished">β收敛散点图</translation>
    </message>
    <message>
      <source>β-convergence: do units that start lower grow faster?</source>
      <translation type="vanished">β收敛：初始水平较低的单元是否增长更快？</translation>
    </message>
    <message>
      <source>β-convergence: growth against the initial level</source>
      <translation type="vanished">β收敛：增长率与初始水平</translation>
    </message>
    <message>
      <source>λ (spatial error)</source>
      <translation type="vanished">λ（空间误差）</translation>
    </message>
    <message>
      <source>ρ (spatial lag of growth)</source>
      <translation type="vanished">ρ（增长率的空间滞后）</translation>
    </message>
    <message>
      <source>σ-convergence chart</source>
      <translation type="vanished">σ收敛图</translation>
    </message>
    <message>
      <source>σ-convergence of {variable}</source>
      <translation type="vanished">{variable}的σ收敛</translation>
    </message>
    <message>
      <source>σ-convergence of {variable} by group</source>
      <translation type="vanished">{variable}分组σ收敛</translation>
    </message>
    <message>
      <source>σ-convergence: dispersion across units, year by year</source>
      <translation type="vanished">σ收敛：单元间离散程度的逐年变化</translation>
    </message>
  </context>
  <context>
    <name>MediationReport</name>
    <message>
      <source>(1) {y}: total effect</source>
      <translation type="vanished">(1) {y}：总效应</translation>
    </message>
    <message>
      <source>(2) {m}: path a</source>
      <translation type="vanished">(2) {m}：路径 a</translation>
    </message>
    <message>
      <source>(3) {y}: direct effect and path b</source>
      <translation type="vanished">(3) {y}：直接效应与路径 b</translation>
    </message>
    <message>
      <source>Aroian (1947)</source>
      <translation type="vanished">Aroian（1947）</translation>
    </message>
    <message>
      <source>Bias-corrected bootstrap interval, lower</source>
      <translation type="vanished">偏差校正自助法置信区间下限</translation>
    </message>
    <message>
      <source>Bias-corrected bootstrap interval, upper</source>
      <translation type="vanished">偏差校正自助法置信区间上限</translation>
    </message>
    <message>
      <source>Bias-corrected {level} interval</source>
      <translation type="vanished">偏差校正 {level} 置信区间</translation>
    </message>
    <message>
      <source>Bootstrap distribution of the indirect effect</source>
      <translation type="vanished">间接效应的自助法分布</translation>
    </message>
    <message>
      <source>Bootstrap distribution of the indirect effect ({draws} draws)</source>
      <translation type="vanished">间接效应的自助法分布（{draws} 次抽样）</translation>
    </message>
    <message>
      <source>Bootstrap standard error</source>
      <translation type="vanished">自助法标准误</translation>
    </message>
    <message>
      <source>Cluster bootstrap: {draws} draws resampling whole units (seed {seed}); bootstrap standard error of a·b {se}.</source>
      <translation type="vanished">聚类自助法：以整个单元为单位重抽样 {draws} 次（种子 {seed}）；a·b 的自助法标准误为 {se}。</translation>
    </message>
    <message>
      <source>Coefficient</source>
      <translation type="vanished">系数</translation>
    </message>
    <message>
      <source>Competitive mediation: the indirect effect is significant and opposes the direct effect</source>
      <translation type="vanished">竞争型中介：间接效应显著，且与直接效应方向相反</translation>
    </message>
    <message>
      <source>Constant</source>
      <translation type="vanished">常数项</translation>
    </message>
    <message>
      <source>Cross-section (one year)</source>
      <translation type="vanished">截面（单一年份）</translation>
    </message>
    <message>
      <source>Description</source>
      <translation type="vanished">说明</translation>
    </message>
    <message>
      <source>Direct effect c′</source>
      <translation type="vanished">直接效应 c′</translation>
    </message>
    <message>
      <source>Draws</source>
      <translation type="vanished">抽样次数</translation>
    </message>
    <message>
      <source>Effect</source>
      <translation type="vanished">效应</translation>
    </message>
    <message>
      <source>Effects</source>
      <translation type="vanished">效应</translation>
    </message>
    <message>
      <source>Equation</source>
      <translation type="vanished">方程</translation>
    </message>
    <message>
      <source>Estimate</source>
      <translation type="vanished">估计值</translation>
    </message>
    <message>
      <source>Full (indirect-only) mediation: the indirect effect is significant and the direct effect is not</source>
      <translation type="vanished">完全中介（仅间接效应）：间接效应显著而直接效应不显著</translation>
    </message>
    <message>
      <source>Indirect effect a·b</source>
      <translation type="vanished">间接效应 a·b</translation>
    </message>
    <message>
      <source>Indirect effect a·b (Aroian)</source>
      <translation type="vanished">间接效应 a·b（Aroian）</translation>
    </message>
    <message>
      <source>Indirect effect a·b (Sobel)</source>
      <translation type="vanished">间接效应 a·b（Sobel）</translation>
    </message>
    <message>
      <source>Mediation effects</source>
      <translation type="vanished">中介效应</translation>
    </message>
    <message>
      <source>Mediation regressions</source>
      <translation type="vanished">中介效应回归</translation>
    </message>
    <message>
      <source>Mediation: {x} → {m} → {y} ({layer})</source>
      <translation type="vanished">中介效应：{x} → {m} → {y}（{layer}）</translation>
    </message>
    <message>
      <source>No bootstrap was run (0 draws): the verdict rests on the Sobel test.</source>
      <translation type="vanished">未做自助法（抽样 0 次）：结论基于 Sobel 检验。</translation>
    </message>
    <message>
      <source>No effect: neither the indirect nor the direct effect is significant</source>
      <translation type="vanished">无效应：间接效应与直接效应均不显著</translation>
    </message>
    <message>
      <source>No mediation: only the direct effect is significant</source>
      <translation type="vanished">无中介效应：仅直接效应显著</translation>
    </message>
    <message>
      <source>Observations</source>
      <translation type="vanished">观测值</translation>
    </message>
    <message>
      <source>Panel with unit and year fixed effects</source>
      <translation type="vanished">含城市与年份双向固定效应的面板</translation>
    </message>
    <message>
      <source>Panel with unit fixed effects</source>
      <translation type="vanished">含城市固定效应的面板</translation>
    </message>
    <message>
      <source>Partial (complementary) mediation: the indirect effect is significant and has the sign of the direct effect</source>
      <translation type="vanished">部分中介（互补型）：间接效应显著，且与直接效应同号</translation>
    </message>
    <message>
      <source>Path a (X → M)</source>
      <translation type="vanished">路径 a（X → M）</translation>
    </message>
    <message>
      <source>Path b (M → Y given X)</source>
      <translation type="vanished">路径 b（控制 X 后 M → Y）</translation>
    </message>
    <message>
      <source>Percentile bootstrap interval, lower</source>
      <translation type="vanished">百分位自助法置信区间下限</translation>
    </message>
    <message>
      <source>Percentile bootstrap interval, upper</source>
      <translation type="vanished">百分位自助法置信区间上限</translation>
    </message>
    <message>
      <source>Percentile {level} interval</source>
      <translation type="vanished">百分位 {level} 置信区间</translation>
    </message>
    <message>
      <source>Pooled OLS with year effects</source>
      <translation type="vanished">含年份效应的混合 OLS</translation>
    </message>
    <message>
      <source>R² (within R² with fixed effects)</source>
      <translation type="vanished">R²（固定效应模型为组内 R²）</translation>
    </message>
    <message>
      <source>R² (within with fixed effects)</source>
      <translation type="vanished">R²（固定效应模型为组内 R²）</translation>
    </message>
    <message>
      <source>Share mediated a·b / c</source>
      <translation type="vanished">中介效应占比 a·b / c</translation>
    </message>
    <message>
      <source>Share of the total effect mediated (a·b / c): {share}. The standard error and p-value of a·b are the Sobel test's.</source>
      <translation type="vanished">中介效应占总效应的比例（a·b / c）：{share}。a·b 的标准误和 p 值来自 Sobel 检验。</translation>
    </message>
    <message>
      <source>Significance (*** 1 %, ** 5 %, * 10 %)</source>
      <translation type="vanished">显著性（*** 1%，** 5%，* 10%）</translation>
    </message>
    <message>
      <source>Sobel (1982)</source>
      <translation type="vanished">Sobel（1982）</translation>
    </message>
    <message>
      <source>Standard error</source>
      <translation type="vanished">标准误</translation>
    </message>
    <message>
      <source>Step</source>
      <translation type="vanished">步骤</translation>
    </message>
    <message>
      <source>Steps: (1) {y} on {x} gives the total effect c; (2) {m} on {x} gives path a; (3) {y} on {x} and {m} gives the direct effect c′ and path b. By least squares c = c′ + a·b exactly. The bootstrap does not assume a·b is normal, which the Sobel test does.</source>
      <translation type="vanished">步骤：(1) {y} 对 {x} 回归得到总效应 c；(2) {m} 对 {x} 回归得到路径 a；(3) {y} 对 {x} 和 {m} 回归得到直接效应 c′ 和路径 b。最小二乘下 c = c′ + a·b 严格成立。自助法不像 Sobel 检验那样假设 a·b 服从正态分布。</translation>
    </message>
    <message>
      <source>Stepwise regressions (Baron and Kenny)</source>
      <translation type="vanished">逐步回归（Baron 和 Kenny）</translation>
    </message>
    <message>
      <source>Test</source>
      <translation type="vanished">检验</translation>
    </message>
    <message>
      <source>Tests of the indirect effect</source>
      <translation type="vanished">间接效应的检验</translation>
    </message>
    <message>
      <source>Total effect c</source>
      <translation type="vanished">总效应 c</translation>
    </message>
    <message>
      <source>Unit fixed effects</source>
      <translation type="vanished">城市固定效应</translation>
    </message>
    <message>
      <source>Variable</source>
      <translation type="vanished">变量</translation>
    </message>
    <message>
      <source>Verdict</source>
      <translation type="vanished">结论</translation>
    </message>
    <message>
      <source>Year effects</source>
      <translation type="vanished">年份效应</translation>
    </message>
    <message>
      <source>matplotlib is not installed in QGIS's Python: the report has no chart.</source>
      <translation type="vanished">QGIS 的 Python 中未安装 matplotlib：报告中没有图表。</translation>
    </message>
    <message>
      <source>p-value</source>
      <translation type="vanished">p 值</translation>
    </message>
    <message>
      <source>t or z statistic</source>
      <translation type="vanished">t 或 z 统计量</translation>
    </message>
    <message>
      <source>t statistic</source>
      <translation type="vanished">t 统计量</translation>
    </message>
    <message>
      <source>z</source>
      <translation type="vanished">z</translation>
    </message>
    <message>
      <source>{count} unit(s) with missing years were left out: {units}.</source>
      <translation type="vanished">已剔除 {count} 个有缺失年份的单元：{units}。</translation>
    </message>
    <message>
      <source>{model}; {n} observations of {units} units, {period}.</source>
      <translation type="vanished">{model}；{units} 个单元的 {n} 个观测值，{period}。</translation>
    </message>
    <message>
      <source>{verdict}. Indirect effect of {x} on {y} through {m}: {indirect} ({share} of the total effect).</source>
      <translation type="vanished">{verdict}。{x}通过{m}对{y}的间接效应：{indirect}（占总效应的 {share}）。</translation>
    </message>
  </context>
</TS>
