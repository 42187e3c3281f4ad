from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "fangkong.logistics"
    label = "logistics"
    verbose_name = _("警务保障")

    def ready(self) -> None:
        from fangkong.accounts.navigation import register_navigation
        from fangkong.logistics import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
