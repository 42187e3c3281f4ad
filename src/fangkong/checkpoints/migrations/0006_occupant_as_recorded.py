# Occupants keep the name and phone given at the checkpoint (issue 14, jurisdiction of
# writes): a checkpoint reads its occupants, never the person's record. Rows stored before
# took their values from the person, whose phone the checkpoint then overwrote at every
# registration: the person's values are the closest there are to what was given.

import fangkong.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('checkpoints', '0005_passage_request_digest'),
    ]

    operations = [
        migrations.AddField(
            model_name='occupant',
            name='name',
            field=models.CharField(blank=True, db_default='', default='', max_length=50, verbose_name='登记姓名'),
        ),
        migrations.AddField(
            model_name='occupant',
            name='phone',
            field=fangkong.core.fields.PhoneField(blank=True, db_default='', default='', max_length=20, verbose_name='登记电话'),
        ),
        migrations.RunSQL(
            "UPDATE checkpoints_occupant SET "
            "name = (SELECT p.name FROM people_person p WHERE p.id = person_id), "
            "phone = (SELECT p.phone FROM people_person p WHERE p.id = person_id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
