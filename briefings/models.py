"""The article and everything derived from it.

``Briefing`` -> ``Section`` -> ``Paragraph`` hold the source text with stable anchors. Every
derived item (leaders, events, figures, actors, countries, concepts, takeaways, FAQ) cites the
paragraphs it comes from and says what kind of statement it is.
"""

import functools
import hashlib
import html
import json
from decimal import Decimal

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class StatementKind(models.TextChoices):
    FACT = "fact", _("Reported fact")
    ANALYSIS = "analysis", _("Author's analysis")
    CLAIM = "claim", _("Attributed claim")
    # Not from the article (general knowledge an editor adds for context): never cited, always
    # labelled, and left out of anything that asks what the article says.
    BACKGROUND = "background", _("Background, not from the article")


# The kinds that say what the article says: the options of a "which kind of statement?" question.
ARTICLE_KINDS = (StatementKind.FACT, StatementKind.ANALYSIS, StatementKind.CLAIM)
ARTICLE_KIND_CHOICES = [(kind.value, kind.label) for kind in ARTICLE_KINDS]


class Origin(models.TextChoices):
    ARTICLE = "article", _("Parsed from the article")
    PACK = "pack", _("Curated content pack")
    PROPOSED = "proposed", _("Proposed by the importer")
    EDITOR = "editor", _("Written by an editor")


def strip_markup(text):
    """Editor-entered text is plain text: drop every HTML tag, keep the words, decode entities.

    "Q&amp;A" is stored as "Q&A" and "20 < 25" stays as it is, but the result never holds a tag, not even
    one written with entities: "&lt;img src=x onerror=alert(1)&gt;" decodes to a tag, which is dropped
    in turn. Stripping repeats until nothing changes; what still changes after that many rounds (entities
    nested deeper than anyone types) loses its angle brackets.
    """
    if not text:
        return text
    for _round in range(10):
        # nh3 escapes the text it keeps; unescaping gives the plain text (escaped again when rendered).
        plain = html.unescape(nh3.clean(text, tags=set(), attributes={}, strip_comments=True))
        if plain == text:
            return plain
        text = plain
    return text.replace("<", "").replace(">", "")


def shorten(text, limit):
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis if cut."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def every_word_in(words, fields):
    """A condition: each of ``words`` appears, case-insensitively, in at least one of ``fields``."""
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


# The years any year field or year filter accepts, everywhere (models, admin, pages, API).
FIRST_YEAR = 1800
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def cached_reverse(viewname, *args):
    """``reverse(viewname, args=args)``, worked out once per URL configuration, script prefix and language.

    Lists build one link per item and citation (the reader: over a hundred), and reverse() is not
    cheap; its answer changes only with those three.
    """
    return _cached_reverse(viewname, args, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


@functools.lru_cache(maxsize=1024)
def _cached_reverse(viewname, args, urlconf, _prefix, _language):
    return reverse(viewname, urlconf=urlconf, args=args)


def shows_drafts(request):
    """Whether ``request`` may see drafts: only a signed-in staff editor's, and only when they ask.

    They ask with ``?status=draft``, on an item's page (a preview: "View on site" of a draft) or in
    the API. The one rule of who sees drafts, with ``visible()``; everyone else sees published content.
    """
    user = getattr(request, "user", None)
    return bool(
        request is not None
        and request.GET.get("status") == Status.DRAFT
        and user is not None
        and user.is_authenticated
        and user.is_staff
    )


class VisibleQuerySet(models.QuerySet):
    """Rows with a publication status, at ``status_field`` (their own, or their briefing's)."""

    status_field = "status"

    def published(self):
        return self.filter(**{self.status_field: Status.PUBLISHED})

    def drafts(self):
        return self.filter(**{self.status_field: Status.DRAFT})

    def visible(self, drafts=False):
        """What a reader may see: published rows; every row when ``drafts`` (see ``shows_drafts()``).

        Related rows are loaded through ``Prefetch(..., queryset=Model.objects.visible(drafts))``, so a
        draft never shows through another item either.
        """
        return self.all() if drafts else self.published()


class PublishableQuerySet(VisibleQuerySet):
    def publish(self):
        """Publish every draft in the queryset, recording history; returns how many changed."""
        return self._set_status(Status.PUBLISHED)

    def unpublish(self):
        return self._set_status(Status.DRAFT)

    def _set_status(self, status):
        from simple_history.utils import bulk_update_with_history

        rows = list(self.exclude(status=status))
        now = timezone.now()
        for row in rows:
            row.status, row.updated_at = status, now
        if rows:
            bulk_update_with_history(rows, self.model, ["status", "updated_at"], batch_size=500)
        return len(rows)


class BriefingQuerySet(PublishableQuerySet):
    def current(self, drafts=False):
        """The briefing the pages show: the visible one imported last (a staff preview may show a draft)."""
        return self.visible(drafts).order_by("-imported_at", "-pk").first()

    def with_first_section(self):
        """Annotate ``first_section_slug``: where reading by card starts (the first body section), or None."""
        first = Section.objects.filter(briefing=models.OuterRef("pk")).body().order_by("number").values("slug")[:1]
        return self.annotate(first_section_slug=models.Subquery(first))


def preview_url(url, item):
    """``url`` as is for a published ``item``; for a draft, its staff preview (``?status=draft``)."""
    if item.status == Status.PUBLISHED:
        return url
    path, hash_sign, fragment = url.partition("#")
    return f"{path}?status={Status.DRAFT}{hash_sign}{fragment}"


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Briefing(TimestampedModel):
    """One imported source document."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    standfirst = models.TextField(_("standfirst"), blank=True)
    # The article itself names none of these; editors fill them in when they know them.
    author = models.CharField(_("author"), max_length=200, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True, help_text=_("Where it was published."))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    full_text = models.TextField(_("full text"))
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    history = HistoricalRecords()

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        self.title, self.standfirst = strip_markup(self.title), strip_markup(self.standfirst)
        self.author, self.outlet = strip_markup(self.author), strip_markup(self.outlet)

    def names_its_origin(self):
        """Whether an editor has recorded the author, outlet or date (the article states none)."""
        return bool(self.author or self.outlet or self.published_on)

    def get_absolute_url(self):
        return preview_url(cached_reverse("briefings:briefing-detail"), self)


class SectionKind(models.TextChoices):
    STANDFIRST = "standfirst", _("Standfirst")
    BODY = "body", _("Body")
    FAQ = "faq", _("Frequently asked questions")
    SOURCES = "sources", _("Sources")


class SectionQuerySet(VisibleQuerySet):
    """A section is published when its briefing is."""

    status_field = "briefing__status"

    def body(self):
        return self.filter(kind=SectionKind.BODY)


class Section(TimestampedModel):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Position in the article, from 1."))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=SectionKind.choices, default=SectionKind.BODY)
    history = HistoricalRecords()

    objects = SectionQuerySet.as_manager()

    class Meta:
        # Not "briefing": that would order by the briefing's own ordering, joining it on every query.
        ordering = ["briefing_id", "number"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["briefing", "number"], name="section_unique_number"),
            models.UniqueConstraint(fields=["briefing", "slug"], name="section_unique_slug"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def clean(self):
        super().clean()
        self.title = strip_markup(self.title)

    def get_absolute_url(self):
        return cached_reverse("briefings:briefing-detail") + f"#{self.slug}"


class ParagraphQuerySet(VisibleQuerySet):
    """A paragraph is published when its briefing is. No default ordering: see ``in_article_order()``."""

    status_field = "section__briefing__status"

    def with_section(self):
        return self.select_related("section")

    def in_article_order(self):
        """With their sections, in the order the article reads (sections by number, then paragraphs)."""
        return self.select_related("section").order_by("section__briefing_id", "section__number", "number")

    def with_citing_count(self):
        """Annotate ``citing_count``: how many derived items, of every type, cite each paragraph."""
        total = models.Value(0)
        for model in derived_models():
            through = model.citations.through
            count = (
                through.objects.filter(paragraph_id=models.OuterRef("pk"))
                .order_by()
                .values("paragraph_id")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            total = total + Coalesce(models.Subquery(count), 0)
        return self.annotate(citing_count=total)


class Paragraph(TimestampedModel):
    """One paragraph of the article; ``anchor`` is stable across re-imports."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Position in its section, from 1."))
    anchor = models.SlugField(_("anchor"), max_length=140, unique=True)
    text = models.TextField(_("text"))
    imported_text = models.TextField(
        _("text as imported"),
        blank=True,
        editable=False,
        help_text=_("The text as the importer last wrote it; a difference means an editor corrected it."),
    )
    history = HistoricalRecords()

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        # No default ordering: ordering by the section's number would join the section on every query
        # (every citation prefetch); ``in_article_order()`` says the order where it matters.
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="paragraph_unique_number"),
        ]

    def __str__(self):
        return f"{self.section.title}, ¶{self.number}"

    def clean(self):
        super().clean()
        self.text = strip_markup(self.text)

    def citing_items(self):
        """Every derived item citing this paragraph: ``(model, [items])`` per type, one query per type."""
        return [(model, list(getattr(self, f"cited_by_{model._meta.model_name}").all())) for model in derived_models()]

    def is_corrected_since_import(self):
        return self.text != self.imported_text

    def get_absolute_url(self):
        """Where the paragraph is shown: the reader for body text, else the FAQ or Sources page."""
        page = {SectionKind.FAQ: "briefings:faq", SectionKind.SOURCES: "briefings:source-list"}.get(
            self.section.kind, "briefings:briefing-detail"
        )
        return cached_reverse(page) + f"#{self.anchor}"

    @property
    def label(self):
        """Human citation: "The Wagner Transition, paragraph 3"; the standfirst is "Standfirst"."""
        if self.section.kind == SectionKind.STANDFIRST:
            return SectionKind.STANDFIRST.label
        return _("%(section)s, paragraph %(number)s") % {
            "section": self.section.title,
            "number": self.number,
        }

    @property
    def excerpt(self):
        return shorten(self.text, 160)


def derived_models():
    """The concrete models derived from the article, in the order they are defined."""
    return [model for model in DerivedItem.__subclasses__() if not model._meta.abstract]


class DerivedQuerySet(PublishableQuerySet):
    def with_citations(self, drafts=False):
        """Prefetch the cited paragraphs a reader may see: those of published briefings (any, for ``drafts``)."""
        paragraphs = Paragraph.objects.visible(drafts).in_article_order()
        return self.prefetch_related(models.Prefetch("citations", queryset=paragraphs))

    def with_visible(self, *names, drafts=False):
        """Prefetch the relations ``names`` (to-one or to-many), keeping only the related rows a reader may see.

        A hidden related row is not there: a to-many relation leaves it out, a to-one one reads None.
        """
        lookups = []
        for name in names:
            related = self.model._meta.get_field(name).related_model
            lookups.append(models.Prefetch(name, queryset=related.objects.visible(drafts)))
        return self.prefetch_related(*lookups)

    def from_article(self):
        """Items that say what the article says: everything but background."""
        return self.exclude(kind=StatementKind.BACKGROUND)

    def background(self):
        return self.filter(kind=StatementKind.BACKGROUND)

    def containing(self, text, *fields):
        """Rows where every word of ``text`` appears (case-insensitively) in at least one of ``fields``."""
        return self.filter(every_word_in(text.split(), fields))


class DerivedItem(TimestampedModel):
    """Anything written from the article: cited, classified, publishable, tracked for re-import."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    kind = models.CharField(
        _("kind of statement"),
        max_length=10,
        choices=StatementKind.choices,
        default=StatementKind.FACT,
        db_index=True,
        help_text=_(
            "Reported fact, the author's analysis or judgment, a claim attributed to someone, "
            "or background that is not from the article (background cites nothing). "
            "The labelling rules are linked at the top of every admin page."
        ),
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Order in lists."))
    citations = models.ManyToManyField(
        Paragraph,
        related_name="cited_by_%(class)s",
        blank=True,
        verbose_name=_("cited paragraphs"),
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.EDITOR)
    import_fingerprint = models.CharField(
        _("import fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Fingerprint of the content as last imported; a difference means an editor changed it."),
    )

    objects = DerivedQuerySet.as_manager()

    # Text fields an editor types; stripped of markup in clean().
    text_fields: tuple[str, ...] = ()
    # Fields compared by the importer to tell an editor's change from an untouched import.
    fingerprint_fields: tuple[str, ...] = ()
    # Fields added to the fingerprint after content was first imported: counted only when set, so that
    # fingerprints stored before the field existed still match and a re-import does not take every item
    # for an editor's change.
    optional_fingerprint_fields: tuple[str, ...] = ()
    fingerprint_relations: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["position", "slug"]

    def clean(self):
        super().clean()
        errors = {}
        for name in self.text_fields:
            value = getattr(self, name)
            plain = strip_markup(value)
            setattr(self, name, plain)
            if value and value.strip() and not plain.strip() and not self._meta.get_field(name).blank:
                errors[name] = _("This holds only markup, which is removed: write it as plain text.")
        if errors:
            raise ValidationError(errors)

    def is_published(self):
        return self.status == Status.PUBLISHED

    def page_url(self):
        """Where the item is shown to students."""
        raise NotImplementedError

    def get_absolute_url(self):
        """The item's page; a draft's is its preview there, which only a staff editor can open."""
        return preview_url(self.page_url(), self)

    @property
    def is_from_article(self):
        return self.kind != StatementKind.BACKGROUND

    def content_fingerprint(self, relations=None):
        """SHA-256 of the imported fields; ``relations`` maps relation name to slugs/anchors.

        Without ``relations`` the current relations are read from the database.
        """
        data = {name: _jsonable(getattr(self, name)) for name in self.fingerprint_fields}
        for name in self.optional_fingerprint_fields:
            if getattr(self, name) not in (None, ""):
                data[name] = _jsonable(getattr(self, name))
        data["status"] = self.status
        data["kind"] = self.kind
        data["position"] = self.position
        for name in ("citations", *self.fingerprint_relations):
            if relations is not None:
                keys = relations.get(name, [])
            elif self.pk is None:
                keys = []
            elif name == "citations":
                keys = [p.anchor for p in self.citations.all()]
            else:
                keys = [obj.slug for obj in getattr(self, name).all()]
            data[name] = sorted(keys)
        payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def is_edited_since_import(self):
        return bool(self.import_fingerprint) and self.import_fingerprint != self.content_fingerprint()

    @property
    def primary_citation(self):
        cites = list(self.citations.all())
        return cites[0] if cites else None


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value.normalize())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return getattr(value, "slug", value.pk)
    return value


class CountryQuerySet(DerivedQuerySet):
    def in_timeline(self, drafts=False):
        """Countries that at least one visible event is about (published ones; every one when ``drafts``)."""
        through = TimelineEvent.countries.through.objects.all()
        if not drafts:
            through = through.filter(timelineevent__status=Status.PUBLISHED)
        return self.filter(models.Exists(through.filter(country=models.OuterRef("pk"))))

    def with_counts(self):
        """Annotate ``event_count``, ``figure_count`` and ``actor_count``: the published ones of each country."""

        def count(queryset, field):
            rows = queryset.filter(**{field: models.OuterRef("pk")}).order_by().values(field)
            return Coalesce(models.Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0)

        return self.annotate(
            event_count=count(TimelineEvent.objects.published(), "countries"),
            figure_count=count(KeyFigure.objects.published(), "country"),
            actor_count=count(Actor.objects.published(), "countries"),
        )


class Country(DerivedItem):
    name = models.CharField(_("name"), max_length=100, unique=True)
    regime = models.CharField(_("regime"), max_length=200, blank=True)
    coup_years = models.CharField(
        _("coup years"), max_length=50, blank=True, help_text=_("As the article gives them, e.g. 2020, 2021.")
    )
    summary = models.TextField(_("summary"))
    history = HistoricalRecords()

    objects = CountryQuerySet.as_manager()

    text_fields = ("name", "regime", "coup_years", "summary")
    fingerprint_fields = text_fields

    class Meta(DerivedItem.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def page_url(self):
        return cached_reverse("briefings:country-detail", self.slug)


class ActorType(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance or confederation")
    REGIONAL_BODY = "regional", _("Regional or continental body")
    STATE = "state", _("State")
    ARMED_FORCE = "force", _("Military force or operation")
    MERCENARY = "mercenary", _("Mercenary or paramilitary group")
    JIHADIST = "jihadist", _("Jihadist group")
    INTERNATIONAL = "international", _("International mission")
    RESEARCH = "research", _("Research or monitoring body")


# How deep groups may be nested (Africa Corps in the Russian Ministry of Defense in Russia is two levels).
PART_OF_DEPTH = 3


def part_of_chain(relation, value):
    """A condition: the actor reached by ``relation`` is ``value`` or part of it, directly or through groups.

    ``relation`` is the lookup that reaches an actor from the rows filtered ("actor" from a through table,
    "" for actors themselves); ``value`` is an actor, its pk, or an ``OuterRef``.
    """
    if not relation:
        value = getattr(value, "pk", value)
    condition = Q(**{relation or "pk": value})
    for depth in range(1, PART_OF_DEPTH + 1):
        condition |= Q(**{"__".join(filter(None, [relation, *["part_of"] * depth])): value})
    return condition


class ActorQuerySet(DerivedQuerySet):
    def by_shown_name(self):
        """Ordered as the reader sees them: by the short name where there is one, else the name."""
        shown = Coalesce(NullIf("short_name", models.Value("")), "name")
        return self.alias(shown_name_lower=Lower(shown)).order_by("shown_name_lower", "slug")

    def within(self, actor):
        """``actor`` and every group that is part of it, directly or through groups in between."""
        return self.filter(part_of_chain("", actor))

    def in_timeline(self, drafts=False):
        """Actors with a visible event of their own or of a group within them (see ``CountryQuerySet``)."""
        through = TimelineEvent.actors.through.objects.all()
        if not drafts:
            through = through.filter(timelineevent__status=Status.PUBLISHED)
        return self.filter(models.Exists(through.filter(part_of_chain("actor", models.OuterRef("pk")))))


class Actor(DerivedItem):
    name = models.CharField(_("name"), max_length=150, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    actor_type = models.CharField(_("type"), max_length=15, choices=ActorType.choices)
    summary = models.TextField(_("summary"))
    countries = models.ManyToManyField(Country, blank=True, related_name="actors", verbose_name=_("countries"))
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
        help_text=_(
            "The group this one belongs to, as the article presents it (Wagner is Russia's). "
            "The timeline's filter for the larger group also finds this one's events."
        ),
    )
    history = HistoricalRecords(m2m_fields=[countries])

    objects = ActorQuerySet.as_manager()

    text_fields = ("name", "short_name", "summary")
    fingerprint_fields = (*text_fields, "actor_type")
    optional_fingerprint_fields = ("part_of",)
    fingerprint_relations = ("countries",)

    class Meta(DerivedItem.Meta):
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.CheckConstraint(condition=~Q(part_of=models.F("pk")), name="actor_not_part_of_itself"),
        ]

    def __str__(self):
        return self.name

    @property
    def shown_name(self):
        return self.short_name or self.name

    def clean(self):
        super().clean()
        if self.part_of_id is None:
            return
        ancestors, group = [], self.part_of
        while group is not None:
            if group.pk == self.pk or group.pk in ancestors:
                raise ValidationError(
                    {
                        "part_of": _("“%(group)s” is already part of this actor; a group cannot contain itself.")
                        % {"group": self.part_of}
                    }
                )
            ancestors.append(group.pk)
            group = group.part_of
        if len(ancestors) + self._nesting_below() > PART_OF_DEPTH:
            raise ValidationError(
                {"part_of": _("Groups can be nested at most %(depth)s levels deep.") % {"depth": PART_OF_DEPTH}}
            )

    def _nesting_below(self):
        """How many levels of groups are part of this one (0 when none)."""
        if self.pk is None:
            return 0
        levels, current = 0, [self.pk]
        while current and levels <= PART_OF_DEPTH:
            current = list(Actor.objects.filter(part_of__in=current).values_list("pk", flat=True))
            levels += bool(current)
        return levels

    def page_url(self):
        return cached_reverse("briefings:actor-detail", self.slug)


class LeaderRole(models.TextChoices):
    HEAD_OF_STATE = "head", _("Head of state")
    RELATED = "related", _("Related figure")


# Heads of state first, then the people set beside them: said outright, not left to how the codes sort.
LEADER_ORDERING = [
    models.Case(
        models.When(role=LeaderRole.HEAD_OF_STATE, then=0), default=1, output_field=models.IntegerField()
    ).asc(),
    "position",
    "slug",
]


class LeaderQuerySet(DerivedQuerySet):
    def heads_of_state(self):
        return self.filter(role=LeaderRole.HEAD_OF_STATE)

    def heads_first(self):
        """Heads of state first, then the people set beside them; each by position, then slug.

        Not a ``Meta.ordering``: Django cannot carry a conditional ordering across a relation (the
        history of ``related`` orders by it), so the pages and the API ask for it here.
        """
        return self.order_by(*LEADER_ORDERING)


class Leader(DerivedItem):
    """A head of state, or a person the article sets beside them.

    Profile fields carry their own kind: rank, country, office, path to power and background
    are reported facts; the outlook is the author's analysis; the key quote is an attributed claim.
    ``kind`` classifies the summary.
    """

    FIELD_KINDS = {
        "path_to_power": StatementKind.FACT,
        "background": StatementKind.FACT,
        "outlook": StatementKind.ANALYSIS,
        "key_quote": StatementKind.CLAIM,
    }

    name = models.CharField(_("name"), max_length=150, unique=True)
    rank = models.CharField(_("rank or title"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=LeaderRole.choices, default=LeaderRole.HEAD_OF_STATE)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="leaders", verbose_name=_("country")
    )
    office = models.CharField(_("office"), max_length=200, blank=True, help_text=_("The post they hold or held."))
    path_to_power = models.TextField(_("how they came to power"), blank=True)
    power_year = models.PositiveSmallIntegerField(
        _("year they came to power"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    background = models.TextField(_("background"), blank=True)
    outlook = models.TextField(_("outlook toward Russia and the West"), blank=True)
    key_quote = models.TextField(
        _("key quote"), blank=True, help_text=_("Only words the article puts in quotation marks.")
    )
    summary = models.TextField(_("summary"))
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("related people"))
    history = HistoricalRecords(m2m_fields=[related])

    objects = LeaderQuerySet.as_manager()

    text_fields = ("name", "rank", "office", "path_to_power", "background", "outlook", "key_quote", "summary")
    fingerprint_fields = (*text_fields, "role", "power_year", "country")
    fingerprint_relations = ("related",)

    class Meta(DerivedItem.Meta):
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")

    # Slugs that the leaders' URLs use for pages of their own.
    RESERVED_SLUGS = frozenset({"compare"})

    def __str__(self):
        return f"{self.rank} {self.name}".strip()

    def clean(self):
        super().clean()
        if self.slug in self.RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is the address of another page; choose another slug.") % {"slug": self.slug}}
            )

    def page_url(self):
        return cached_reverse("briefings:leader-detail", self.slug)

    @classmethod
    def kinded_fields(cls):
        """The profile's fields that carry a fixed kind, in reading order: name, label, kind and its label.

        The one description of them that the profile, the comparison and the API all render.
        """
        return [
            {
                "name": name,
                "label": cls._meta.get_field(name).verbose_name,
                "kind": kind.value,
                "kind_label": kind.label,
            }
            for name, kind in cls.FIELD_KINDS.items()
        ]

    def profile_fields(self):
        """``kinded_fields()`` with this leader's value of each."""
        return [{**field, "value": getattr(self, field["name"])} for field in self.kinded_fields()]


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def format_partial_date(value, precision):
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


class TimelineEventQuerySet(DerivedQuerySet):
    def chronological(self):
        return self.order_by("date", "position", "slug")

    def in_years(self, year_from=None, year_to=None):
        """Events that overlap the year range (spans count for every year they cover)."""
        qs = self
        if year_from is not None:
            qs = qs.filter(Q(date__year__gte=year_from) | Q(end_date__year__gte=year_from))
        if year_to is not None:
            qs = qs.filter(date__year__lte=year_to)
        return qs

    def about(self, country):
        """Events about ``country``: the one place that says what a country filter matches."""
        return self.filter(
            pk__in=TimelineEvent.countries.through.objects.filter(country=country).values("timelineevent")
        )

    def involving(self, actor):
        """Events involving ``actor`` or a group within it (Russia: also Wagner's and Africa Corps').

        The one place that says what an actor filter matches.
        """
        through = TimelineEvent.actors.through.objects.filter(actor__in=Actor.objects.within(actor))
        return self.filter(pk__in=through.values("timelineevent"))

    def matching(self, *, country=None, actor=None, year_from=None, year_to=None):
        """The timeline's filters: events about ``country``, involving ``actor``, overlapping the years."""
        qs = self.in_years(year_from, year_to)
        if country is not None:
            qs = qs.about(country)
        if actor is not None:
            qs = qs.involving(actor)
        return qs


class TimelineEvent(DerivedItem):
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), help_text=_("For a year or month, its first day."))
    precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("end date"), null=True, blank=True, help_text=_("Only for spans."))
    end_precision = models.CharField(
        _("end date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    summary = models.TextField(_("summary"))
    countries = models.ManyToManyField(Country, blank=True, related_name="events", verbose_name=_("countries"))
    actors = models.ManyToManyField(Actor, blank=True, related_name="events", verbose_name=_("actors"))
    history = HistoricalRecords(m2m_fields=[countries, actors])

    objects = TimelineEventQuerySet.as_manager()

    text_fields = ("title", "summary")
    fingerprint_fields = (*text_fields, "date", "precision", "end_date", "end_precision")
    fingerprint_relations = ("countries", "actors")

    class Meta(DerivedItem.Meta):
        ordering = ["date", "position", "slug"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="timelineevent_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.date_label}: {self.title}"

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def is_span(self):
        return self.end_date is not None

    @property
    def date_label(self):
        start = format_partial_date(self.date, self.precision)
        if self.end_date:
            return f"{start}–{format_partial_date(self.end_date, self.end_precision)}"
        return start

    def page_url(self):
        return cached_reverse("briefings:timeline") + f"#{self.slug}"


def format_number(value):
    """1486 -> "1,486"; 2500000000 -> "2.5 billion"; 17.0 -> "17"."""
    if value is None:
        return ""
    value = Decimal(value)
    for size, word in ((Decimal(10**9), _("billion")), (Decimal(10**6), _("million"))):
        if abs(value) >= size:
            scaled = (value / size).normalize()
            return f"{scaled:f} {word}"
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}"
    return f"{normal:f}"


class KeyFigure(DerivedItem):
    label = models.CharField(_("what it counts"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    value_high = models.DecimalField(
        _("upper value"), max_digits=20, decimal_places=4, null=True, blank=True, help_text=_("For a range, its top.")
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_('"%", "USD", "troops", "people"...'))
    qualifier = models.CharField(
        _("qualifier"), max_length=40, blank=True, help_text=_('"about", "at least", "perhaps"...')
    )
    context = models.TextField(_("context"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="figures", verbose_name=_("country")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="figures", verbose_name=_("actor")
    )
    history = HistoricalRecords()

    text_fields = ("label", "unit", "qualifier", "context")
    fingerprint_fields = (*text_fields, "value", "value_high", "year", "country", "actor")

    class Meta(DerivedItem.Meta):
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(value_high__isnull=True) | Q(value_high__gte=models.F("value")),
                name="keyfigure_range_ordered",
            )
        ]

    def __str__(self):
        return f"{self.display_value} — {self.label}"

    def clean(self):
        super().clean()
        if self.value_high is not None and self.value is not None and self.value_high < self.value:
            raise ValidationError({"value_high": _("The upper value must not be below the value.")})

    @property
    def display_value(self):
        number = format_number(self.value)
        if self.value_high is not None:
            number = f"{number}–{format_number(self.value_high)}"
        if self.unit == "%":
            number = f"{number}%"
        elif self.unit == "USD":
            number = f"${number}"
        elif self.unit:
            number = f"{number} {self.unit}"
        return f"{self.qualifier} {number}".strip()

    def page_url(self):
        return cached_reverse("briefings:figure-list") + f"#{self.slug}"


class Concept(DerivedItem):
    term = models.CharField(_("term"), max_length=120, unique=True)
    definition = models.TextField(_("definition"))
    in_the_article = models.TextField(_("how the article uses it"), blank=True)
    history = HistoricalRecords()

    text_fields = ("term", "definition", "in_the_article")
    fingerprint_fields = text_fields

    class Meta(DerivedItem.Meta):
        ordering = ["term"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self):
        return self.term

    def clean(self):
        super().clean()
        if self.kind == StatementKind.BACKGROUND and self.in_the_article:
            raise ValidationError(
                {"in_the_article": _("Background is not from the article: leave “how the article uses it” empty.")}
            )

    def page_url(self):
        return cached_reverse("briefings:concept-list") + f"#{self.slug}"


class Takeaway(DerivedItem):
    """A key takeaway of one section, in our own words."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="takeaways", verbose_name=_("section"))
    text = models.TextField(_("text"))
    history = HistoricalRecords()

    text_fields = ("text",)
    fingerprint_fields = (*text_fields, "section")

    class Meta(DerivedItem.Meta):
        # Not "section__number", which joins the section on every query: sections are made by the
        # importer in article order and editors cannot add any, so their ids follow the article.
        ordering = ["section_id", "position", "slug"]
        verbose_name = _("takeaway")
        verbose_name_plural = _("takeaways")

    def __str__(self):
        return self.text[:80]

    def page_url(self):
        return self.section.get_absolute_url()


class FaqEntry(DerivedItem):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    history = HistoricalRecords()

    text_fields = ("question", "answer")
    fingerprint_fields = text_fields

    class Meta(DerivedItem.Meta):
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self):
        return self.question

    def page_url(self):
        return cached_reverse("briefings:faq") + f"#{self.slug}"


class SourceReference(DerivedItem):
    """An entry of the article's "Sources & Further Reading"."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it covers"), blank=True)
    url = models.URLField(_("link"), blank=True)
    history = HistoricalRecords()

    text_fields = ("title", "description")
    fingerprint_fields = (*text_fields, "url")

    class Meta(DerivedItem.Meta):
        verbose_name = _("source reference")
        verbose_name_plural = _("source references")

    def __str__(self):
        return self.title

    def page_url(self):
        return cached_reverse("briefings:source-list") + f"#{self.slug}"
