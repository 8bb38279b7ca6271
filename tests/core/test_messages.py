"""core.errors.Message: the English text as a str, its template and values for translation."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from digital_resilience.core.errors import InputError, Message, preview


def test_a_message_is_its_english_text_and_keeps_template_and_values():
    note = Message("{count} unit(s) were left out: {ids}.", count=2, ids="A, B")
    assert note == "2 unit(s) were left out: A, B."
    assert isinstance(note, str) and f"[{note}]" == "[2 unit(s) were left out: A, B.]"
    assert note.template == "{count} unit(s) were left out: {ids}."
    assert note.params == {"count": 2, "ids": "A, B"}
    label = Message("Local Moran's I")
    assert label == "Local Moran's I" and label.params == {}


def test_a_message_survives_pickling_and_a_pandas_column():
    note = Message("{run}: {count} negative.", run="DEI_2019", count=3)
    again = pickle.loads(pickle.dumps(note))
    assert isinstance(again, Message) and again == note and again.params == note.params
    column = pd.Series([note], dtype=object)
    assert isinstance(column.iloc[0], Message)


def test_preview_says_how_many_more_as_a_translatable_message():
    short = preview(["a", "b"])
    assert short == "a, b" and not isinstance(short, Message)
    long = preview(range(13), limit=10)
    assert long == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 3 more"
    assert long.template == "{items} and {count} more" and long.params["count"] == 3


def test_preview_of_messages_keeps_each_one_translatable():
    pairs = [Message("{unit} (lines {lines})", unit=name, lines=line) for name, line in (("北京市", 3), ("天津市", 5))]
    shown = preview(pairs)
    assert shown == "北京市 (lines 3), 天津市 (lines 5)"
    assert isinstance(shown, Message) and [shown.params[k] for k in ("item0", "item1")] == pairs
    joined = Message.joined(["x{", Message("y")], separator=" {} ")
    assert joined == "x{ {} y"


def test_input_error_accepts_messages_as_values():
    error = InputError("{name} is constant.", name=Message("the variable"))
    assert str(error) == "the variable is constant."
    assert isinstance(error.params["name"], Message)


@pytest.mark.parametrize("template", ["{a} and {b}", "plain"])
def test_message_without_values_is_not_formatted(template):
    assert Message(template) == template
