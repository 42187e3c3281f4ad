"""Chinese: 1月31日, not Django's 01月31日; the rest as Django has them."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

MONTH_DAY_FORMAT = "n月j日"
