"""Treaties, the participants that join them, their ratification records and statements.

Status ("party", "signatory", ...) is never stored: it is derived from the dates, today or as at
any past date, by ``RatificationQuerySet.with_status()`` (in SQL) and ``Ratification.status_at()``
(in Python, for one loaded row). Both read the same rules from ``treaties.status``.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from common.history import TrackedHistory

from . import status as status_rules
from .entry_into_force import EntryIntoForceRule, compute_entry_into_force


class Organisation(models.TextChoices):
    UN = "un", "United Nations"
    COE = "coe", "Council of Europe"
    ASEAN = "asean", "Association of Southeast Asian Nations"


class TreatyKind(models.TextChoices):
    CONVENTION = "convention", "Convention"
    PROTOCOL = "protocol", "Protocol"


class Scope(models.TextChoices):
    GLOBAL = "global", "Global"
    REGIONAL = "regional", "Regional"


# Treaties shown by default where a page cannot show them all (treaties.participation).
DEFAULT_FEATURED = 4
MAX_FEATURED = 12


class TreatyQuerySet(models.QuerySet):
    def with_counts(self, as_of=None):
        """Annotate, as at ``as_of`` (today when None): ``party_count`` (known to have
        consented), ``unknown_count`` (whose status that day is not known: parties of unknown
        date, or signed on a date unknown: the count of parties is "at least party_count, up to
        party_count + unknown_count"), ``signatory_count`` (signed, not bound),
        ``in_force_count`` (entry into force reached and known) and ``in_force_unknown_count``
        (parties that day whose entry into force is not known, the treaty itself being in force
        or its date unknown), and ``article_count``. Each count is a correlated subquery, so the
        cost does not multiply ratifications by articles."""
        conditions = status_rules.conditions(as_of)
        day, _current = status_rules.resolve(as_of)
        ratifications = Ratification.objects.filter(treaty=OuterRef("pk"))
        not_withdrawn = Q(withdrawal_effective_on__isnull=True) | Q(withdrawal_effective_on__gt=day)
        treaty_may_be_in_force = Q(treaty__entry_into_force_on__isnull=True) | Q(
            treaty__entry_into_force_on__lte=day
        )
        return self.annotate(
            party_count=count_of(ratifications.filter(conditions[status_rules.PARTY])),
            unknown_count=count_of(ratifications.filter(conditions[status_rules.UNKNOWN])),
            signatory_count=count_of(ratifications.filter(conditions[status_rules.SIGNATORY])),
            in_force_count=count_of(
                ratifications.filter(not_withdrawn, entry_into_force_on__lte=day)
            ),
            in_force_unknown_count=count_of(
                ratifications.filter(
                    conditions[status_rules.PARTY] & treaty_may_be_in_force,
                    entry_into_force_on__isnull=True,
                )
            ),
            article_count=count_of(articles_model().objects.filter(treaty=OuterRef("pk"))),
        ).order_by("position", "slug")

    def for_display(self):
        return self.select_related("parent")

    def core_first(self):
        """The core instruments first, then every other treaty, each in list order."""
        return self.order_by("-core", "position", "slug")

    def featured(self):
        """The treaties every page shows by default, as a list, in one query: the core
        instruments (at most ``MAX_FEATURED``); in a data set with none marked core (synthetic
        or test data), the first ``DEFAULT_FEATURED`` treaties in list order."""
        rows = list(self.core_first()[:MAX_FEATURED])
        return [t for t in rows if t.core] or rows[:DEFAULT_FEATURED]


def count_of(queryset):
    """A correlated COUNT(*) over ``queryset`` as an integer expression (0 when empty)."""
    counted = (
        queryset.order_by()
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(_count=Count("pk"))
        .values("_count")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class Treaty(models.Model):
    slug = models.SlugField(
        unique=True, help_text="Stable public identifier, e.g. 'palermo-protocol'."
    )
    short_title = models.CharField(max_length=120, help_text="Short title used in lists.")
    full_title = models.CharField(max_length=400, help_text="Full official title.")
    kind = models.CharField(
        max_length=20, choices=TreatyKind.choices, help_text="Convention or protocol."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplements",
        help_text="The instrument this one supplements (a party must also be party to it).",
    )
    organisation = models.CharField(
        max_length=20,
        choices=Organisation.choices,
        help_text="The organisation under whose auspices the treaty was concluded.",
    )
    scope = models.CharField(
        max_length=20, choices=Scope.choices, help_text="Global or regional participation."
    )
    adopted_on = models.DateField(null=True, blank=True, help_text="Date of adoption.")
    adopted_at = models.CharField(max_length=120, blank=True, help_text="Place of adoption.")
    adopted_by = models.CharField(
        max_length=200, blank=True, help_text="The body that adopted the text."
    )
    opened_for_signature_on = models.DateField(
        null=True, blank=True, help_text="Date the treaty was opened for signature."
    )
    entry_into_force_on = models.DateField(
        null=True, blank=True, help_text="Date the treaty itself entered into force."
    )
    depositary = models.CharField(max_length=200, blank=True, help_text="The depositary.")
    treaty_series = models.CharField(
        max_length=300,
        blank=True,
        help_text="Treaty-series citation, e.g. 'United Nations, Treaty Series, vol. 2225'.",
    )
    preamble = models.TextField(
        blank=True, help_text="Preamble as in the official text; empty where the source has none."
    )
    preamble_incomplete = models.BooleanField(
        default=False, help_text="The preamble in the data is partial."
    )
    sources = models.JSONField(
        default=list, blank=True, help_text="URLs of the sources of the text."
    )
    status_as_at = models.DateField(
        null=True,
        blank=True,
        help_text="Date of the depositary status the participant data is built on, where known.",
    )
    status_note = models.TextField(
        blank=True,
        help_text="How current the participant data is and where it comes from, in words.",
    )
    entry_into_force_rule = models.CharField(
        max_length=40,
        choices=EntryIntoForceRule.choices,
        default=EntryIntoForceRule.NOT_AVAILABLE,
        help_text="The treaty's rule for its entry into force for a participant that joins later.",
    )
    entry_into_force_provision = models.CharField(
        max_length=40,
        blank=True,
        help_text="The article that states that rule, e.g. 'art. 38(2)'.",
    )
    entry_into_force_rule_source = models.URLField(
        max_length=600,
        blank=True,
        help_text=(
            "Where the rule comes from when the treaty's final clauses are not in the data "
            "(a source that states it)."
        ),
    )
    statements_flags_source = models.TextField(
        blank=True,
        help_text=(
            "The sources that say which participants made reservations or declarations (the "
            "records' 'statements flagged'), in words."
        ),
    )
    statements_complete_as_at = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "The date of a source read in full that lists every participant's reservations and "
            "declarations (a complete depositary record). A participant whose record comes from "
            "that source and that it lists without any had made none as at that date."
        ),
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in lists (oldest instrument first)."
    )
    core = models.BooleanField(
        default=False,
        help_text=(
            "One of the core instruments the knowledge base is about: listed first, shown by "
            "default in the matrix and the participants list, and on every participant's profile "
            "even without a record."
        ),
    )
    modified_at = models.DateTimeField(auto_now=True, help_text="Last change to this record.")

    objects = TreatyQuerySet.as_manager()
    history = TrackedHistory()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "treaty"
        verbose_name_plural = "treaties"
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="treaty_not_its_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["modified_at"], name="treaty_modified_idx")]

    def __str__(self):
        return self.short_title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalogue:treaty_detail", kwargs={"slug": self.slug})

    def entry_into_force_for(self, consent_on, consent_not_after=None):
        """Entry into force for a participant that consented on ``consent_on`` (or, its date
        unknown, by ``consent_not_after``), under this treaty's own rule; None where the rule
        or the date is not known."""
        return compute_entry_into_force(
            self.entry_into_force_rule, consent_on, self.entry_into_force_on, consent_not_after
        )

    @property
    def in_existence_from(self):
        """The first day anything can be recorded under the treaty: its adoption (or, that
        date unknown, its opening for signature). Nobody is a participant before it."""
        return self.adopted_on or self.opened_for_signature_on


class ParticipantKind(models.TextChoices):
    STATE = "state", "State"
    REGIONAL_ORGANISATION = (
        "regional_organisation",
        "Regional economic integration organisation",
    )


def folded(text):
    """``text`` for accent- and case-insensitive matching: accents dropped (NFKD, combining
    marks out), case folded, typographic apostrophes made plain: "Côte d’Ivoire" and
    "cote d'ivoire" fold alike. The same in Python on every database, so that SQLite and
    PostgreSQL answer a search the same way."""
    decomposed = unicodedata.normalize("NFKD", text or "").replace("\u2019", "'")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class ParticipantQuerySet(models.QuerySet):
    def named(self, text):
        """Participants whose name, recorded name or official name contains ``text`` (accents
        and case ignored), or whose code it is."""
        text = (text or "").strip()
        return self.filter(Q(search_names__contains=folded(text)) | Q(code__iexact=text))

    def members_of(self, organisation):
        field = {
            Organisation.COE: "coe_member",
            Organisation.ASEAN: "asean_member",
            "eu": "eu_member",
        }[organisation]
        return self.filter(**{field: True})

    def for_display(self):
        return self.prefetch_related(
            Prefetch(
                "ratifications",
                queryset=Ratification.objects.select_related("treaty").order_by("treaty__position"),
            )
        )


class Participant(models.Model):
    code = models.CharField(
        max_length=2,
        unique=True,
        help_text=(
            "Stable public identifier: the ISO 3166-1 alpha-2 code, or 'EU' for the European Union."
        ),
    )
    iso_alpha2 = models.CharField(
        max_length=2,
        unique=True,
        null=True,
        blank=True,
        help_text="ISO 3166-1 alpha-2 code, where one exists.",
    )
    iso_alpha3 = models.CharField(
        max_length=3,
        unique=True,
        null=True,
        blank=True,
        help_text="ISO 3166-1 alpha-3 code, where one exists.",
    )
    name = models.CharField(max_length=120, help_text="Current common name.")
    official_name = models.CharField(max_length=200, blank=True, help_text="Official name.")
    recorded_name = models.CharField(
        max_length=200,
        help_text="The name as the depositary writes it in the source tables.",
    )
    kind = models.CharField(
        max_length=30,
        choices=ParticipantKind.choices,
        default=ParticipantKind.STATE,
        help_text="A state, or an organisation such as the European Union.",
    )
    region = models.CharField(
        max_length=40, blank=True, help_text="UN geoscheme (M49) region, e.g. 'Europe'."
    )
    subregion = models.CharField(
        max_length=60, blank=True, help_text="UN geoscheme (M49) subregion, e.g. 'Western Europe'."
    )
    coe_member = models.BooleanField(
        default=False, help_text="Member state of the Council of Europe."
    )
    asean_member = models.BooleanField(default=False, help_text="Member state of ASEAN.")
    eu_member = models.BooleanField(default=False, help_text="Member state of the European Union.")
    search_names = models.TextField(
        blank=True,
        editable=False,
        help_text="Its names folded for search (accents dropped, case folded): set on save.",
    )
    modified_at = models.DateTimeField(auto_now=True, help_text="Last change to this record.")

    objects = ParticipantQuerySet.as_manager()
    history = TrackedHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = "participant"
        verbose_name_plural = "participants"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="participant_code_two_capitals"
            ),
            models.CheckConstraint(
                condition=Q(iso_alpha2__isnull=True) | Q(iso_alpha2=models.F("code")),
                name="participant_code_is_iso_alpha2_when_there_is_one",
            ),
        ]
        indexes = [models.Index(fields=["modified_at"], name="participant_modified_idx")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def get_absolute_url(self):
        return reverse("treaties:participant_detail", kwargs={"code": self.code})

    def save(self, *args, **kwargs):
        self.search_names = folded(
            " | ".join(n for n in (self.name, self.recorded_name, self.official_name) if n)
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_names"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.code:
            self.code = self.code.upper()
        if self.iso_alpha2 and self.iso_alpha2 != self.code:
            raise ValidationError(
                {"iso_alpha2": "Where an ISO alpha-2 code exists it must equal the code."}
            )

    @property
    def memberships(self):
        return [
            label
            for flag, label in (
                (self.coe_member, "Council of Europe"),
                (self.asean_member, "ASEAN"),
                (self.eu_member, "European Union"),
            )
            if flag
        ]


class ConsentKind(models.TextChoices):
    RATIFICATION = "ratification", "Ratification"
    ACCESSION = "accession", "Accession"
    ACCEPTANCE = "acceptance", "Acceptance"
    APPROVAL = "approval", "Approval"
    SUCCESSION = "succession", "Succession"
    FORMAL_CONFIRMATION = "formal_confirmation", "Formal confirmation"


class EntryIntoForceBasis(models.TextChoices):
    STATED = "stated", "Stated by the source"
    COMPUTED = "computed", "Computed from the treaty's rule"


class SourceKind(models.TextChoices):
    DEPOSITARY = "depositary", "Depositary (or a copy of its record)"
    SECONDARY = "secondary", "Secondary source"
    NEWS = "news", "News report"


class StatementsKnown(models.TextChoices):
    """What the knowledge base knows of a record's reservations and declarations."""

    RECORDED = "recorded", "Texts recorded"
    REPORTED = "reported", "Made according to a source; the texts are not in the knowledge base"
    NONE = "none", "None, according to a source that lists every statement"
    UNKNOWN = "unknown", "Not known"


def statements_known(has_texts, flagged, source_as_at, complete_as_at):
    """The one rule for ``StatementsKnown``, for a loaded record
    (``Ratification.statements_known``) and for a treaty's counts
    (``treaties.currency.statement_coverage``)."""
    if has_texts:
        return StatementsKnown.RECORDED
    if flagged:
        return StatementsKnown.REPORTED
    if complete_as_at and source_as_at == complete_as_at:
        return StatementsKnown.NONE
    return StatementsKnown.UNKNOWN


# Conditions on ratification records that pages, checks and exports share (the status rules in
# status.py build the same ones, with a prefix for related lookups).
CONSENTED = ~Q(consent_kind="")
UNDATED_CONSENT = CONSENTED & Q(consent_on__isnull=True)
IN_FORCE_UNKNOWN = CONSENTED & Q(
    entry_into_force_on__isnull=True, withdrawal_effective_on__isnull=True
)
DISAGREEMENT = ~Q(note="")


class RatificationQuerySet(models.QuerySet):
    def undated_consents(self):
        """Parties whose date of consent is not known."""
        return self.filter(UNDATED_CONSENT)

    def in_force_unknown(self):
        """Parties (not withdrawn) for which the date of entry into force is not known."""
        return self.filter(IN_FORCE_UNKNOWN)

    def disagreements(self):
        """Records with a note on a disagreement between sources."""
        return self.filter(DISAGREEMENT)

    def texts_missing(self):
        """Records a source flags as having statements, with no statement text recorded."""
        statements = Statement.objects.filter(ratification=OuterRef("pk"))
        return self.filter(statements_flagged=True).exclude(Exists(statements))

    def with_status(self, as_of=None):
        """Annotate ``status`` (party, signatory, withdrawn, unknown, none) as at ``as_of``."""
        return self.annotate(status=status_rules.case(as_of))

    def in_status(self, status, as_of=None):
        return self.with_status(as_of).filter(status=status)

    def parties(self, as_of=None):
        return self.in_status(status_rules.PARTY, as_of)

    def signatories(self, as_of=None):
        """Participants that have signed but are not (or not yet) bound."""
        return self.in_status(status_rules.SIGNATORY, as_of)

    def for_display(self):
        return self.select_related("treaty", "participant").prefetch_related(
            Prefetch("statements", queryset=Statement.objects.order_by("made_on", "pk"))
        )

    def for_csv(self, as_of=None):
        """What the CSV columns read (``treaties.columns.RATIFICATION``), in two queries:
        treaty, participant and the status as at ``as_of``; the statements."""
        return self.for_display().with_status(as_of)


class Ratification(models.Model):
    """One participant's record under one treaty: signature, consent, entry into force,
    withdrawal, and where each comes from."""

    treaty = models.ForeignKey(
        Treaty, on_delete=models.CASCADE, related_name="ratifications", help_text="The treaty."
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="ratifications",
        help_text="The state or organisation.",
    )
    recorded_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The participant's name as this treaty's status table writes it.",
    )
    signature_on = models.DateField(
        null=True, blank=True, help_text="Date of signature; empty when none or not known."
    )
    consent_kind = models.CharField(
        max_length=30,
        choices=ConsentKind.choices,
        blank=True,
        help_text="How the participant consented to be bound; empty if it has not.",
    )
    consent_on = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "Date of deposit of the instrument. Empty with a consent kind set means a party "
            "whose date is not known."
        ),
    )
    consent_not_after = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "Only when the date of consent is not known: the date by which a source says the "
            "instrument had been deposited (the participant was a party by then)."
        ),
    )
    entry_into_force_on = models.DateField(
        null=True, blank=True, help_text="Entry into force for this participant."
    )
    entry_into_force_basis = models.CharField(
        max_length=20,
        choices=EntryIntoForceBasis.choices,
        blank=True,
        help_text="Whether the entry-into-force date is stated by a source or computed.",
    )
    withdrawal_notified_on = models.DateField(
        null=True, blank=True, help_text="Date of the notification of denunciation or withdrawal."
    )
    withdrawal_effective_on = models.DateField(
        null=True, blank=True, help_text="Date the denunciation or withdrawal takes effect."
    )
    statements_flagged = models.BooleanField(
        default=False,
        help_text=(
            "A source says the participant made reservations or declarations (the texts may "
            "not all be in the knowledge base)."
        ),
    )
    source_url = models.URLField(
        max_length=600, blank=True, help_text="The source of this record's dates."
    )
    source_kind = models.CharField(
        max_length=20,
        choices=SourceKind.choices,
        blank=True,
        help_text=(
            "Whether the source is the depositary (or a copy of its record), a news report or "
            "another secondary source."
        ),
    )
    source_as_at = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "The date the source's table stood at (e.g. the depositary record as at 15 January "
            "2018); empty for a source dated by its own publication."
        ),
    )
    via_url = models.URLField(
        max_length=600,
        blank=True,
        help_text="The copy actually read, when it is not the source itself (an archived copy).",
    )
    note = models.TextField(
        blank=True, help_text="Disagreements between sources and other remarks."
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    modified_at = models.DateTimeField(auto_now=True, help_text="Last change to this record.")

    objects = RatificationQuerySet.as_manager()
    history = TrackedHistory()

    class Meta:
        ordering = ["treaty__position", "participant__name"]
        verbose_name = "ratification record"
        verbose_name_plural = "ratification records"
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "participant"], name="one_ratification_per_treaty_participant"
            ),
            models.CheckConstraint(
                condition=Q(consent_on__isnull=True)
                | Q(signature_on__isnull=True)
                | Q(consent_on__gte=models.F("signature_on")),
                name="ratification_consent_not_before_signature",
            ),
            models.CheckConstraint(
                condition=Q(consent_on__isnull=True) | ~Q(consent_kind=""),
                name="ratification_consent_date_needs_kind",
            ),
            models.CheckConstraint(
                condition=Q(entry_into_force_on__isnull=True)
                | Q(consent_on__isnull=True)
                | Q(entry_into_force_on__gte=models.F("consent_on")),
                name="ratification_in_force_not_before_consent",
            ),
            models.CheckConstraint(
                condition=Q(entry_into_force_on__isnull=True) | ~Q(consent_kind=""),
                name="ratification_in_force_needs_consent",
            ),
            models.CheckConstraint(
                condition=(
                    Q(entry_into_force_on__isnull=True, entry_into_force_basis="")
                    | Q(entry_into_force_on__isnull=False) & ~Q(entry_into_force_basis="")
                ),
                name="ratification_in_force_date_has_basis",
            ),
            models.CheckConstraint(
                condition=(
                    Q(withdrawal_notified_on__isnull=True, withdrawal_effective_on__isnull=True)
                    | ~Q(consent_kind="")
                ),
                name="ratification_withdrawal_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_effective_on__isnull=True)
                | Q(withdrawal_notified_on__isnull=True)
                | Q(withdrawal_effective_on__gte=models.F("withdrawal_notified_on")),
                name="ratification_withdrawal_effective_after_notice",
            ),
            models.CheckConstraint(
                condition=~Q(signature_on__isnull=True, consent_kind=""),
                name="ratification_records_a_signature_or_consent",
            ),
            models.CheckConstraint(
                condition=Q(consent_not_after__isnull=True)
                | Q(consent_on__isnull=True) & ~Q(consent_kind=""),
                name="ratification_consent_bound_only_when_undated",
            ),
            models.CheckConstraint(
                condition=Q(consent_not_after__isnull=True)
                | Q(signature_on__isnull=True)
                | Q(consent_not_after__gte=models.F("signature_on")),
                name="ratification_consent_bound_not_before_signature",
            ),
        ]
        indexes = [
            models.Index(fields=["consent_on"], name="ratification_consent_on_idx"),
            models.Index(fields=["modified_at"], name="ratification_modified_idx"),
        ]

    def __str__(self):
        return f"{self.participant} – {self.treaty}"

    def get_absolute_url(self):
        """The record's section of the participant's profile (``?treaty=`` finds the page of
        a treaty that is not a core instrument)."""
        query = "" if self.treaty.core else f"?treaty={self.treaty.slug}"
        return f"{self.participant.get_absolute_url()}{query}#{self.treaty.slug}"

    def status_at(self, as_of=None):
        """The derived status as at ``as_of`` (today when None); mirrors ``with_status()``."""
        return status_rules.evaluate(self, as_of)

    @property
    def status(self):
        # Set by with_status() as an annotation when the row came from such a queryset.
        return self.__dict__.get("status") or self.status_at()

    @status.setter
    def status(self, value):
        self.__dict__["status"] = value

    @property
    def statements_known(self):
        """``StatementsKnown``: texts recorded; made according to a source, texts missing;
        none, where a source that lists every statement (the treaty's
        ``statements_complete_as_at``) is this record's source and lists none; else unknown.
        Reads ``statements`` and ``treaty``: prefetch them for lists."""
        return statements_known(
            bool(self.statements.all()),
            self.statements_flagged,
            self.source_as_at,
            self.treaty.statements_complete_as_at,
        )

    @property
    def statements_known_as_at(self):
        """The date a "none" holds at (the complete source's date); None otherwise."""
        if self.statements_known == StatementsKnown.NONE:
            return self.treaty.statements_complete_as_at
        return None

    @property
    def is_bound(self):
        return bool(self.consent_kind)

    def computed_entry_into_force(self):
        return self.treaty.entry_into_force_for(self.consent_on, self.consent_not_after)

    def clean(self):
        errors = {}
        if self.consent_on and not self.consent_kind:
            errors["consent_kind"] = "A consent date needs the kind of consent."
        if self.consent_on and self.signature_on and self.consent_on < self.signature_on:
            errors["consent_on"] = "Consent cannot come before signature."
        if self.entry_into_force_on and not self.consent_kind:
            errors["entry_into_force_on"] = "Only a participant that consented can be in force."
        if (
            self.entry_into_force_on
            and self.consent_on
            and (self.entry_into_force_on < self.consent_on)
        ):
            errors["entry_into_force_on"] = "Entry into force cannot come before consent."
        if (self.withdrawal_notified_on or self.withdrawal_effective_on) and not self.consent_kind:
            errors["withdrawal_notified_on"] = "Only a party can withdraw."
        if (
            self.withdrawal_notified_on
            and self.withdrawal_effective_on
            and self.withdrawal_effective_on < self.withdrawal_notified_on
        ):
            errors["withdrawal_effective_on"] = "A withdrawal takes effect after its notification."
        if not self.signature_on and not self.consent_kind:
            errors["signature_on"] = "A record needs at least a signature or a consent."
        if self.consent_not_after and (self.consent_on or not self.consent_kind):
            errors["consent_not_after"] = (
                "Only for a party whose date of consent is not known (clear it when the date "
                "is entered)."
            )
        elif (
            self.consent_not_after
            and self.signature_on
            and self.consent_not_after < self.signature_on
        ):
            errors["consent_not_after"] = "A consent cannot be known to come before signature."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.fill_entry_into_force()
        super().save(*args, **kwargs)

    def fill_entry_into_force(self):
        """Compute entry into force from the treaty's rule unless a source states it."""
        if self.entry_into_force_basis == EntryIntoForceBasis.STATED and self.entry_into_force_on:
            return
        computed = self.computed_entry_into_force() if self.consent_kind else None
        self.entry_into_force_on = computed
        self.entry_into_force_basis = EntryIntoForceBasis.COMPUTED if computed else ""


class StatementKind(models.TextChoices):
    RESERVATION = "reservation", "Reservation"
    DECLARATION = "declaration", "Declaration"
    OBJECTION = "objection", "Objection"
    NOTIFICATION = "notification", "Notification"


class Occasion(models.TextChoices):
    SIGNATURE = "signature", "Upon signature"
    RATIFICATION = "ratification", "Upon ratification"
    ACCESSION = "accession", "Upon accession"
    ACCEPTANCE = "acceptance", "Upon acceptance"
    APPROVAL = "approval", "Upon approval"
    LATER = "later", "Later"


def articles_model():
    """The articles a statement names (``provisions.Provision``), found through the relation
    this app's schema declares rather than imported: ``provisions`` builds on ``treaties``,
    never the reverse (docs/architecture.md)."""
    return Statement._meta.get_field("provisions").related_model


class StatementQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related(
            "ratification__participant", "ratification__treaty"
        ).prefetch_related("provisions")

    def for_csv(self):
        """What the CSV columns read (``treaties.columns.STATEMENT``), in two queries."""
        return self.select_related(
            "ratification__participant", "ratification__treaty"
        ).with_articles()

    def with_articles(self):
        """With the articles each statement names (and their treaties), in article order, in
        one query."""
        articles = articles_model().objects.select_related("treaty").order_by("sort_key")
        return self.prefetch_related(models.Prefetch("provisions", queryset=articles))

    def reservations(self):
        return self.filter(kind=StatementKind.RESERVATION)


class Statement(models.Model):
    """A reservation, declaration, objection or notification attached to a ratification."""

    ratification = models.ForeignKey(
        Ratification,
        on_delete=models.CASCADE,
        related_name="statements",
        help_text="The participant's record under the treaty the statement concerns.",
    )
    kind = models.CharField(
        max_length=20, choices=StatementKind.choices, help_text="Kind of statement."
    )
    article_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text=(
            "The provisions concerned as the source writes them, e.g. '15(2)' or "
            "'15(2);6(3)(d);7(1)'; empty when general."
        ),
    )
    provisions = models.ManyToManyField(
        "provisions.Provision",
        blank=True,
        related_name="statements",
        help_text="The articles the statement concerns.",
    )
    made_on = models.DateField(
        null=True, blank=True, help_text="Date the statement was made, where the source states it."
    )
    occasion = models.CharField(
        max_length=20,
        choices=Occasion.choices,
        blank=True,
        help_text="When the statement was made (upon signature, ratification, ...).",
    )
    text = models.TextField(help_text="The text as the source gives it.")
    withdrawn_on = models.DateField(
        null=True, blank=True, help_text="Date the statement was withdrawn, if it was."
    )
    source_url = models.URLField(
        max_length=600, blank=True, help_text="Where the text was copied from."
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    modified_at = models.DateTimeField(auto_now=True, help_text="Last change to this record.")

    objects = StatementQuerySet.as_manager()
    history = TrackedHistory(m2m_fields=["provisions"])

    class Meta:
        ordering = ["ratification__treaty__position", "ratification__participant__name", "pk"]
        verbose_name = "statement"
        verbose_name_plural = "statements"
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(made_on__isnull=True)
                | Q(withdrawn_on__gte=models.F("made_on")),
                name="statement_withdrawn_after_made",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="statement_has_text"),
        ]
        indexes = [models.Index(fields=["modified_at"], name="statement_modified_idx")]

    def __str__(self):
        where = f" on art. {self.article_reference}" if self.article_reference else ""
        return f"{self.get_kind_display()} by {self.ratification.participant}{where}"

    def get_absolute_url(self):
        return self.ratification.get_absolute_url()

    def clean(self):
        if self.withdrawn_on and self.made_on and self.withdrawn_on < self.made_on:
            raise ValidationError({"withdrawn_on": "A statement is withdrawn after it is made."})


def parse_article_reference(reference):
    """'15(2);6(3)(d)' -> ['15', '6']: the article numbers a statement names."""
    numbers = []
    for part in (reference or "").split(";"):
        number = part.strip().split("(")[0].strip()
        if number and number not in numbers:
            numbers.append(number)
    return numbers
