from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "fangkong.org"
    label = "org"
    verbose_name = _("组织与警力")

    def ready(self) -> None:
        from fangkong.accounts.navigation import register_navigation
        from fangkong.org import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
