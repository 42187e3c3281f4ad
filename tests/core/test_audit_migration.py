"""The audit trail moved from accounts to core (core 0004, accounts 0010) as a change of
ownership only: a database migrated by the old migrations keeps its records, its chain and
its content types, and the move can be undone."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fangkong.core.audit import audit_record, audit_verify
from fangkong.core.models import AuditEntry

BEFORE = [("accounts", "0009_audit_action_lookup"), ("core", "0003_reference_version")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_trail() -> None:
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_model(AuditEntry)  # as post_migrate made it
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Before the move: the model is accounts', its content type too.
    assert old.get_model("accounts", "AuditEntry")._meta.db_table == "accounts_auditentry"
    assert ContentType.objects.filter(app_label="accounts", model="auditentry").exists()
    assert not ContentType.objects.filter(app_label="core", model="auditentry").exists()
    first = audit_record(actor=None, action="create", object_type="test.thing", object_repr="甲")

    executor = _migrate(executor.loader.graph.leaf_nodes())

    assert executor.loader.project_state().apps.get_model("core", "AuditEntry")
    with pytest.raises(LookupError):
        executor.loader.project_state().apps.get_model("accounts", "AuditEntry")
    ContentType.objects.clear_cache()
    moved = ContentType.objects.get(app_label="core", model="auditentry")
    assert moved.model_class() is AuditEntry
    assert not ContentType.objects.filter(app_label="accounts", model="auditentry").exists()
    # The record written before is there, and the chain goes on from it.
    assert AuditEntry.objects.get(pk=first.pk).object_repr == "甲"
    audit_record(actor=None, action="update", object_type="test.thing", object_repr="乙")
    report = audit_verify()
    assert report.broken_at is None, report.reason
    assert report.checked == AuditEntry.objects.count() >= 2
