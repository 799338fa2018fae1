"""Issuer identities (ADR 0046); status lists gain their DID and their stored URL.

The new columns are filled by 0004 and made required by 0005, each in its own transaction
(PostgreSQL refuses to alter a table with row updates pending in the same one).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_issuance_failure"),
        ("universities", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="IssuerIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("did", models.CharField(max_length=255, unique=True)),
                ("current", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "keys",
                    models.ManyToManyField(
                        blank=True, related_name="identities", to="certificates.issuerkey"
                    ),
                ),
                (
                    "university",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="issuer_identities",
                        to="universities.university",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "issuer identities",
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("current", True)),
                        fields=("university",),
                        name="issuer_identity_one_current_per_university",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="statuslist",
            name="identity",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="status_lists",
                to="certificates.issueridentity",
            ),
        ),
        migrations.AddField(
            model_name="statuslist",
            name="url",
            field=models.CharField(max_length=500, null=True),
        ),
    ]
