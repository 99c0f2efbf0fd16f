"""Context-adjusted results («added value»): the results index against what the context predicts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ._frames import DETERMINISTIC, SCHOOLS_REQUIRED, SCHOOLS_SCHEMA, conform
from .methodology import Methodology
from .shrinkage import FayHerriot


@dataclass(frozen=True)
class ValueAdded:
    """Value added per school-year and the regression behind it.

    Attributes
    ----------
    schools : polars.DataFrame
        ``code, year, predicted_index, value_added, value_added_sd, value_added_lower,
        value_added_upper``.
    coefficients : polars.DataFrame
        ``year, term, coefficient, std_error``, plus per year ``tau2`` (between-school
        variance left after the covariates), ``tau2_total`` (without them),
        ``explained_share`` = 1 − tau2 / tau2_total and ``schools``.
    """

    schools: pl.DataFrame
    coefficients: pl.DataFrame


def value_added_covariates(
    wellbeing: pl.DataFrame,
    variables: pl.DataFrame,
    schools: pl.DataFrame | pl.LazyFrame,
    methodology: Methodology,
) -> pl.DataFrame:
    """The covariates of the value-added regression per school-year.

    ``"wellbeing"`` → ИСБШ; ``"log_students"`` → ln(students); ``"rural"`` → 1 for «село»;
    ``"school_type"`` → one indicator per school type except the most common one (reference).

    Parameters
    ----------
    wellbeing : polars.DataFrame
        ``Wellbeing.index`` (``code, year, wellbeing_index``).
    variables : polars.DataFrame
        Output of :func:`~opora.analytics.wellbeing.context_variables`.
    schools : polars.DataFrame or polars.LazyFrame
        ``code, school_type``.
    methodology : Methodology

    Returns
    -------
    polars.DataFrame
        ``code, year`` and one numeric column per covariate term (null when unknown).

    Examples
    --------
    >>> wb = pl.DataFrame({"code": ["1"], "year": [2026], "wellbeing_index": [0.5]})
    >>> va = pl.DataFrame({"code": ["1"], "year": [2026], "log_students": [5.0], "rural": [1.0]})
    >>> value_added_covariates(wb, va, pl.DataFrame({"code": ["1"]}), Methodology()).columns
    ['code', 'year', 'wellbeing']
    """
    frame = wellbeing.select("code", "year", pl.col("wellbeing_index").alias("wellbeing"))
    extra = variables.select("code", "year", "log_students", "rural")
    frame = frame.join(extra, on=["code", "year"], how="left", maintain_order="left")
    columns = []
    for covariate in methodology.value_added_covariates:
        if covariate in ("wellbeing", "log_students", "rural"):
            columns.append(covariate)
        elif covariate == "school_type":
            registry = (
                conform(schools, SCHOOLS_SCHEMA, SCHOOLS_REQUIRED, "Реестр ОО")
                .select("code", "school_type")
                .collect(engine=DETERMINISTIC)
                .unique("code", keep="first")
            )
            types = registry.filter(pl.col("school_type").is_not_null() & (pl.col("school_type") != ""))
            counts = (
                types.group_by("school_type", maintain_order=True)
                .len()
                .sort(["len", "school_type"], descending=[True, False])
            )
            if counts.height > 1:
                others = counts["school_type"].to_list()[1:]
                frame = frame.join(registry, on="code", how="left", maintain_order="left")
                for index, kind in enumerate(sorted(others)):
                    name = f"school_type_{index}"
                    frame = frame.with_columns(
                        pl.when(pl.col("school_type").is_null())
                        .then(None)
                        .otherwise((pl.col("school_type") == kind).cast(pl.Float64))
                        .alias(name)
                    )
                    columns.append(name)
                frame = frame.drop("school_type")
    return frame.select("code", "year", *columns).sort("code", "year")


def value_added(raw: pl.DataFrame, covariates: pl.DataFrame, methodology: Methodology) -> ValueAdded:
    """Regress the raw results index on the context; the shrunk residual is the value added.

    For each year, :class:`~opora.analytics.shrinkage.FayHerriot` is fitted to the raw index
    Yₛ (variance Vₛ) with X = [1, covariates] (by default ИСБШ only)::

        predicted = xₛ'β̂
        value_added = γₛ (Yₛ − xₛ'β̂),      γₛ = τ̂² / (τ̂² + Vₛ)
        Var = γₛ Vₛ + γₛ² xₛ' Cov(β̂) xₛ,     interval = value_added ± z·sd

    A negative value added whose interval lies below 0 means results lower than schools in
    the same conditions reach: causes inside the school. A value added near 0 with a low
    index means the low results are what the context predicts.

    Parameters
    ----------
    raw : polars.DataFrame
        ``code, year, raw_index, raw_variance`` (from
        :func:`~opora.analytics.results_index.raw_results_index`).
    covariates : polars.DataFrame
        Output of :func:`value_added_covariates`.
    methodology : Methodology

    Returns
    -------
    ValueAdded

    Examples
    --------
    >>> raw = pl.DataFrame({"code": list("abcdef"), "year": [2026] * 6,
    ...     "raw_index": [-1.0, -0.5, 0.0, 0.2, 0.5, 1.0], "raw_variance": [0.01] * 6})
    >>> cov = pl.DataFrame({"code": list("abcdef"), "year": [2026] * 6,
    ...     "wellbeing": [-1.0, -1.0, 0.0, 0.0, 1.0, 1.0]})
    >>> va = value_added(raw, cov, Methodology())
    >>> va.schools.filter(pl.col("code") == "a")["value_added"].round(2).to_list()
    [-0.24]
    """
    terms = [c for c in covariates.columns if c not in ("code", "year")]
    data = (
        raw.select("code", "year", "raw_index", "raw_variance")
        .filter(pl.col("raw_index").is_not_null() & pl.col("raw_variance").is_not_null())
        .join(covariates, on=["code", "year"], how="inner", maintain_order="left")
        .sort("code", "year")
    )
    z = methodology.z_critical
    school_parts: list[pl.DataFrame] = []
    coefficient_parts: list[pl.DataFrame] = []
    for (year,), part in data.partition_by("year", as_dict=True, maintain_order=True).items():
        X_cov = part.select(terms).to_numpy().astype(np.float64) if terms else np.zeros((part.height, 0))
        complete = np.isfinite(X_cov).all(axis=1)
        if complete.sum() <= len(terms) + 1:
            continue
        y = part["raw_index"].to_numpy()[complete]
        v = part["raw_variance"].to_numpy()[complete]
        X = np.column_stack([np.ones(complete.sum()), X_cov[complete]])
        # Columns without variation (e.g. no rural school) cannot be estimated: drop them.
        keep = np.r_[True, X[:, 1:].std(axis=0) > 0]
        X = X[:, keep]
        kept_terms = ["intercept", *[t for t, k in zip(terms, keep[1:], strict=True) if k]]
        model = FayHerriot().fit(X, y, v)
        total = FayHerriot().fit(np.ones((len(y), 1)), y, v)
        posterior = model.shrink(X, y, v)
        predicted = model.predict(X)
        g2 = np.einsum("ij,jk,ik->i", X, model.coef_covariance_, X)
        gamma = posterior.weight
        added = gamma * (y - predicted)
        sd = np.sqrt(gamma * np.maximum(v, 1e-6) + gamma**2 * g2)
        school_parts.append(
            pl.DataFrame(
                {
                    "code": part["code"].filter(pl.Series(complete)),
                    "year": pl.Series([year] * len(y), dtype=pl.Int64),
                    "predicted_index": predicted,
                    "value_added": added,
                    "value_added_sd": sd,
                    "value_added_lower": added - z * sd,
                    "value_added_upper": added + z * sd,
                }
            )
        )
        explained = 1.0 - model.tau2_ / total.tau2_ if total.tau2_ > 0 else None
        coefficient_parts.append(
            pl.DataFrame(
                {
                    "year": pl.Series([year] * len(kept_terms), dtype=pl.Int64),
                    "term": kept_terms,
                    "coefficient": model.coef_,
                    "std_error": np.sqrt(np.diag(model.coef_covariance_)),
                    "tau2": [model.tau2_] * len(kept_terms),
                    "tau2_total": [total.tau2_] * len(kept_terms),
                    "explained_share": pl.Series([explained] * len(kept_terms), dtype=pl.Float64),
                    "schools": pl.Series([len(y)] * len(kept_terms), dtype=pl.Int64),
                }
            )
        )
    school_schema = {
        "code": pl.String,
        "year": pl.Int64,
        "predicted_index": pl.Float64,
        "value_added": pl.Float64,
        "value_added_sd": pl.Float64,
        "value_added_lower": pl.Float64,
        "value_added_upper": pl.Float64,
    }
    coefficient_schema = {
        "year": pl.Int64,
        "term": pl.String,
        "coefficient": pl.Float64,
        "std_error": pl.Float64,
        "tau2": pl.Float64,
        "tau2_total": pl.Float64,
        "explained_share": pl.Float64,
        "schools": pl.Int64,
    }
    schools_frame = pl.concat(school_parts) if school_parts else pl.DataFrame(schema=school_schema)
    coefficients = pl.concat(coefficient_parts) if coefficient_parts else pl.DataFrame(schema=coefficient_schema)
    return ValueAdded(schools=schools_frame.sort("code", "year"), coefficients=coefficients)
