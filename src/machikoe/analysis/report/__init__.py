"""machikoe.analysis.report: self-contained HTML reports (Plotly's JS embedded, no network).

Broad listening: `listening_report_html(...)` writes one file; `listening_report_data(...)`
and `listening_report_fragments(...)` give the platform the same data and HTML pieces.
"""

from __future__ import annotations

from .listening import (
    ReportInput,
    listening_report_data,
    listening_report_fragments,
    listening_report_html,
    plotly_js,
)

__all__ = [
    "ReportInput",
    "listening_report_data",
    "listening_report_fragments",
    "listening_report_html",
    "plotly_js",
]
