"""Analytics of Опора: identification of schools with low results and unfavourable conditions.

Data frames in, data frames out (Polars); no Django. Every formula is in the docstrings and in
``docs/methodology.md``. The main entry is :func:`identify`; :func:`to_report_frame` gives the
report with its Russian columns.
"""

from .aggregation import aggregate_student_results
from .classification import REPORT_COLUMNS, Identification, bottom_group, identify, to_report_frame
from .clusters import Clusters, ContextClustering, context_clusters, peer_comparison
from .explanation import explain
from .failure import learning_failure, rosobrnadzor_signal
from .indicators import result_indicators
from .methodology import DEFAULT_EGE_THRESHOLDS, ContextVariable, Methodology
from .objectivity import SIGNALS, objectivity_long, objectivity_signals
from .results_index import raw_results_index, results_index, standardised_scores
from .shrinkage import FayHerriot, Posterior
from .value_added import ValueAdded, value_added, value_added_covariates
from .wellbeing import CONTEXT_VARIABLES, Wellbeing, context_variables, wellbeing_index

__all__ = [
    "CONTEXT_VARIABLES",
    "DEFAULT_EGE_THRESHOLDS",
    "REPORT_COLUMNS",
    "SIGNALS",
    "Clusters",
    "ContextClustering",
    "ContextVariable",
    "FayHerriot",
    "Identification",
    "Methodology",
    "Posterior",
    "ValueAdded",
    "Wellbeing",
    "aggregate_student_results",
    "bottom_group",
    "context_clusters",
    "context_variables",
    "explain",
    "identify",
    "learning_failure",
    "objectivity_long",
    "objectivity_signals",
    "peer_comparison",
    "raw_results_index",
    "result_indicators",
    "results_index",
    "rosobrnadzor_signal",
    "standardised_scores",
    "to_report_frame",
    "value_added",
    "value_added_covariates",
    "wellbeing_index",
]
