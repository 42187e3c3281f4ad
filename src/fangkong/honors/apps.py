from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "fangkong.honors"
    label = "honors"
    verbose_name = _("战时表彰")

    def ready(self) -> None:
        from fangkong.honors.selectors import officer_commendations
        from fangkong.org.sections import register_officer_section

        register_officer_section("commendations", officer_commendations)

        from fangkong.accounts.navigation import register_navigation
        from fangkong.honors import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
