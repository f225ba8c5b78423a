from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "apps.metrics"
    label = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        from apps.runs import indexer

        from . import builder

        # Runs the indexer writes get their metrics store built in the background.
        indexer.runs_saved.connect(builder.on_runs_saved, dispatch_uid="metrics-store-builds")
