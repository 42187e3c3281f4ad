"""Every write to supplies: the catalogue, purchases, donations, distributions, adjustments.

All stock changes go through `_move()`, which locks the store's stock row for the item
(select_for_update) before reading it, so two clerks distributing the last boxes of masks at
the same moment cannot both succeed: the second waits for the first and then sees what is left.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import clock
from fangkong.core.audit import audit_record
from fangkong.core.conflicts import stale_error
from fangkong.core.moments import past_day_checked
from fangkong.core.services import model_create, model_update
from fangkong.core.text import name_error, normalize_text, plain_text_error, prose
from fangkong.logistics.models import (
    Distribution,
    Donation,
    Donor,
    Item,
    Line,
    Movement,
    Purchase,
    Stock,
    Store,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.org.models import Unit

LineInput = tuple[Item, int]


@transaction.atomic
def item_create(
    *,
    name: str,
    category: str,
    unit_of_measure: str,
    by: User | None,
    grade: str = "",
    low_threshold: int = 0,
    sort_order: int = 0,
) -> Item:
    return model_create(
        model=Item,
        by=by,
        name=normalize_text(name),
        category=category,
        grade=grade,
        unit_of_measure=unit_of_measure,
        low_threshold=low_threshold,
        sort_order=sort_order,
    )


@transaction.atomic
def item_update(
    *,
    item: Item,
    by: User,
    expected_version: int,
    name: str,
    category: str,
    unit_of_measure: str,
    grade: str = "",
    low_threshold: int = 0,
    sort_order: int = 0,
) -> Item:
    """Edit a catalogue entry from its form; refused (code "conflict") if someone saved it
    after the form was drawn."""
    item, _changes = model_update(
        instance=Item.objects.get(pk=item.pk),
        by=by,
        expected_version=expected_version,
        data={
            "name": normalize_text(name),
            "category": category,
            "grade": grade,
            "unit_of_measure": normalize_text(unit_of_measure),
            "low_threshold": low_threshold,
            "sort_order": sort_order,
        },
    )
    return item


@transaction.atomic
def store_create(*, name: str, by: User | None, unit: Unit | None = None) -> Store:
    return model_create(model=Store, by=by, name=normalize_text(name), unit=unit)


@transaction.atomic
def store_update(*, store: Store, by: User | None, name: str, unit: Unit | None = None) -> Store:
    """Rename a store or move it to another unit; the change audited like its creation."""
    store, _changes = model_update(
        instance=Store.objects.select_for_update().get(pk=store.pk),
        by=by,
        data={"name": normalize_text(name), "unit": unit},
    )
    return store


def _check_lines(lines: Sequence[LineInput], *, required: bool = True) -> list[LineInput]:
    merged: dict[int, tuple[Item, int]] = {}
    for item, qty in lines:
        if qty is None or int(qty) <= 0:
            raise ValidationError({"lines": _("物资数量须为正整数：%(item)s") % {"item": item}})
        first, held = merged.get(item.pk, (item, 0))
        merged[item.pk] = (first, held + int(qty))
    if required and not merged:
        raise ValidationError({"lines": _("至少填写一种物资及数量")})
    # A fixed lock order (by item id) so two movements over the same items never deadlock.
    return [line for _k, line in sorted(merged.items())]


def _move(
    *,
    store: Store,
    item: Item,
    quantity: int,
    kind: str,
    by: User | None,
    day: datetime.date,
    note: str = "",
    expected_version: int | None = None,
    counted: int | None = None,
    **source: object,
) -> Movement:
    """Change one stock row by `quantity` (+ in, − out) under a row lock; never below zero.
    With `expected_version`, only if the row has not moved since the user's page was drawn."""
    Stock.objects.get_or_create(store=store, item=item)
    stock = Stock.objects.select_for_update().get(store=store, item=item)
    if expected_version is not None and stock.version != expected_version:
        raise stale_error()
    if counted is not None:
        quantity = counted - stock.quantity
    balance = stock.quantity + quantity
    if balance < 0:
        raise ValidationError(
            {
                "lines": _("%(item)s库存不足：%(store)s现有%(have)d%(uom)s，需%(need)d%(uom)s")
                % {
                    "item": item.name,
                    "store": store.name,
                    "have": stock.quantity,
                    "need": -quantity,
                    "uom": item.unit_of_measure,
                }
            }
        )
    stock.quantity = balance
    stock.version += 1
    stock.save(update_fields=["quantity", "version"])
    movement = Movement(
        store=store,
        item=item,
        kind=kind,
        quantity=quantity,
        balance=balance,
        day=day,
        at=clock.now(),
        note=note,
        by=by if by is not None and by.pk else None,
        **source,
    )
    movement.full_clean()
    movement.save()
    audit_record(
        actor=by,
        action="update",
        obj=stock,
        changes={"quantity": [balance - quantity, balance], "kind": [None, kind]},
    )
    return movement


def _lines_book(
    lines: list[LineInput],
    *,
    store: Store,
    kind: str,
    sign: int,
    by: User | None,
    day: datetime.date,
    note: str,
    **owner: Any,
) -> None:
    """The lines of a purchase, a donation or a distribution (`owner`, e.g. purchase=…) and
    the stock they move in (`sign` +1) or out (−1) of `store`: the one write of a document's
    lines, whichever document."""
    rows = [Line(item=item, quantity=qty, **owner) for item, qty in lines]
    for row in rows:
        row.full_clean()
    Line.objects.bulk_create(rows)
    for item, qty in lines:
        _move(
            store=store,
            item=item,
            quantity=sign * qty,
            kind=kind,
            by=by,
            day=day,
            note=note,
            **owner,
        )


@transaction.atomic
def purchase_record(
    *,
    supplier: str,
    amount: Decimal,
    day: datetime.date,
    store: Store,
    lines: Sequence[LineInput],
    by: User | None,
    invoice_number: str = "",
    note: str = "",
) -> Purchase:
    past_day_checked(Purchase, day)
    checked = _check_lines(lines)
    purchase = model_create(
        model=Purchase,
        by=by,
        supplier=normalize_text(supplier),
        amount=amount,
        invoice_number=normalize_text(invoice_number),
        day=day,
        store=store,
        note=note,
        created_by=by if by is not None and by.pk else None,
    )
    _lines_book(
        checked,
        store=store,
        kind=Movement.Kind.PURCHASE,
        sign=1,
        by=by,
        day=day,
        note=purchase.supplier,
        purchase=purchase,
    )
    return purchase


# Donor.contact's length: a contact person's name.
CONTACT_NAME = 30


@transaction.atomic
def donor_find_or_create(
    *, kind: str, name: str, by: User | None, contact: str = "", phone: str = ""
) -> Donor:
    name = normalize_text(name)
    if not name:
        raise ValidationError({"donor_name": _("捐赠人不能为空")})
    # Before the look-up: PostgreSQL refuses a NUL in a query's text (a 500, not a message).
    if refused := plain_text_error(name, _("捐赠人")):
        raise ValidationError({"donor_name": [refused]})
    # The contact is a person (联系人): held to the one rule of names, a digit refused
    # ("张3", the seventh attack), wherever a donor is written.
    contact = normalize_text(contact)
    if contact and (refused := name_error(contact, _("联系人"), limit=CONTACT_NAME)):
        raise ValidationError({"contact": [refused]})
    donor = Donor.objects.filter(kind=kind, name=name).first()
    if donor is None:
        donor = model_create(model=Donor, by=by, kind=kind, name=name, contact=contact, phone=phone)
    return donor


@transaction.atomic
def donation_record(
    *,
    donor: Donor,
    day: datetime.date,
    receiving_unit: Unit,
    by: User | None,
    store: Store | None = None,
    lines: Sequence[LineInput] = (),
    money: Decimal = Decimal(0),
    estimated_value: Decimal = Decimal(0),
    description: str = "",
) -> Donation:
    past_day_checked(Donation, day)
    checked = _check_lines(lines, required=False)
    if not checked and money <= 0:
        raise ValidationError({"lines": _("请填写捐赠的物资及数量，或捐款金额")})
    if checked and store is None:
        raise ValidationError({"store": _("捐赠物资须选择入库仓库")})
    if money < 0 or estimated_value < 0:
        raise ValidationError({"estimated_value": _("金额不能为负数")})
    donation = model_create(
        model=Donation,
        by=by,
        donor=donor,
        day=day,
        receiving_unit=receiving_unit,
        store=store,
        money=money,
        # Money given counts at its face value when no estimate is given.
        estimated_value=estimated_value or money,
        description=description,
        created_by=by if by is not None and by.pk else None,
    )
    if store is not None:  # money only: no lines, no stock
        _lines_book(
            checked,
            store=store,
            kind=Movement.Kind.DONATION,
            sign=1,
            by=by,
            day=day,
            note=donor.name,
            donation=donation,
        )
    return donation


@transaction.atomic
def distribution_record(
    *,
    store: Store,
    unit: Unit,
    received_by: str,
    lines: Sequence[LineInput],
    day: datetime.date,
    by: User | None,
    post: str = "",
    signed_by: str = "",
) -> Distribution:
    past_day_checked(Distribution, day)
    checked = _check_lines(lines)
    received_by = normalize_text(received_by)
    if not received_by:
        raise ValidationError({"received_by": _("领用人不能为空")})
    distribution = model_create(
        model=Distribution,
        by=by,
        store=store,
        unit=unit,
        post=normalize_text(post),
        received_by=received_by,
        signed_by=normalize_text(signed_by) or received_by,
        day=day,
        created_by=by if by is not None and by.pk else None,
    )
    _lines_book(
        checked,
        store=store,
        kind=Movement.Kind.DISTRIBUTION,
        sign=-1,
        by=by,
        day=day,
        note=f"{unit.name}{(' ' + distribution.post) if distribution.post else ''}",
        distribution=distribution,
    )
    return distribution


@transaction.atomic
def stock_adjust(
    *, store: Store, item: Item, delta: int, reason: str, day: datetime.date, by: User | None
) -> Movement:
    """盘点调整: correct the stock after a count; the reason is required."""
    past_day_checked(Movement, day)
    reason = prose(reason, field="reason", label=_("调整原因"))
    if not reason:
        raise ValidationError({"reason": _("调整原因不能为空")})
    if delta == 0:
        raise ValidationError({"delta": _("调整数量不能为0")})
    return _move(
        store=store,
        item=item,
        quantity=delta,
        kind=Movement.Kind.ADJUSTMENT,
        by=by,
        day=day,
        note=reason,
    )


@transaction.atomic
def stock_count(
    *,
    stock: Stock,
    counted: int,
    reason: str,
    day: datetime.date,
    by: User | None,
    expected_version: int,
) -> Movement | None:
    """盘点: a store's stock of an item becomes what was counted; the difference is booked as
    an adjustment with its reason. Refused (code "conflict") if the stock moved since the
    count page was drawn: the count would silently undo that movement. None when the count
    agrees with the stock."""
    past_day_checked(Movement, day)
    reason = prose(reason, field="reason", label=_("调整原因"))
    if not reason:
        raise ValidationError({"reason": _("调整原因不能为空")})
    if counted < 0:
        raise ValidationError({"counted": _("盘点数量不能小于0")})
    current = Stock.objects.get(pk=stock.pk)
    if current.version == expected_version and current.quantity == counted:
        return None
    return _move(
        store=current.store,
        item=current.item,
        quantity=0,
        counted=counted,
        kind=Movement.Kind.ADJUSTMENT,
        by=by,
        day=day,
        note=reason,
        expected_version=expected_version,
    )
