"""Demo supplies: the catalogue, one central store, the 200,000+ yuan purchase, the
donation of 泰安恒昌劳动防护用品有限公司 on 2020-01-27 worth 60,000+ yuan, 30+ citizens'
donations and daily distributions to units and checkpoints from 2020-01-26."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.core.demo import DemoContext, mobile, person_name
from fangkong.logistics import services
from fangkong.logistics.models import Donor, Item
from fangkong.org.models import Unit

CATALOGUE = [
    # name, category, grade, unit, threshold
    ("N95口罩", "mask", "N95", "个", 2000),
    ("KN95口罩", "mask", "KN95", "个", 3000),
    ("医用外科口罩", "mask", "surgical", "个", 5000),
    ("一次性医用口罩", "mask", "disposable", "个", 5000),
    ("医用防护服", "suit", "", "套", 100),
    ("护目镜", "goggles", "", "副", 50),
    ("防护面屏", "face_shield", "", "个", 50),
    ("一次性医用手套", "gloves", "", "副", 2000),
    ("红外额温枪", "thermometer", "", "支", 10),
    ("84消毒液", "disinfectant", "", "瓶", 100),
    ("75%酒精", "disinfectant", "", "瓶", 100),
    ("方便面", "other", "", "箱", 0),
    ("矿泉水", "other", "", "箱", 0),
]
CHECKPOINT_POSTS = [
    "104国道检查站",
    "京台高速宁阳出口检查站",
    "省道331检查站",
    "磁窑检查站",
    "华丰检查站",
    "东庄检查站",
    "泗店检查站",
    "堽城检查站",
    "乡饮检查站",
]


@transaction.atomic
def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    clerk = User.objects.get(username="baozhang")
    items = {}
    for i, (name, cat, grade, uom, threshold) in enumerate(CATALOGUE):
        items[name] = services.item_create(
            name=name,
            category=cat,
            grade=grade,
            unit_of_measure=uom,
            low_threshold=threshold,
            sort_order=i,
            by=clerk,
        )
    bureau: Unit = ctx.data["bureau"]
    store = services.store_create(
        name="警务保障室中心仓库", unit=Unit.objects.get(name="警务保障室"), by=clerk
    )
    # 斥资20余万元: one purchase of protective equipment on the day after the response began.
    purchase = services.purchase_record(
        supplier="山东鲁泰医疗器械有限公司",
        amount=Decimal("213600.00"),
        invoice_number="37009201200125001",
        day=datetime.date(2020, 1, 25),
        store=store,
        note="一线执法执勤和窗口单位民警辅警防护装备",
        lines=[
            (items["N95口罩"], 6000),
            (items["KN95口罩"], 10000),
            (items["医用外科口罩"], 30000),
            (items["一次性医用口罩"], 20000),
            (items["医用防护服"], 600),
            (items["护目镜"], 300),
            (items["防护面屏"], 300),
            (items["一次性医用手套"], 10000),
            (items["红外额温枪"], 60),
            (items["84消毒液"], 800),
            (items["75%酒精"], 800),
        ],
        by=clerk,
    )
    ctx.data["purchase"] = purchase
    company = services.donor_find_or_create(
        kind=Donor.Kind.COMPANY,
        name="泰安恒昌劳动防护用品有限公司",
        contact="王经理",
        phone=mobile(rng),
        by=clerk,
    )
    services.donation_record(
        donor=company,
        day=datetime.date(2020, 1, 27),
        receiving_unit=bureau,
        store=store,
        lines=[
            (items["KN95口罩"], 5000),
            (items["医用防护服"], 200),
            (items["一次性医用手套"], 5000),
            (items["护目镜"], 100),
        ],
        estimated_value=Decimal("62800.00"),
        description="防护口罩、防护服、手套、护目镜",
        by=clerk,
    )
    stations = list(ctx.data["stations"].values())
    comfort = [items["方便面"], items["矿泉水"], items["一次性医用口罩"], items["84消毒液"]]
    for i in range(32):
        sex = "M" if rng.random() < 0.6 else "F"
        donor = services.donor_find_or_create(
            kind=Donor.Kind.CITIZEN, name=person_name(rng, sex), phone=mobile(rng), by=clerk
        )
        item = comfort[i % len(comfort)]
        qty = rng.randint(2, 10) if item.category == Item.Category.OTHER else rng.randint(50, 300)
        services.donation_record(
            donor=donor,
            day=datetime.date(2020, 1, 26) + datetime.timedelta(days=rng.randrange(9)),
            receiving_unit=rng.choice(stations),
            store=store,
            lines=[(item, qty)],
            estimated_value=Decimal(rng.randint(100, 800)),
            description="慰问执勤民警",
            by=clerk,
        )
    # Daily distributions to the checkpoints and the stations: N95 runs low by 2020-02-03.
    traffic = Unit.objects.get(name="交通警察大队")
    special = Unit.objects.get(name="特巡警大队")
    day = datetime.date(2020, 1, 26)
    while day <= ctx.today:
        for n, post in enumerate(CHECKPOINT_POSTS):
            services.distribution_record(
                store=store,
                unit=traffic if n % 2 else special,
                post=post,
                received_by=person_name(rng, "M"),
                lines=[
                    (items["N95口罩"], rng.randint(50, 70)),
                    (items["医用外科口罩"], rng.randint(150, 250)),
                    (items["一次性医用手套"], rng.randint(60, 100)),
                ],
                day=day,
                by=clerk,
            )
        for station in stations[day.toordinal() % 3 :: 3]:
            services.distribution_record(
                store=store,
                unit=station,
                received_by=person_name(rng, "M"),
                lines=[(items["一次性医用口罩"], 300), (items["84消毒液"], 10)],
                day=day,
                by=clerk,
            )
        day += datetime.timedelta(days=1)
