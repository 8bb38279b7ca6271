<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>DigitalResiliencePlugin</name>
    <message>
      <location filename="../../plugin/plugin.py" line="68" />
      <source>The Digital Resilience provider is already registered.</source>
      <translation>数字韧性处理提供者已注册。</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="69" />
      <source>Digital Resilience</source>
      <translation>数字韧性</translation>
    </message>
  </context>
  <context>
    <name>GeometryChecks</name>
    <message>
      <location filename="../../processing/geometry_checks.py" line="30" />
      <source>{count} feature(s) without geometry were left out: {ids}.</source>
      <translation>已略去 {count} 个没有几何的要素：{ids}。</translation>
    </message>
    <message>
      <location filename="../../processing/geometry_checks.py" line="51" />
      <source>{count} invalid geometries were repaired for the analysis (the layer is unchanged): {ids}.</source>
      <translation>已为分析修复 {count} 个无效几何（图层本身未改动）：{ids}。</translation>
    </message>
  </context>
  <context>
    <name>LayerBridge</name>
    <message>
      <location filename="../../processing/bridge.py" line="161" />
      <source>The field “{field}” is not in the layer; choose one of: {fields}.</source>
      <translation>图层中没有字段“{field}”；请从以下字段中选择：{fields}。</translation>
    </message>
    <message>
      <location filename="../../processing/bridge.py" line="319" />
      <source>Could not write features to the output: {error}</source>
      <translation>无法将要素写入输出：{error}</translation>
    </message>
  </context>
  <context>
    <name>ReportLayouts</name>
    <message>
      <location filename="../../processing/layouts.py" line="87" />
      <source>A4 landscape</source>
      <translation>A4 横向</translation>
    </message>
    <message>
      <location filename="../../processing/layouts.py" line="87" />
      <source>A4 portrait</source>
      <translation>A4 纵向</translation>
    </message>
    <message>
      <location filename="../../processing/layouts.py" line="87" />
      <source>A3 landscape</source>
      <translation>A3 横向</translation>
    </message>
    <message>
      <location filename="../../processing/layouts.py" line="87" />
      <source>A3 portrait</source>
      <translation>A3 纵向</translation>
    </message>
  </context>
  <context>
    <name>ReportMapAlgorithm</name>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="69" />
      <source>Report map</source>
      <translation>报告地图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="73" />
      <source>Exports a styled layer, or the visible layers of the current project, as a finished report map (PDF, PNG or SVG, from the output's file extension) on a print layout template: title, subtitle, legend, scale bar, north arrow and data-source note.

Style: leave Field empty to keep the layer's own style; choose a numeric field to draw a graduated map with the chosen classification (natural breaks by default) and colour ramp.

Templates: A4 or A3, landscape or portrait (resources/layouts), or your own .qpt file whose map item has the id main_map (items title, subtitle, legend, scalebar, north_arrow, source, inset_map and inset_label are filled in when present).

Maps of China: the map is drawn in an Albers equal-area projection with province boundaries, and the South China Sea islands (南海诸岛) go into a framed inset at the lower right, as in Chinese atlases, while the main map stops south of Hainan. Automatic mode does this when the page covers the mainland and the islands.

Atlas: one page per year draws every year of a STEM_YYYY field (e.g. DEI_2011 … DEI_2019) on its own page. By default every year uses the same classes, so colours compare across years: classes computed on all years pooled when Field is set, or the style's own breaks when the layer keeps its style; choose 'classify each year on its own' to re-classify every page. One page per value of a field (e.g. region or province) zooms to each value's features, with the other features in grey, and keeps one classification for all pages. A PDF holds every page; PNG and SVG write one file per page (name_2019.png …).</source>
      <translation>将已设置样式的图层（或当前项目中的可见图层）按打印布局模板导出为成品报告地图（PDF、PNG 或 SVG，由输出文件扩展名决定），包括标题、副标题、图例、比例尺、指北针和数据来源说明。

样式：字段留空则保留图层自身的样式；选择一个数值字段则按所选分级方法（默认为自然断点）和色带绘制分级设色图。

模板：A4 或 A3，横向或纵向（resources/layouts），也可使用自己的 .qpt 文件，其中地图项的标识须为 main_map（如有 title、subtitle、legend、scalebar、north_arrow、source、inset_map 和 inset_label 等项，会自动填写）。

中国地图：采用 Albers 等积投影并绘制省界，南海诸岛按中国地图集的惯例放入右下角带框的附图，主图截止于海南以南。“自动”模式在页面覆盖大陆和南海诸岛时启用。

图集：“每年一页”将 STEM_YYYY 字段（如 DEI_2011 … DEI_2019）的每一年绘制在单独的一页上。默认各年使用相同的分级，便于跨年比较颜色：设置了字段时按所有年份合并计算分级，保留图层样式时沿用样式自身的断点；选择“每年单独分级”则每页重新分级。“按字段值每值一页”（如地区或省份）缩放到每个值的要素，其余要素以灰色显示，所有页面使用同一分级。PDF 包含所有页面；PNG 和 SVG 每页写一个文件（name_2019.png …）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="72" />
      <source>map,report,layout,print,pdf,png,svg,atlas,template,choropleth,legend,south china sea,inset</source>
      <translation>map,report,layout,print,pdf,png,svg,atlas,template,choropleth,legend,south china sea,inset,地图,报告,布局,打印,图集,模板,分级设色,图例,南海诸岛,附图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="123" />
      <source>Layer (leave empty to map the current project's visible layers)</source>
      <translation>图层（留空则绘制当前项目的可见图层）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="126" />
      <source>Field to classify (empty: keep the layer's style)</source>
      <translation>分级字段（留空：保留图层样式）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="129" />
      <source>Classification</source>
      <translation>分级方法</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="131" />
      <source>Number of classes</source>
      <translation>分级数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="134" />
      <source>Colour ramp</source>
      <translation>色带</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="136" />
      <source>Page</source>
      <translation>页面</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="137" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="139" />
      <source>Subtitle</source>
      <translation>副标题</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="141" />
      <source>Data source note</source>
      <translation>数据来源说明</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="143" />
      <source>Pages</source>
      <translation>页数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="144" />
      <source>One page</source>
      <translation>单页</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="144" />
      <source>One page per year (STEM_YYYY fields)</source>
      <translation>每年一页（STEM_YYYY 字段）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="145" />
      <source>One page per value of a field</source>
      <translation>按字段值每值一页</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="147" />
      <source>Field with one page per value (e.g. region)</source>
      <translation>每值一页的字段（如地区）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="150" />
      <source>Classes of a page per year</source>
      <translation>逐年分页的分级方式</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="151" />
      <source>Same classes for every year</source>
      <translation>各年使用相同分级</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="151" />
      <source>Classify each year on its own</source>
      <translation>每年单独分级</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="154" />
      <source>Own layout template (.qpt; replaces Page)</source>
      <translation>自定义布局模板（.qpt；替代“页面”）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="155" />
      <source>Layout templates (*.qpt)</source>
      <translation>布局模板 (*.qpt)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="158" />
      <source>China: Albers projection, province boundaries and South China Sea inset</source>
      <translation>中国：Albers 投影、省界和南海诸岛附图</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="159" />
      <source>Automatic</source>
      <translation>自动</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="159" />
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="159" />
      <source>No</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="161" />
      <source>Map projection (empty: automatic)</source>
      <translation>地图投影（留空：自动）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="163" />
      <source>Resolution (dots per inch)</source>
      <translation>分辨率（每英寸点数）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="171" />
      <source>PDF files (*.pdf);;PNG files (*.png);;SVG files (*.svg)</source>
      <translation>PDF 文件 (*.pdf);;PNG 文件 (*.png);;SVG 文件 (*.svg)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="173" />
      <source>Files written (separated by ;)</source>
      <translation>已写入的文件（以 ; 分隔）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="180" />
      <source>Save the report map as .pdf, .png or .svg (the format follows the file name); got “{name}”.</source>
      <translation>请将报告地图保存为 .pdf、.png 或 .svg（格式由文件名决定）；得到的是“{name}”。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="188" />
      <source>Layers: {names}</source>
      <translation>图层：{names}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="198" />
      <source>The layout template has no map item; add a map (item id main_map) in the layout designer.</source>
      <translation>该布局模板没有地图项；请在布局设计器中添加地图（项标识为 main_map）。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="237" />
      <source>Cancelled by the user.</source>
      <translation>已被用户取消。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="239" />
      <source>{pages} page(s) written: {files}</source>
      <translation>已写入 {pages} 页：{files}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="257" />
      <source>There is no layer to map: choose a layer, or run the algorithm from a project with visible layers.</source>
      <translation>没有可绘制的图层：请选择一个图层，或在含有可见图层的项目中运行本算法。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="282" />
      <source>Provinces</source>
      <translation>省份</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="283" />
      <source>Province boundaries</source>
      <translation>省界</translation>
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
      <location filename="../../processing/algorithms/report_map.py" line="359" />
      <source>The field {field} is not numeric; choose a numeric field to classify, or leave the field empty to keep the layer's style.</source>
      <translation>字段 {field} 不是数值型；请选择数值字段进行分级，或将字段留空以保留图层样式。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="398" />
      <source>Could not read the layout template {path}; choose a .qpt file saved by QGIS's layout designer.</source>
      <translation>无法读取布局模板 {path}；请选择由 QGIS 布局设计器保存的 .qpt 文件。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="412" />
      <source>South China Sea Islands</source>
      <translation>南海诸岛</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="415" />
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="473" />
      <source>Could not select the features of {value}.</source>
      <translation>无法选出 {value} 的要素。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="546" />
      <source>Could not write the report map {path}: {error}</source>
      <translation>无法写入报告地图 {path}：{error}</translation>
    </message>
  </context>
  <context>
    <name>ResilienceAlgorithm</name>
    <message>
      <location filename="../../processing/algorithm.py" line="47" />
      <source>Digital Resilience Toolkit needs Python packages that QGIS's Python lacks: {names}. Install them with: {command} (on Windows, run it in the OSGeo4W Shell), then restart QGIS.</source>
      <translation>数字韧性工具箱需要 QGIS 的 Python 中缺少的 Python 包：{names}。请用以下命令安装：{command}（Windows 上请在 OSGeo4W Shell 中运行），然后重启 QGIS。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="133" />
      <source>Cancelled by the user.</source>
      <translation>已被用户取消。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="32" />
      <source>Indicators and indices</source>
      <translation>指标与指数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="33" />
      <source>Spatial weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="34" />
      <source>Spatial autocorrelation</source>
      <translation>空间自相关</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="35" />
      <source>Core-node coverage</source>
      <translation>核心-节点覆盖</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="36" />
      <source>Spillover and dynamics</source>
      <translation>空间溢出与动态</translation>
    </message>
    <message>
      <location filename="../../processing/algorithm.py" line="37" />
      <source>Maps and reports</source>
      <translation>地图与报告</translation>
    </message>
  </context>
  <context>
    <name>ResilienceProvider</name>
    <message>
      <location filename="../../processing/provider.py" line="22" />
      <source>Digital Resilience</source>
      <translation>数字韧性</translation>
    </message>
    <message>
      <location filename="../../processing/provider.py" line="25" />
      <source>Digital Resilience Toolkit: digital economy and urban resilience</source>
      <translation>数字韧性工具箱：数字经济与城市韧性</translation>
    </message>
  </context>
  <context>
    <name>SpatialWeightsAlgorithm</name>
    <message>
      <location filename="../../core/weights/summary.py" line="29" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="30" />
      <source>Units</source>
      <translation>单元数</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="31" />
      <source>Links</source>
      <translation>连接数</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="32" />
      <source>Neighbours (min / mean / median / max)</source>
      <translation>邻居数（最小 / 平均 / 中位数 / 最大）</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="35" />
      <source>Islands (no neighbours)</source>
      <translation>孤岛（无邻居）</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="36" />
      <source>Symmetric</source>
      <translation>对称</translation>
    </message>
    <message>
      <location filename="../../core/weights/summary.py" line="37" />
      <source>Percent non-zero</source>
      <translation>非零元素比例</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="27" />
      <source>Spatial weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="31" />
      <source>Builds the neighbour structure (spatial weights) of a layer of cities and saves it.

Kinds: queen and rook contiguity (polygons sharing at least one / two vertices, as GeoDa and R spdep's poly2nb), k-nearest neighbours (geodesic in km when the layer's CRS is geographic, planar otherwise; polygons use their centroid or a point on their surface).

Outputs: a connectivity layer (a line from each unit to each neighbour), a weights file (GAL for contiguity and k-nearest neighbours, GWT for weighted kinds; readable by GeoDa and libpysal), a CSV edge list and an HTML summary (units, links, neighbour counts, islands, symmetry). Every other algorithm of the toolkit accepts the saved file or the same options inline.

The unit id field (e.g. adcode) identifies units in the files; without it the feature ids are used.</source>
      <translation>构建城市图层的邻接结构（空间权重）并保存。

类型：Queen 和 Rook 邻接（面至少共享一个/两个顶点，与 GeoDa 及 R spdep 的 poly2nb 相同）、k 近邻（图层 CRS 为地理坐标系时按大地线以千米计，否则按平面距离；面要素使用其质心或面上点）。

输出：连接图层（每个单元到其每个邻居的一条线）、权重文件（邻接和 k 近邻为 GAL，带权类型为 GWT；GeoDa 和 libpysal 可读）、CSV 边列表和 HTML 摘要（单元、连接、邻居数、孤岛、对称性）。工具箱中其他算法均可使用保存的文件，或直接使用相同选项。

单元标识字段（如 adcode）用于在文件中标识单元；不指定时使用要素 ID。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="30" />
      <source>weights,neighbours,contiguity,queen,rook,knn,gal,gwt,connectivity</source>
      <translation>weights,neighbours,contiguity,queen,rook,knn,gal,gwt,connectivity,空间权重,邻居,邻接,k近邻,连接</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="54" />
      <source>Units (cities)</source>
      <translation>单元（城市）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="61" />
      <source>Connectivity</source>
      <translation>连接</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="66" />
      <source>Weights file</source>
      <translation>权重文件</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="67" />
      <source>GAL files (*.gal);;GWT files (*.gwt)</source>
      <translation>GAL 文件 (*.gal);;GWT 文件 (*.gwt)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="72" />
      <source>Edge list</source>
      <translation>边列表</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="72" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="78" />
      <source>Summary report</source>
      <translation>摘要报告</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="78" />
      <source>HTML files (*.html)</source>
      <translation>HTML 文件 (*.html)</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="85" />
      <source>Units without neighbours</source>
      <translation>无邻居的单元</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="86" />
      <source>Mean number of neighbours</source>
      <translation>平均邻居数</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="111" />
      <source>{count} unit(s) have no neighbours: {ids}. Statistics treat them as islands; consider k-nearest neighbours or a distance band.</source>
      <translation>{count} 个单元没有邻居：{ids}。统计时将其视为孤岛；可考虑使用 k 近邻或距离带权重。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="149" />
      <source>Unit</source>
      <translation>单元</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="149" />
      <source>Neighbour</source>
      <translation>邻居</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="150" />
      <source>Weight (transformed)</source>
      <translation>权重（标准化后）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="151" />
      <source>Distance between the units' points</source>
      <translation>单元代表点之间的距离</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="152" />
      <source>Connectivity ({kind})</source>
      <translation>连接（{kind}）</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="183" />
      <source>Spatial weights: {layer}</source>
      <translation>空间权重：{layer}</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="184" />
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="185" />
      <source>Property</source>
      <translation>属性</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="185" />
      <source>Value</source>
      <translation>值</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="187" />
      <source>Neighbour counts</source>
      <translation>邻居数分布</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/spatial_weights.py" line="188" />
      <source>Neighbours</source>
      <translation>邻居数</translation>
    </message>
  </context>
  <context>
    <name>Styling</name>
    <message>
      <location filename="../../processing/styling.py" line="271" />
      <source>Natural breaks (Fisher–Jenks)</source>
      <translation>自然断点（Fisher–Jenks）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="272" />
      <source>Quantiles</source>
      <translation>分位数</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="273" />
      <source>Equal interval</source>
      <translation>等间距</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="274" />
      <source>Standard deviation</source>
      <translation>标准差</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="275" />
      <source>Box plot</source>
      <translation>箱线图</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="341" />
      <source>High-High</source>
      <translation>高-高</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="342" />
      <source>Low-Low</source>
      <translation>低-低</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="343" />
      <source>Low-High</source>
      <translation>低-高</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="344" />
      <source>High-Low</source>
      <translation>高-低</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="345" />
      <source>Not significant</source>
      <translation>不显著</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="346" />
      <source>No neighbours</source>
      <translation>无邻居</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="369" />
      <source>Hot spot, 99 % confidence</source>
      <translation>热点，99% 置信度</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="370" />
      <source>Hot spot, 95 % confidence</source>
      <translation>热点，95% 置信度</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="371" />
      <source>Hot spot, 90 % confidence</source>
      <translation>热点，90% 置信度</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="373" />
      <source>Cold spot, 90 % confidence</source>
      <translation>冷点，90% 置信度</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="374" />
      <source>Cold spot, 95 % confidence</source>
      <translation>冷点，95% 置信度</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="375" />
      <source>Cold spot, 99 % confidence</source>
      <translation>冷点，99% 置信度</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="405" />
      <source>Core city</source>
      <translation>核心城市</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="406" />
      <source>Node city (covered)</source>
      <translation>节点城市（已覆盖）</translation>
    </message>
    <message>
      <location filename="../../processing/styling.py" line="407" />
      <source>Not covered</source>
      <translation>未覆盖</translation>
    </message>
  </context>
  <context>
    <name>WeightsParameters</name>
    <message>
      <location filename="../../processing/weights_parameters.py" line="34" />
      <source>Queen contiguity</source>
      <translation>Queen 邻接</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="35" />
      <source>Rook contiguity</source>
      <translation>Rook 邻接</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="36" />
      <source>K-nearest neighbours</source>
      <translation>K 近邻</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="37" />
      <source>Distance band</source>
      <translation>距离带</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="38" />
      <source>Inverse distance</source>
      <translation>反距离</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="39" />
      <source>Kernel</source>
      <translation>核函数</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="40" />
      <source>Economic distance</source>
      <translation>经济距离</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="41" />
      <source>Economic-geographic (nested)</source>
      <translation>经济地理嵌套</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="42" />
      <source>Block (same category)</source>
      <translation>区块（同类别）</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="48" />
      <source>Row-standardised</source>
      <translation>行标准化</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="48" />
      <source>Binary</source>
      <translation>二值</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="48" />
      <source>Variance-stabilising</source>
      <translation>方差稳定化</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="52" />
      <source>Centroid</source>
      <translation>质心</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="52" />
      <source>Point on surface</source>
      <translation>面上点</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="63" />
      <source>Unit id field (unique; used in weights files)</source>
      <translation>单元标识字段（唯一；用于权重文件）</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="72" />
      <source>Spatial weights file (GAL/GWT; leave empty to build weights from the options below)</source>
      <translation>空间权重文件（GAL/GWT；留空则按下列选项构建权重）</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="74" />
      <source>Weights files (*.gal *.gwt *.GAL *.GWT)</source>
      <translation>权重文件 (*.gal *.gwt *.GAL *.GWT)</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="79" />
      <source>Kind of spatial weights</source>
      <translation>空间权重类型</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="83" />
      <source>Number of neighbours k (k-nearest neighbours)</source>
      <translation>邻居数 k（k 近邻）</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="89" />
      <source>Transformation</source>
      <translation>标准化方式</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="94" />
      <source>Make k-nearest neighbours symmetric</source>
      <translation>使 k 近邻对称</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="97" />
      <source>Point of each polygon (for distances)</source>
      <translation>面的代表点（用于距离）</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="100" />
      <source>Snap distance for contiguity (layer units; 0 = shared vertices only)</source>
      <translation>邻接捕捉距离（图层单位；0 = 仅共享顶点）</translation>
    </message>
  </context>
  <context>
    <name>core</name>
    <message>
      <location filename="../../core/charts/moran_scatter.py" line="16" />
      <source>The variable is constant; a Moran scatter plot needs values that vary.</source>
      <translation>该变量为常数；Moran 散点图需要有变化的数值。</translation>
    </message>
    <message>
      <location filename="../../core/charts/moran_scatter.py" line="32" />
      <source>Give one spatial lag per value: {values} values, {lags} lags.</source>
      <translation>每个值需对应一个空间滞后：现有 {values} 个值、{lags} 个滞后值。</translation>
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
      <location filename="../../core/classify.py" line="34" />
      <source>There are no values to classify: the field is empty or all NULL.</source>
      <translation>没有可分级的数值：该字段为空或全部为 NULL。</translation>
    </message>
    <message>
      <location filename="../../core/classify.py" line="36" />
      <source>Unknown classification “{scheme}”; use one of {schemes}.</source>
      <translation>未知的分级方法“{scheme}”；请使用以下之一：{schemes}。</translation>
    </message>
    <message>
      <location filename="../../core/geodesy.py" line="36" />
      <source>The layer has no coordinate reference system, so distances cannot be measured; set its CRS (Layer Properties › Source) and run again.</source>
      <translation>该图层没有坐标参考系，无法量算距离；请设置其 CRS（图层属性 › 源）后重新运行。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="47" />
      <source>The layer has no yearly fields {stem}_YYYY; its yearly fields are: {stems}.</source>
      <translation>该图层没有年度字段 {stem}_YYYY；现有的年度字段为：{stems}。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="79" />
      <source>No yearly fields for {stems}; expected fields like {example}.</source>
      <translation>{stems} 没有年度字段；应为类似 {example} 的字段。</translation>
    </message>
    <message>
      <location filename="../../core/panel.py" line="101" />
      <source>Each unit may have one row per year; these unit-years repeat: {pairs}.</source>
      <translation>每个单元每年只能有一行；以下单元-年份重复：{pairs}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/build.py" line="51" />
      <source>Unknown kind of weights “{kind}”; use one of {kinds}.</source>
      <translation>未知的权重类型“{kind}”；请使用以下之一：{kinds}。</translation>
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
      <location filename="../../core/weights/files.py" line="35" />
      <source>Unit id “{value}” contains a space, which GAL/GWT files cannot hold; choose an id field without spaces (e.g. a code).</source>
      <translation>单元标识“{value}”含有空格，GAL/GWT 文件无法保存；请选择不含空格的标识字段（如行政区划代码）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="79" />
      <source>The weights file does not start with a GAL/GWT header (e.g. “0 367 layer id”).</source>
      <translation>该权重文件不是以 GAL/GWT 文件头开始（例如“0 367 layer id”）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="90" />
      <source>The weights file {path} does not exist.</source>
      <translation>权重文件 {path} 不存在。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="94" />
      <source>The weights file {path} is empty.</source>
      <translation>权重文件 {path} 为空。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="129" />
      <source>Weights files must be .gal or .gwt; got {path}.</source>
      <translation>权重文件必须为 .gal 或 .gwt 格式；得到的是 {path}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="131" />
      <source>The weights file {path} has {count} id(s) that are not in the layer: {ids}. Choose the id field the file was built with, or rebuild the weights for this layer.</source>
      <translation>权重文件 {path} 中有 {count} 个标识不在图层中：{ids}。请选择构建该文件时所用的标识字段，或为此图层重新构建权重。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="139" />
      <source>The weights file {path} is for {count} units but the layer has {n}; rebuild the weights for this layer (or check its filter and selection).</source>
      <translation>权重文件 {path} 对应 {count} 个单元，而图层有 {n} 个；请为此图层重新构建权重（或检查其过滤条件和选择集）。</translation>
    </message>
    <message>
      <location filename="../../core/weights/files.py" line="149" />
      <source>The weights file {path} has no entry for {count} unit(s) of the layer: {ids}.</source>
      <translation>权重文件 {path} 中缺少图层的 {count} 个单元：{ids}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/knn.py" line="35" />
      <source>k must be at least 1.</source>
      <translation>k 至少为 1。</translation>
    </message>
    <message>
      <location filename="../../core/weights/knn.py" line="37" />
      <source>k = {k} needs more than {k} units, but the layer has {n}; choose k ≤ {max_k}.</source>
      <translation>k = {k} 需要多于 {k} 个单元，但图层只有 {n} 个；请选择 k ≤ {max_k}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/model.py" line="43" />
      <source>The weights matrix is {shape} but there are {n} units.</source>
      <translation>权重矩阵为 {shape}，但单元数为 {n}。</translation>
    </message>
    <message>
      <location filename="../../core/weights/model.py" line="49" />
      <source>Unit ids must be unique to build spatial weights; choose a unique id field.</source>
      <translation>构建空间权重时单元标识必须唯一；请选择唯一的标识字段。</translation>
    </message>
    <message>
      <location filename="../../core/weights/model.py" line="51" />
      <source>Unknown weights transformation “{transform}”; use R, B, V or O.</source>
      <translation>未知的权重标准化方式“{transform}”；请使用 R、B、V 或 O。</translation>
    </message>
    <message>
      <location filename="../../core/weights/points.py" line="26" />
      <source>{count} feature(s) have no geometry: {names}. Remove them or repair their geometry.</source>
      <translation>{count} 个要素没有几何：{names}。请删除或修复其几何。</translation>
    </message>
    <message>
      <location filename="../../core/weights/points.py" line="32" />
      <source>Unknown point method “{method}”; use centroid or point_on_surface.</source>
      <translation>未知的取点方法“{method}”；请使用 centroid 或 point_on_surface。</translation>
    </message>
    <message>
      <location filename="../../processing/algorithms/report_map.py" line="357" />
      <source>The field {field} is not in the layer.</source>
      <translation>图层中没有字段 {field}。</translation>
    </message>
    <message>
      <location filename="../../processing/geometry_checks.py" line="26" />
      <source>No feature of the layer has a geometry; check the layer (or its selection).</source>
      <translation>图层中没有任何要素具有几何；请检查图层（或其选择集）。</translation>
    </message>
    <message>
      <location filename="../../processing/geometry_checks.py" line="40" />
      <source>{count} feature(s) have invalid geometries: {ids}. Repair them with Vector geometry › Fix geometries and run again.</source>
      <translation>{count} 个要素的几何无效：{ids}。请用“矢量几何 › 修复几何”修复后重新运行。</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="139" />
      <source>The id field {field} is empty (NULL) for {count} feature(s); fill it or choose another field.</source>
      <translation>标识字段 {field} 在 {count} 个要素中为空（NULL）；请填写或选择其他字段。</translation>
    </message>
    <message>
      <location filename="../../processing/weights_parameters.py" line="145" />
      <source>The id field {field} is not unique: {values} occur more than once; choose a unique field (e.g. adcode).</source>
      <translation>标识字段 {field} 不唯一：{values} 出现多次；请选择唯一的字段（如 adcode）。</translation>
    </message>
  </context>
</TS>
