# Transfer requests (移交申请): issue 14, jurisdiction of writes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_welfarecase_welfarehelp'),
        ('people', '0003_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TransferRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, verbose_name='申请所填姓名')),
                ('to_address', models.CharField(blank=True, max_length=200, verbose_name='移入详细住址')),
                ('reason', models.CharField(max_length=200, verbose_name='申请理由')),
                ('created_at', models.DateTimeField(verbose_name='申请时间')),
                ('status', models.CharField(choices=[('pending', '待处理'), ('accepted', '已同意'), ('declined', '不同意')], db_index=True, default='pending', max_length=10, verbose_name='状态')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='处理时间')),
                ('decision_note', models.CharField(blank=True, max_length=200, verbose_name='处理意见')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='处理人')),
                ('from_station', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='原辖区派出所')),
                ('from_township', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.township', verbose_name='原乡镇街道')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfer_requests', to='people.person', verbose_name='人员')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人')),
                ('requested_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='申请单位')),
                ('to_township', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.township', verbose_name='移入乡镇街道')),
                ('to_village', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.village', verbose_name='移入村居')),
            ],
            options={
                'verbose_name': '移交申请',
                'verbose_name_plural': '移交申请',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('person', 'requested_unit'), name='one_pending_transfer_per_unit')],
            },
        ),
    ]
