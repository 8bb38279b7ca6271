"""Enum parameters built from the core's option lists, and read back as their keys.

An enum parameter stores the *index* of the chosen option: models (``resources/models``),
scripts and ``qgis_process`` calls hold integers. So the order of its options is the order of
a tuple of keys declared once, in core, next to the code that takes the choice (append only;
``tests/core/test_option_orders.py`` pins each one). The Processing side only adds the
translated labels, ``{key: tr("…")}``, and reads the chosen key back by index:

    algorithm.addParameter(enum_parameter(CORRECTION, tr("Multiple-testing control"), CORRECTIONS, {
        "none": tr("None"), "fdr": tr("False discovery rate"), "bonferroni": tr("Bonferroni")}))
    correction = chosen(algorithm, parameters, CORRECTION, CORRECTIONS, context)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qgis.core import QgsProcessingParameterEnum


def enum_parameter(name: str, description: str, keys: Sequence[str], labels: Mapping[str, str],
                   default=None, *, multiple: bool = False, optional: bool = False) -> QgsProcessingParameterEnum:
    """The enum parameter offering ``keys`` in their order, shown as ``labels[key]``.

    ``default``: a key (a list of keys with ``multiple``); None: the first option (none with
    ``multiple``). Every key needs exactly one label.
    """
    if set(labels) != set(keys) or len(set(keys)) != len(keys):
        raise ValueError(f"{name}: labels {sorted(labels)} do not match the options {list(keys)}")
    if default is None:
        index = None if multiple else 0
    elif multiple:
        index = [keys.index(key) for key in default]
    else:
        index = keys.index(default)
    return QgsProcessingParameterEnum(name, description, [labels[key] for key in keys], allowMultiple=multiple,
                                      defaultValue=index, optional=optional)


def chosen(algorithm, parameters, name: str, keys: Sequence[str], context) -> str:
    """The key of the option chosen for the enum parameter ``name``."""
    return keys[algorithm.parameterAsEnum(parameters, name, context)]


def chosen_many(algorithm, parameters, name: str, keys: Sequence[str], context) -> tuple[str, ...]:
    """The keys chosen for the multiple-choice enum parameter ``name`` (in the order given)."""
    return tuple(keys[index] for index in algorithm.parameterAsEnums(parameters, name, context))
