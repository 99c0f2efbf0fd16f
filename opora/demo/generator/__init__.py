"""The synthetic demo region: schools, context, results and teachers from a hidden model.

Pure Python (NumPy, Polars, the standard library): it imports without Django. The model and the
meaning of the hidden truth are described in docs/demo.md.
"""

from .export import export_region, write_truth
from .region import DemoRegion, generate_region
from .scenarios import SCENARIOS, Scenario

__all__ = ["SCENARIOS", "DemoRegion", "Scenario", "export_region", "generate_region", "write_truth"]
