import pytest

from opora.settings import envbool, envint, envlist


def test_env_helpers_read_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.ru, b.ru,")
    assert envbool("X_BOOL", False) is True
    assert envint("X_INT", 0) == 42
    assert envlist("X_LIST", []) == ["a.ru", "b.ru"]


def test_env_helpers_default_when_unset(monkeypatch):
    monkeypatch.delenv("X_MISSING", raising=False)
    assert envbool("X_MISSING", True) is True
    assert envint("X_MISSING", 7) == 7


@pytest.mark.parametrize(("helper", "value"), [(envbool, "maybe"), (envint, "сорок")])
def test_env_helpers_fail_loudly_on_bad_values(monkeypatch, helper, value):
    monkeypatch.setenv("X_BAD", value)
    with pytest.raises(ValueError, match="X_BAD"):
        helper("X_BAD", 0)
