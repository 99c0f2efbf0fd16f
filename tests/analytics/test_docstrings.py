"""The examples in the docstrings of the analytics run and give what they show."""

import doctest
import importlib
import pkgutil

import pytest

import opora.analytics

MODULES = [name for _, name, _ in pkgutil.iter_modules(opora.analytics.__path__, "opora.analytics.")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
