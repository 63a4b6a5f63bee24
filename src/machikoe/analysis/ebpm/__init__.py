"""EBPM maths: progress and achievement rates, grades, backcasting paths, projections.

Pure Python (numpy/scipy); no Django. Typical use::

    from machikoe.analysis.ebpm import IndicatorSpec, Direction, Observation, evaluate
    spec = IndicatorSpec("W1", "ごみ排出量", "g/人・日", Direction.DOWN, 2013, 579, 2024, 492)
    result = evaluate(spec, [Observation(2019, 540), ...], year=2025)
    result.to_dict()
"""

from machikoe.analysis.ebpm.backcast import Path, gap, required_constant_rate, required_linear
from machikoe.analysis.ebpm.evaluate import (
    CLI_KEYS,
    Evaluation,
    Status,
    StatusThresholds,
    evaluate,
    evaluate_many,
)
from machikoe.analysis.ebpm.grading import (
    DEFAULT_SCHEME,
    PRESETS,
    UNSUPPORTED_SCHEMES,
    GradingScheme,
    get_scheme,
    parse_thresholds,
)
from machikoe.analysis.ebpm.projection import Projection, TrendFit, project
from machikoe.analysis.ebpm.rates import achievement_rate, progress_rate
from machikoe.analysis.ebpm.types import (
    Direction,
    EbpmInputError,
    IndicatorSpec,
    Milestone,
    Observation,
    Series,
    meets,
)

__all__ = [
    "CLI_KEYS",
    "DEFAULT_SCHEME",
    "PRESETS",
    "UNSUPPORTED_SCHEMES",
    "Direction",
    "EbpmInputError",
    "Evaluation",
    "GradingScheme",
    "IndicatorSpec",
    "Milestone",
    "Observation",
    "Path",
    "Projection",
    "Series",
    "Status",
    "StatusThresholds",
    "TrendFit",
    "achievement_rate",
    "evaluate",
    "evaluate_many",
    "gap",
    "get_scheme",
    "meets",
    "parse_thresholds",
    "progress_rate",
    "project",
    "required_constant_rate",
    "required_linear",
]
