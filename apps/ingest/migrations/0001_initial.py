import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="IngestedRun",
            fields=[
                ("run_id", models.CharField(max_length=32, primary_key=True, serialize=False)),
                ("project", models.CharField(max_length=100)),
                ("name", models.CharField(max_length=100)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("owner", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name="ingested_runs", to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name="IngestedArtifactVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("type", models.CharField(max_length=20)),
                ("name", models.CharField(max_length=100)),
                ("client_version", models.PositiveIntegerField()),
                ("version", models.PositiveIntegerField()),
                ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                          related_name="artifact_versions", to="ingest.ingestedrun")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("run", "type", "name", "client_version"),
                                                        name="ingest_version_unique")],
            },
        ),
    ]
