from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "apps.metrics"
    label = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # np.unique (LTTB's merge of picks) imports numpy.ma on first use: ~20 ms that would land
        # on the first chart after a restart.
        import numpy.ma  # noqa: F401

        from apps.runs import indexer

        from . import builder

        # Runs the indexer writes get their metrics store built in the background.
        indexer.runs_saved.connect(builder.on_runs_saved, dispatch_uid="metrics-store-builds")
