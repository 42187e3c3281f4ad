from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    name = "fangkong.quarantine"
    label = "quarantine"
    verbose_name = _("居家隔离")

    def ready(self) -> None:
        from fangkong.people.models import Person

        # A person a city's pushed list routed to a county by their ID region (no township
        # yet) is that county's, through their case (issue 18 item 4).
        Person.jurisdiction.extend(area="cases__county")
        from fangkong.org.services import register_station_follower
        from fangkong.quarantine.services import cases_follow_station

        # A township handed to another station: its cases follow (township_set_station).
        register_station_follower(cases_follow_station)
        from fangkong.people.services import register_person_follower
        from fangkong.quarantine.services import cases_follow_person

        # A person who moves (a transfer accepted, an edit, a merge): their cases follow.
        register_person_follower(cases_follow_person)
        from fangkong.core.offline import register_offline_asset, register_offline_page

        # Today's list, and the visit form of each person on it, open in the village without
        # a signal once they have been opened with one.
        register_offline_page("followup_today")
        register_offline_page("followup_create")
        for asset in ("fangkong/quarantine.css", "quarantine/followup.js"):
            register_offline_asset(asset)

        from fangkong.accounts.navigation import register_navigation
        from fangkong.quarantine import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
