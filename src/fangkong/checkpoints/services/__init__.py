"""Every write of the checkpoints app, by sub-domain: passages (registration, one at a
time and in bulk), roster (shifts, hand counts), sites (checkpoints and who is posted to
them), selfreg (QR self-registration), tokens (device tokens). Each name is importable
from here."""

from fangkong.checkpoints.services.passages import (
    MAX_OCCUPANTS,
    MESSAGES,
    PART_LABELS,
    REFERRING,
    Assessed,
    AssessedPassage,
    OccupantInput,
    PassageInput,
    passage_assess,
    passage_digest,
    passage_register,
    passages_register_bulk,
    shift_for,
)
from fangkong.checkpoints.services.roster import (
    roster_copy_week,
    shift_assign,
    shift_get_or_create,
    shift_tally,
)
from fangkong.checkpoints.services.selfreg import (
    selfreg_confirm,
    selfreg_confirm_codes,
    selfreg_input,
    selfreg_open,
    selfreg_purge,
    selfreg_submit,
    selfreg_ttl,
)
from fangkong.checkpoints.services.sites import (
    checkpoint_create,
    checkpoint_post,
    checkpoint_update,
)
from fangkong.checkpoints.services.tokens import (
    token_create,
    token_hash,
    token_refusal,
    token_revoke,
)

__all__ = [
    "MAX_OCCUPANTS",
    "MESSAGES",
    "PART_LABELS",
    "REFERRING",
    "Assessed",
    "AssessedPassage",
    "OccupantInput",
    "PassageInput",
    "checkpoint_create",
    "checkpoint_post",
    "checkpoint_update",
    "passage_assess",
    "passage_digest",
    "passage_register",
    "passages_register_bulk",
    "roster_copy_week",
    "selfreg_confirm",
    "selfreg_confirm_codes",
    "selfreg_input",
    "selfreg_open",
    "selfreg_purge",
    "selfreg_submit",
    "selfreg_ttl",
    "shift_assign",
    "shift_for",
    "shift_get_or_create",
    "shift_tally",
    "token_create",
    "token_hash",
    "token_refusal",
    "token_revoke",
]
