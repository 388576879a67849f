"""The reviewer's desk: a request's owner and the reassign permission; exceptions
under two keys; two partial indexes on the open requests (by owner, by due time).
The owner is a nullable column without a default, so SQLite adds it with ALTER
TABLE ADD COLUMN and does not rebuild the requests table (0006's document
trigger reads it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('authorizations', '0019_rate_counters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DecisionException',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('records_show_met', 'The records show the criterion is in fact met'), ('published_evidence', 'Published clinical evidence supports treating this patient'), ('medical_director', 'The medical director approved a case-by-case exception'), ('continuity_of_care', 'Continuity of care or a transition of coverage')], max_length=30)),
                ('rationale', models.TextField()),
                ('criteria', models.JSONField(default=list)),
                ('asked_at', models.DateTimeField()),
                ('signed_at', models.DateTimeField(blank=True, null=True)),
                ('asked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('determination', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='exception', to='authorizations.determination')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exceptions', to='authorizations.authorizationrequest')),
                ('signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['asked_at', 'id'],
            },
        ),
        migrations.AlterModelOptions(
            name='authorizationrequest',
            options={'ordering': ['-created_at'], 'permissions': [('decide_authorizationrequest', 'Can approve or deny a request'), ('reassign_authorizationrequest', 'Can reassign a request')]},
        ),
        migrations.AddField(
            model_name='authorizationrequest',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='owned_requests', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='authorizationrequest',
            index=models.Index(condition=models.Q(('status__in', ('pending_review', 'information_requested'))), fields=['owner', 'status'], name='request_open_owner'),
        ),
        migrations.AddIndex(
            model_name='authorizationrequest',
            index=models.Index(condition=models.Q(('status__in', ('pending_review', 'information_requested'))), fields=['due_at', 'status'], name='request_open_due'),
        ),
    ]
