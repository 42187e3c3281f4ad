from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "fangkong.honors"
    label = "honors"
    verbose_name = _("战时表彰")

    def ready(self) -> None:
        from fangkong.accounts.navigation import HomeCard, NavItem, register_card, register_nav
        from fangkong.accounts.roles import Role
        from fangkong.honors.selectors import officer_commendations
        from fangkong.org.sections import register_officer_section

        register_officer_section("commendations", officer_commendations)

        register_nav(NavItem(_("战时表彰"), "honors_list", perm="honors.view", order=75))
        register_card(
            HomeCard(
                title=_("表彰待审核"),
                text=_("快审：各单位上报的战时表彰"),
                url_name="honors_to_review",
                roles=frozenset({Role.POLITICAL}),
                order=10,
                count=_awaiting_review,
                tone="warn",
            )
        )
        register_card(
            HomeCard(
                title=_("表彰待批准"),
                text=_("快批：政工审核通过的战时表彰"),
                url_name="honors_to_approve",
                roles=frozenset({Role.COMMAND}),
                order=12,
                count=_awaiting_approval,
                tone="warn",
            )
        )


def _awaiting_review(user):
    from fangkong.honors.selectors import awaiting_review_count

    return awaiting_review_count(user)


def _awaiting_approval(user):
    from fangkong.honors.selectors import awaiting_approval_count

    return awaiting_approval_count(user)
