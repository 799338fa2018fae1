import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("certificates", "0004_issuer_identity_fill")]

    operations = [
        migrations.AlterField(
            model_name="statuslist",
            name="identity",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="status_lists",
                to="certificates.issueridentity",
            ),
        ),
        migrations.AlterField(
            model_name="statuslist",
            name="url",
            field=models.CharField(max_length=500, unique=True),
        ),
    ]
