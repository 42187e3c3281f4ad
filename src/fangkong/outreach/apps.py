from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "fangkong.outreach"
    label = "outreach"
    verbose_name = _("党建与宣传")

    def ready(self) -> None:
        from fangkong.accounts.navigation import register_navigation
        from fangkong.outreach import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
