"""The audit trail (AuditEntry, AuditChainHead) moves from accounts to core, the layer every
app writes it from. Only Django's idea of whose model it is changes: the tables keep their
names (accounts_auditentry, accounts_auditchainhead), their rows and their index; accounts
0010 forgets the models on its side. The content types follow, so that the admin's log and
any permission granted on them still name the same model."""

from typing import Any

import django.db.models.deletion
import fangkong.core.clock
from django.conf import settings
from django.db import migrations, models


MODELS = ("auditentry", "auditchainhead")


def _content_types(apps: Any, schema_editor: Any, source: str, target: str) -> None:
    # The source's rows are the ones with a history (permissions granted, the admin's log).
    # A row the target may already have was made by a migrate that stopped half-way (Django
    # makes content types for the state it stops at): it goes, with its fresh permissions.
    # A fresh database has none yet (they are made after migrating): nothing to do.
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    if rows.filter(app_label=source, model__in=MODELS).exists():
        rows.filter(app_label=target, model__in=MODELS).delete()
        rows.filter(app_label=source, model__in=MODELS).update(app_label=target)


def content_types_to_core(apps: Any, schema_editor: Any) -> None:
    _content_types(apps, schema_editor, "accounts", "core")


def content_types_to_accounts(apps: Any, schema_editor: Any) -> None:
    _content_types(apps, schema_editor, "core", "accounts")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_reference_version'),
        ('accounts', '0009_audit_action_lookup'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditChainHead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('last_id', models.BigIntegerField(default=0)),
                        ('last_hash', models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        'verbose_name': '审计链',
                        'verbose_name_plural': '审计链',
                        'db_table': 'accounts_auditchainhead',
                    },
                ),
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=fangkong.core.clock.now, verbose_name='时间')),
                        ('actor_name', models.CharField(blank=True, max_length=60, verbose_name='操作人姓名')),
                        ('action', models.CharField(choices=[('create', '新增'), ('update', '修改'), ('delete', '删除'), ('reveal', '查看完整个人信息'), ('export', '导出'), ('login', '登录'), ('login_failed', '登录失败'), ('logout', '退出'), ('password', '修改密码'), ('mfa_ok', '二次验证通过'), ('mfa_failed', '二次验证失败'), ('mfa_enrol', '启用二次验证'), ('mfa_codes', '重新生成恢复码'), ('mfa_disable', '停用二次验证'), ('mfa_reset', '重置二次验证'), ('session_end', '会话超时退出'), ('lookup', '查询他处登记的证件号码')], db_index=True, max_length=16, verbose_name='操作')),
                        ('object_type', models.CharField(blank=True, db_index=True, max_length=60, verbose_name='对象类型')),
                        ('object_id', models.CharField(blank=True, max_length=40, verbose_name='对象编号')),
                        ('object_repr', models.CharField(blank=True, max_length=200, verbose_name='对象')),
                        ('changes', models.JSONField(blank=True, default=dict, verbose_name='变更内容')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP地址')),
                        ('path', models.CharField(blank=True, max_length=200, verbose_name='请求路径')),
                        ('prev_hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('personal_digest', models.CharField(blank=True, editable=False, max_length=64)),
                        ('redacted_by', models.BigIntegerField(blank=True, editable=False, null=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                    ],
                    options={
                        'verbose_name': '审计记录',
                        'verbose_name_plural': '审计记录',
                        'db_table': 'accounts_auditentry',
                        'ordering': ['-at', '-id'],
                        'indexes': [models.Index(fields=['object_type', 'object_id'], name='accounts_au_object__2df7a0_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_core, content_types_to_accounts),
    ]
