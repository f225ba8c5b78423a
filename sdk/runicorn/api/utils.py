"""Experiments and metrics as pandas DataFrames (pandas is optional: ``pip install pandas``).

    import runicorn.api as api
    from runicorn.api import utils

    with api.connect() as client:
        runs = utils.experiments_to_dataframe(client.list_experiments(project="vision"))
        curves = utils.metrics_to_dataframe(client.get_metrics(runs.loc[0, "id"]))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from .series import series_to_rows

if TYPE_CHECKING:
    import pandas as pd

    from .client import RunicornClient

_TIME_COLUMNS = ("created_at", "created_time", "updated_at", "started_at", "ended_at", "deleted_at")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "runicorn.api.utils needs pandas for DataFrames: pip install pandas "
            "(the client itself works without it; its methods return plain dicts and lists)"
        ) from None
    return pandas


def metrics_to_dataframe(metrics_data: Dict[str, Any]) -> pd.DataFrame:
    """``client.get_metrics(...)`` → one row per logged event: ``step``, ``time``, ``stage`` (when
    logged) and a column per metric (NaN where an event did not log it), sorted by step."""
    pd = _pandas()
    rows = series_to_rows(metrics_data.get("metrics") or {})
    names = list((metrics_data.get("metrics") or {}).keys())
    context = ["step", "time"] + (["stage"] if any("stage" in r for r in rows) else [])
    return pd.DataFrame(rows, columns=context + names)


def experiments_to_dataframe(experiments: List[Dict[str, Any]]) -> pd.DataFrame:
    """``client.list_experiments(...)`` → one row per run; Unix times become UTC datetimes."""
    pd = _pandas()
    frame = pd.DataFrame(list(experiments))
    for column in _TIME_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], unit="s", utc=True)
    return frame


runs_to_dataframe = experiments_to_dataframe  # the newer reference client's name


def export_metrics_to_csv(client: RunicornClient, run_id: str, output_path: str,
                          metric_names: Optional[Sequence[str]] = None) -> str:
    """Write a run's metrics (all, or ``metric_names``) to a CSV file; returns its path."""
    frame = metrics_to_dataframe(client.get_metrics(run_id, metric_names=metric_names))
    frame.to_csv(output_path, index=False)
    return output_path


def compare_runs(client: RunicornClient, run_ids: Sequence[str], metric_name: str,
                 limit: Optional[int] = None) -> pd.DataFrame:
    """One metric of several runs side by side: a ``step`` column and a column per run id."""
    pd = _pandas()
    columns = {}
    for run_id in run_ids:
        points = client.get_metrics(run_id, metric_names=[metric_name], limit=limit)["metrics"].get(metric_name, [])
        # The last value logged at a step wins, as on the viewer's step axis.
        columns[run_id] = pd.Series({p["step"]: p["value"] for p in points}, dtype="float64")
    frame = pd.DataFrame(columns)
    frame.index.name = "step"
    return frame.sort_index().reset_index()
