"""Every write to quarantine cases, one module per sub-domain — `referrals` (open or join a
case: the one write path of a case and its referrals), `cases` (verification, transitions,
release), `teams` (四包一), `followups` (follow-ups and alerts) — each with the bulk forms
the demo county and large lists use (same rules, same audit). The names callers use are
importable from here."""

from fangkong.quarantine.services.cases import (
    DEFAULT_RELEASE_REASON,
    FINDING_MEASURE,
    FINDING_STATUS,
    case_release,
    case_transition,
    case_verify,
    cases_follow_person,
    cases_follow_station,
    cases_transition_bulk,
    quarantine_days,
)
from fangkong.quarantine.services.followups import (
    FOLLOWUP_PARTS,
    FollowUpInput,
    alert_resolve,
    followup_digest,
    followup_record,
    followups_insert,
    followups_record_bulk,
)
from fangkong.quarantine.services.referrals import (
    CASE_FIELDS,
    CaseOpenInput,
    Referral,
    case_fill,
    case_opening,
    case_refer,
    cases_insert,
    cases_open_bulk,
    cases_refer,
    referrals_insert,
)
from fangkong.quarantine.services.teams import (
    MemberInput,
    team_assign,
    teams_assign_bulk,
)

__all__ = [
    "CASE_FIELDS",
    "DEFAULT_RELEASE_REASON",
    "FINDING_MEASURE",
    "FINDING_STATUS",
    "FOLLOWUP_PARTS",
    "CaseOpenInput",
    "FollowUpInput",
    "MemberInput",
    "Referral",
    "alert_resolve",
    "case_fill",
    "case_opening",
    "case_refer",
    "case_release",
    "case_transition",
    "case_verify",
    "cases_follow_person",
    "cases_follow_station",
    "cases_insert",
    "cases_open_bulk",
    "cases_refer",
    "cases_transition_bulk",
    "followup_digest",
    "followup_record",
    "followups_insert",
    "followups_record_bulk",
    "quarantine_days",
    "referrals_insert",
    "team_assign",
    "teams_assign_bulk",
]
