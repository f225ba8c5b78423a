from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "apps.experiments"
    label = "experiments"
    verbose_name = "Experiments (V2 API)"

    def ready(self) -> None:
        from apps.runs import indexer

        from . import facets

        # Facets are derived from Run rows: refresh them in the indexer's transaction, whatever
        # path (reconcile, file event, soft delete) upserted the rows.
        indexer.runs_saved.connect(facets.on_runs_saved, dispatch_uid="experiments-facets")
