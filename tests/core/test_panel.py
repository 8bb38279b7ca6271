import numpy as np
import pandas as pd
import pytest

from digital_resilience.core.errors import InputError
from digital_resilience.core.panel import (
    expand_years,
    long_to_wide,
    panel_stems,
    split_year_field,
    wide_to_long,
    year_columns,
)


def test_split_year_field():
    assert split_year_field("DEI_2019") == ("DEI", 2019)
    assert split_year_field("URI_S_2011") == ("URI_S", 2011)
    assert split_year_field("GDP") is None
    assert split_year_field("CODE_123") is None
    assert split_year_field("X_1850") is None  # not a plausible panel year


def test_panel_stems_and_expansion():
    columns = ["adcode", "DEI_2012", "DEI_2011", "URI_2011", "name"]
    assert panel_stems(columns) == {"DEI": {2011: "DEI_2011", 2012: "DEI_2012"}, "URI": {2011: "URI_2011"}}
    assert expand_years(columns, ["DEI_2012", "adcode"], all_years=True) == [
        ("DEI", 2011, "DEI_2011"), ("DEI", 2012, "DEI_2012"), ("adcode", None, "adcode")]
    assert expand_years(columns, ["DEI_2012"], all_years=False) == [("DEI", 2012, "DEI_2012")]
    with pytest.raises(InputError, match=r"no yearly fields GDP_YYYY; its yearly fields are: DEI, URI"):
        year_columns(columns, "GDP")


def test_wide_long_round_trip():
    wide = pd.DataFrame({"code": [11, 12], "A_2011": [1.0, 2.0], "A_2012": [3.0, 4.0], "B_2012": [5.0, 6.0]},
                        index=pd.Index([7, 9], name="fid"))
    long = wide_to_long(wide, keep=["code"])
    assert long.columns.tolist() == ["fid", "code", "year", "A", "B"]
    assert long.year.tolist() == [2011, 2011, 2012, 2012]
    assert np.isnan(long.B.iloc[0]) and long.B.iloc[3] == 6.0
    back = long_to_wide(long, "code", "year", ["A", "B"])
    assert back.loc[12, "A_2012"] == 4.0 and back.columns.tolist() == ["A_2011", "A_2012", "B_2011", "B_2012"]


def test_long_to_wide_refuses_duplicate_unit_years():
    long = pd.DataFrame({"code": [1, 1, 2], "year": [2011, 2011, 2011], "A": [1, 2, 3]})
    with pytest.raises(InputError, match="these unit-years repeat: 1 2011"):
        long_to_wide(long, "code", "year", ["A"])


def test_non_finite_field_values_are_missing_values():
    """±inf in a numeric field is a missing value (one rule: core.panel.finite_or_missing), so a model
    names the unit instead of estimating with an infinite value."""
    import numpy as np
    import pandas as pd
    import pytest

    from digital_resilience.core.econometrics.data import cross_section
    from digital_resilience.core.errors import InputError
    from digital_resilience.core.panel import finite_or_missing, numeric_values

    values, infinite = finite_or_missing([1.0, np.inf, -np.inf, np.nan])
    assert np.isnan(values[1:]).all() and infinite.tolist() == [False, True, True, False]
    assert np.isnan(numeric_values(pd.Series([1.0, np.inf]), "X")[1])
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "x": [0.5, np.inf, 0.1, 0.2]}, index=list("abcd"))
    with pytest.raises(InputError, match=r"1 unit\(s\) have empty \(NULL\) or non-finite \(±inf\) values .*: b"):
        cross_section(frame, "y", ["x"], list("abcd"))
    assert list(cross_section(frame, "y", ["x"], list("abcd"), drop_missing=True).unit_ids) == ["a", "c", "d"]


def test_every_long_layer_reader_refuses_years_that_are_not_whole_the_same_way():
    """One rule for a long layer's year field (core.panel.year_values): autocorrelation, regressions and the
    spatial models read 2011.5 or an empty year as an error naming the field (before, two of them truncated
    2011.5 to 2011)."""
    from digital_resilience.core.autocorrelation.runs import LayerUnits
    from digital_resilience.core.econometrics.data import long_panel
    from digital_resilience.core.regression.panel_data import read_panel

    long = pd.DataFrame({"code": ["a", "a", "b", "b"], "YEAR": [2011.5, 2012, 2011, 2012], "Y": [1.0, 2, 3, 4]})
    message = "The year field YEAR must hold whole years for every feature; 1 feature"
    with pytest.raises(InputError, match=message):
        LayerUnits.long_units(long["code"], long["YEAR"])
    with pytest.raises(InputError, match=message):
        read_panel(long, ["Y"], long["code"].to_numpy(), "YEAR")
    with pytest.raises(InputError, match=message):
        long_panel(long, "code", "YEAR", "Y", [], ["a", "b"])
    with pytest.raises(InputError, match=r"The unit id is empty \(NULL\) for 1 feature"):
        LayerUnits.long_units(pd.Series(["a", None, "b", "b"]), pd.Series([2011, 2012, 2011, 2012]))


def test_unit_ids_from_the_id_field_or_the_feature_ids():
    import numpy as np
    import pandas as pd

    from digital_resilience.core.errors import InputError
    from digital_resilience.core.panel import require_unit_id, unit_ids

    frame = pd.DataFrame({"code": [110000, 120000, 110000], "name": ["a", None, "c"]}, index=[7, 8, 9])
    assert unit_ids(frame, None).tolist() == [7, 8, 9]
    assert np.array_equal(unit_ids(frame, "code", unique=False), [110000, 120000, 110000])  # a long layer
    with pytest.raises(InputError, match="not unique: 110000"):
        unit_ids(frame, "code")
    with pytest.raises(InputError, match=r"empty \(NULL\) for 1 feature"):
        unit_ids(frame, "name")
    with pytest.raises(InputError, match="needs its unit id field"):
        require_unit_id(None, "year")
    require_unit_id(None, None)
    require_unit_id("code", "year")


def test_weights_read_their_economic_and_block_fields():
    from digital_resilience.core.weights.build import WeightsSpec

    layer = ["code", "GDP_2011", "GDP_2012", "PROV"]
    assert WeightsSpec(kind="economic", field="GDP_2012").layer_fields(layer) == ["GDP_2011", "GDP_2012"]
    assert WeightsSpec(kind="economic", field="GDP_2012", all_years=False).layer_fields(layer) == ["GDP_2012"]
    assert WeightsSpec(kind="block", block_field="PROV").layer_fields(layer) == ["PROV"]
    assert WeightsSpec(kind="queen", block_field="PROV").layer_fields(layer) == []
