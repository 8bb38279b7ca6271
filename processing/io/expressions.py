"""The features a QGIS expression chooses, as a mask over the rows of a frame read by
``bridge.read_frame`` (core–node coverage's candidates and existing cores, network redundancy's
cores, the cities of a scenario or of targeting): one implementation, one set of messages."""

from __future__ import annotations

from qgis.core import QgsExpression, QgsFeatureRequest, QgsProcessingException

from ..translation import translator

tr = translator("Expressions")


def expression_mask(algorithm, source, frame, parameters, name, context):
    """A boolean mask over the frame's rows (indexed by feature id): the features of ``source`` for
    which the expression parameter ``name`` is true; None when the expression is empty. An invalid
    expression, one naming fields the layer lacks, or one that fails on a feature is refused."""
    import numpy as np

    text = algorithm.parameterAsExpression(parameters, name, context)
    if not text or not text.strip():
        return None
    expression = QgsExpression(text)
    if expression.hasParserError():
        raise QgsProcessingException(tr("The expression {expression} is invalid: {error}").format(
            expression=text, error=expression.parserErrorString()))
    missing = sorted(set(expression.referencedColumns()) - set(source.fields().names()) - {"$id"})
    missing = [name for name in missing if not name.startswith("$") and name != QgsFeatureRequest.ALL_ATTRIBUTES]
    if missing:
        raise QgsProcessingException(tr(
            "The expression {expression} uses fields that are not in the layer: {fields}; choose from "
            "{available}.").format(expression=text, fields=", ".join(missing),
                                   available=", ".join(source.fields().names())))
    expression_context = algorithm.createExpressionContext(parameters, context, source)
    expression.prepare(expression_context)
    request = QgsFeatureRequest()
    request.setFlags(QgsFeatureRequest.NoGeometry)
    request.setExpressionContext(expression_context)
    matching = set()
    for feature in source.getFeatures(request):
        expression_context.setFeature(feature)
        value = expression.evaluate(expression_context)
        if expression.hasEvalError():
            raise QgsProcessingException(tr("The expression {expression} fails: {error}").format(
                expression=text, error=expression.evalErrorString()))
        if value not in (None, False, 0, "") and not (hasattr(value, "isNull") and value.isNull()):
            matching.add(feature.id())
    return np.asarray(frame.index.isin(list(matching)))
