"""Data-integrity rules on ratification records that need more than one row: the admin's
warnings, and with the articles' rules (``provisions.checks``) ``manage.py check_data`` and the
data-quality page (``catalogue.checks``)."""

from dataclasses import dataclass

from django.db.models import F

from .models import Ratification, Treaty

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    level: str
    rule: str
    message: str


def parties_missing_parent(ratifications=None):
    """Parties to a supplementing instrument that are not parties to its parent (a state must be
    party to UNTOC to be party to the Protocol)."""
    ratifications = ratifications if ratifications is not None else Ratification.objects.all()
    supplements = Treaty.objects.filter(parent__isnull=False).select_related("parent")
    for treaty in supplements:
        parent_parties = set(
            Ratification.objects.parties()
            .filter(treaty=treaty.parent)
            .values_list("participant_id", flat=True)
        )
        for ratification in (
            ratifications.parties().filter(treaty=treaty).select_related("participant", "treaty")
        ):
            if ratification.participant_id not in parent_parties:
                yield ratification


def findings():
    """Every finding on the ratification records."""
    for r in parties_missing_parent():
        yield Finding(
            ERROR,
            "party-to-parent",
            f"{r.participant} ({r.participant.code}) is party to {r.treaty} but not to "
            f"{r.treaty.parent}.",
        )
    for r in Ratification.objects.filter(consent_on__lt=F("signature_on")).select_related(
        "participant", "treaty"
    ):
        yield Finding(
            ERROR, "consent-before-signature", f"{r}: consent {r.consent_on} before signature."
        )
    for r in Ratification.objects.filter(
        consent_kind__in=["ratification", "acceptance", "approval"],
        signature_on__isnull=True,
    ).select_related("participant", "treaty"):
        yield Finding(
            WARNING,
            "consent-without-signature",
            f"{r}: {r.get_consent_kind_display().lower()} without a recorded signature "
            "(signature date missing, or the instrument was an accession).",
        )
    for r in Ratification.objects.undated_consents().select_related("participant", "treaty"):
        yield Finding(WARNING, "consent-date-unknown", f"{r}: party, date of consent not known.")
    for r in Ratification.objects.filter(
        entry_into_force_basis="stated", consent_on__isnull=False
    ).select_related("participant", "treaty"):
        computed = r.computed_entry_into_force()
        if computed and computed != r.entry_into_force_on:
            yield Finding(
                WARNING,
                "entry-into-force-disagrees",
                f"{r}: stated entry into force {r.entry_into_force_on}, the treaty's rule "
                f"gives {computed}.",
            )
