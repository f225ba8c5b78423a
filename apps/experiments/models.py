"""Query facets: the searchable parts of each run's JSON, one indexed row per value.

``Run.summary``, ``Run.config`` and ``Run.tags`` are JSON columns. Comparing inside them with JSON
key transforms scans every row (about 200 ms at 100,000 runs on SQLite), and compares a string or a
boolean with a number by the database's own type order (``true > 0.9`` holds in PostgreSQL's jsonb).
So every scalar in them, every tag and every search word is copied here by
``apps.experiments.facets`` whenever the indexer upserts the run: numbers in ``num``, strings in
``text``, booleans in ``flag``. A condition is then an index range on (kind, key, value).
"""

from __future__ import annotations

from django.db import models

from apps.runs.models import Run

KEY_MAX_LENGTH = 200


class Facet(models.Model):
    class Kind(models.IntegerChoices):
        SUMMARY = 1, "summary value"
        CONFIG = 2, "config value"
        SUMMARY_ITEM = 3, "element of a list in summary"
        CONFIG_ITEM = 4, "element of a list in config"
        TAG = 5, "tag"
        WORD = 6, "search word"

    # No reverse accessor: facets are an implementation detail of the V2 queries.
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    # Dotted path for summary/config ("optim.lr"), the tag itself, or the lower-cased word.
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    num = models.FloatField(null=True)
    text = models.TextField(null=True)
    flag = models.BooleanField(null=True)
    # A copy of Run.deleted (both change in the same upsert): a filter on live runs is then
    # answered by the facet indexes alone, without reading each candidate's Run row.
    deleted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Conditions: kind + key (+ live) + numeric range (and word prefixes), run last so the
            # index alone answers "which runs". The pattern opclass lets PostgreSQL use it for
            # LIKE 'w%'.
            models.Index(
                fields=["kind", "key", "deleted", "num", "run"],
                name="facet_kind_key_del_num",
                opclasses=["int2_ops", "varchar_pattern_ops", "bool_ops", "float8_ops", "int8_ops"],
            ),
            # String equality; only rows that hold a string (a fifth of them) are in it.
            models.Index(
                fields=["kind", "key", "deleted", "text", "run"],
                name="facet_kind_key_del_text",
                condition=models.Q(text__isnull=False),
            ),
            # Per-run probes (EXISTS ... WHERE run_id = outer.id) and the cascade on delete.
            models.Index(
                fields=["run", "kind", "key", "num"],
                name="facet_run_kind_key",
                opclasses=["int8_ops", "int2_ops", "varchar_pattern_ops", "float8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} of run {self.run_id}"
