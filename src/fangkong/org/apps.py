from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "fangkong.org"
    label = "org"
    verbose_name = _("组织与警力")

    def ready(self) -> None:
        from fangkong.accounts.navigation import HomeCard, NavItem, register_card, register_nav
        from fangkong.accounts.roles import Role

        register_nav(NavItem(_("单位"), "unit_list", perm="org.view", order=60))
        register_nav(NavItem(_("警力"), "officer_list", perm="org.view", order=61))
        register_nav(NavItem(_("工作组"), "working_group_list", perm="org.view", order=62))
        register_nav(NavItem(_("战时命令"), "wartime", perm="org.view", order=63))
        register_nav(NavItem(_("暖警"), "welfare_list", perm="welfare.view", order=64))
        register_card(
            HomeCard(
                title=_("民警家庭困难"),
                text=_("暖警：尚未解决的民警家庭困难"),
                url_name="welfare_list",
                roles=frozenset({Role.POLITICAL, Role.STATION}),
                order=18,
                count=_welfare_open,
                tone="warn",
            )
        )
        everyone_with_org = frozenset(
            {Role.COMMAND, Role.POLITICAL, Role.WORKGROUP, Role.STATION, Role.LOGISTICS, Role.ADMIN}
        )
        register_card(
            HomeCard(
                title=_("战时命令与归队"),
                text=_("全警停休命令的召回和报到情况"),
                url_name="wartime",
                roles=frozenset({Role.COMMAND, Role.POLITICAL}),
                order=20,
                count=_recalled_waiting,
                tone="warn",
            )
        )
        register_card(
            HomeCard(
                title=_("工作组"),
                text=_("领导小组和五个工作组的职责与成员"),
                url_name="working_group_list",
                roles=frozenset({Role.COMMAND, Role.WORKGROUP, Role.POLITICAL}),
                order=30,
            )
        )
        register_card(
            HomeCard(
                title=_("警力"),
                text=_("民警、辅警名册及在岗状态"),
                url_name="officer_list",
                roles=everyone_with_org,
                order=40,
                count=_officers,
            )
        )
        register_card(
            HomeCard(
                title=_("单位"),
                text=_("局机关、派出所、交警大队等单位及其警力"),
                url_name="unit_list",
                roles=frozenset({Role.ADMIN, Role.POLITICAL, Role.LOGISTICS}),
                order=45,
            )
        )


def _recalled_waiting(user):
    from fangkong.org.models import Officer

    return Officer.objects.filter(status=Officer.Status.RECALLED).count()


def _officers(user):
    from fangkong.org.models import Officer

    return Officer.objects.count()


def _welfare_open(user):
    from fangkong.org.welfare import open_count

    return open_count(user)
