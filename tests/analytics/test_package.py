import inspect
import re
from pathlib import Path

import opora.analytics as analytics

PACKAGE = Path(analytics.__file__).parent


def test_no_django_in_the_analytics():
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (django|opora\.(?!analytics))", text, re.M), path.name


def test_every_public_name_is_documented_with_an_example():
    for name in analytics.__all__:
        item = getattr(analytics, name)
        if inspect.isfunction(item) or inspect.isclass(item):
            doc = inspect.getdoc(item) or ""
            assert doc, name
            if inspect.isfunction(item) or name in {"FayHerriot", "ContextClustering"}:
                assert "Examples" in doc, name


def test_fitted_estimators_follow_the_scikit_learn_contract():
    import numpy as np

    for estimator, data in (
        (analytics.FayHerriot(), (np.ones((5, 1)), np.arange(5.0), np.full(5, 0.1))),
        (analytics.ContextClustering(k_min=2, k_max=3), (np.arange(20.0).reshape(10, 2),)),
    ):
        before = dict(vars(estimator))
        assert estimator.fit(*data) is estimator
        learned = set(vars(estimator)) - set(before)
        assert learned and all(name.endswith("_") for name in learned)


def test_the_partners_module_is_documented_with_examples():
    import opora.analytics.partners as partners

    assert "Cost" in (partners.__doc__ or "")
    for name in partners.__all__:
        item = getattr(partners, name)
        if inspect.isfunction(item) or inspect.isclass(item):
            assert inspect.getdoc(item), name
            if inspect.isfunction(item):
                assert "Examples" in inspect.getdoc(item), name


def test_the_dynamics_and_effect_modules_are_documented_with_examples():
    import opora.analytics.dynamics as dynamics
    import opora.analytics.effect as effect

    for module in (dynamics, effect):
        assert module.__doc__
        for name in module.__all__:
            item = getattr(module, name)
            if inspect.isfunction(item) or inspect.isclass(item):
                assert inspect.getdoc(item), name
                if inspect.isfunction(item):
                    assert "Examples" in inspect.getdoc(item), name
