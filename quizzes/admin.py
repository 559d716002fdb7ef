"""The editors' question bank: options inline, sources and review flags, a student's-eye preview.

Status is not edited in the form: questions are published with the "Publish selected" action,
which runs ``quizzes.actions.publish_questions`` (every rule checked, review flags closed), and
sent back to draft with "Unpublish selected"; both record history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.widgets import AdminIntegerFieldWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from briefings.models import Paragraph, Section

from .actions import generate_questions, publish_questions
from .analysis import FLAG_EXPLANATIONS, Flag, analyse, question_flags
from .forecast import class_leeches, classes_students
from .models import (
    AnswerOption,
    Attempt,
    AttemptQuestion,
    Cohort,
    CohortMembership,
    CohortTrainer,
    Question,
    QuestionSource,
    QuestionStatus,
    QuestionType,
    Quiz,
    QuizQuestion,
    QuizRule,
    ReviewFlag,
    ReviewMoment,
)


class LabelledRowsFormSet(forms.BaseInlineFormSet):
    """A tabular inline has no <label> per box: each is named by its column and its row ("Marks, question 2")."""

    row_label = _("%(field)s, row %(number)s")
    new_row_label = _("%(field)s, new row")

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if index is None:
                label = self.new_row_label % {"field": field.label}
            else:
                label = self.row_label % {"field": field.label, "number": index + 1}
            # The admin wraps a relation's widget (add and change links): the box is the inner one.
            getattr(field.widget, "widget", field.widget).attrs["aria-label"] = label


class AnswerOptionFormSet(LabelledRowsFormSet):
    """The options as submitted must fit the question's type (``Question.option_errors``)."""

    row_label = _("%(field)s, option %(number)s")
    new_row_label = _("%(field)s, new option")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        options = []
        for form in self.forms:
            if not getattr(form, "cleaned_data", None):
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            options.append(form.instance)
        errors = self.instance.option_errors(options)
        if errors:
            raise ValidationError(errors)


class AnswerOptionForm(forms.ModelForm):
    """An option's row; its boxes are named in ``AnswerOptionFormSet.add_fields``."""

    class Meta:
        model = AnswerOption
        fields = ("position", "text", "match", "kind", "is_correct", "feedback")
        widgets = {"feedback": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class AnswerOptionInline(admin.TabularInline):
    model = AnswerOption
    form = AnswerOptionForm
    formset = AnswerOptionFormSet
    fields = ("position", "text", "match", "kind", "is_correct", "feedback")
    extra = 0


class QuestionSourceInline(admin.StackedInline):
    model = QuestionSource
    fields = (*QuestionSource.ITEM_FIELDS.values(), "changed_since")
    readonly_fields = ("changed_since",)
    autocomplete_fields = tuple(QuestionSource.ITEM_FIELDS.values())
    extra = 0
    verbose_name = _("content item it is made from")
    verbose_name_plural = _("content items it is made from")

    @admin.display(description=_("changed since the question was published"))
    def changed_since(self, obj):
        if obj.pk is None:
            return "—"
        return _("Yes: check the question against it.") if obj.is_stale() else _("No")


class ReviewFlagInline(admin.TabularInline):
    model = ReviewFlag
    fields = ("reason", "paragraph", "created_at", "resolved_at", "resolved_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("why it needs review")
    verbose_name_plural = _("why it needs review")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paragraph__section", "resolved_by")


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = (
            "qtype",
            "prompt",
            "statement",
            "explanation",
            "topic",
            "kind",
            "difficulty",
            "numeric_answer",
            "tolerance",
            "unit",
            "sections",
            "citations",
        )
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3}),
            "statement": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        if "citations" in cleaned and "qtype" in cleaned:
            probe = Question(qtype=cleaned["qtype"], status=self.instance.status)
            for message in probe.citation_errors(list(cleaned["citations"])):
                self.add_error("citations", message)
        return cleaned


class OpenFlagFilter(admin.SimpleListFilter):
    title = _("review flags")
    parameter_name = "flags"

    def lookups(self, request, model_admin):
        return (("open", _("Open flags")), ("none", _("No open flag")))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_flag_count__gt=0)
        if self.value() == "none":
            return queryset.filter(open_flag_count=0)
        return queryset


def item_flags(request):
    """What the item analyses of every quiz (first attempts) flag, by question: computed once per request."""
    if not hasattr(request, "_item_flags"):
        request._item_flags = question_flags(Attempt.objects.all())
    return request._item_flags


class ItemFlagFilter(admin.SimpleListFilter):
    """Questions by what the item analysis of a quiz they are in flags (over all quizzes' first attempts)."""

    title = _("item analysis")
    parameter_name = "item_flag"

    def lookups(self, request, model_admin):
        return (("any", _("Any flag")), *Flag.choices, ("none", _("No flag")))

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        flags = item_flags(request)
        if value == "none":
            return queryset.exclude(pk__in=list(flags))
        if value == "any":
            return queryset.filter(pk__in=list(flags))
        return queryset.filter(pk__in=[pk for pk, found in flags.items() if value in found])


def class_leech_flags(request):
    """``{question id: ClassLeech}``: the cards at least two students of the classes keep failing (all classes'
    students together, every question): computed once per request, a fixed number of queries."""
    if not hasattr(request, "_class_leeches"):
        found = class_leeches(classes_students(), questions=False, usable_only=False)
        request._class_leeches = {leech.question: leech for leech in found}
    return request._class_leeches


class ClassLeechFilter(admin.SimpleListFilter):
    """Questions many students of the classes keep failing: possibly a content problem."""

    title = _("class leeches")
    parameter_name = "class_leech"

    def lookups(self, request, model_admin):
        return (("yes", _("Failed by many students")), ("no", _("Not a class leech")))

    def queryset(self, request, queryset):
        value = self.value()
        if value not in ("yes", "no"):
            return queryset
        flagged = list(class_leech_flags(request))
        return queryset.filter(pk__in=flagged) if value == "yes" else queryset.exclude(pk__in=flagged)


@admin.action(permissions=["change"], description=_("Publish selected questions"))
def publish_selected(modeladmin, request, queryset):
    result = publish_questions(questions=queryset, user=request.user)
    count = len(result.published)
    modeladmin.message_user(
        request,
        ngettext(
            "Published %(count)d %(items)s; %(already)d already published.",
            "Published %(count)d %(items)s; %(already)d already published.",
            count,
        )
        % {"count": count, "items": model_ngettext(modeladmin.opts, count), "already": len(result.already_published)},
    )
    for question, errors in result.refused.items():
        modeladmin.message_user(
            request,
            _("Not published: “%(question)s”: %(errors)s") % {"question": question, "errors": " ".join(errors)},
            level=messages.WARNING,
        )


@admin.action(permissions=["change"], description=_("Unpublish selected questions"))
def unpublish_selected(modeladmin, request, queryset):
    selected = queryset.count()
    changed = queryset.unpublish()
    modeladmin.message_user(
        request,
        ngettext(
            "Unpublished %(count)d %(items)s; %(unchanged)d were not published.",
            "Unpublished %(count)d %(items)s; %(unchanged)d were not published.",
            changed,
        )
        % {"count": changed, "items": model_ngettext(modeladmin.opts, changed), "unchanged": selected - changed},
    )


def has_generate_questions_permission(request):
    """Generating writes questions: it takes the right to add them (and to change those it regenerates)."""
    return request.user.has_perms(["quizzes.add_question", "quizzes.change_question"])


def _report_generation(modeladmin, request, report):
    if not report.specs:
        modeladmin.message_user(request, _("No question is made from the selected items."), level=messages.WARNING)
        return
    modeladmin.message_user(request, _("Questions: %(summary)s") % {"summary": report.summary()})
    for line in report.lines():
        modeladmin.message_user(request, line, level=messages.WARNING)


@admin.action(permissions=["generate_questions"], description=_("Generate questions from the selected items"))
def generate_questions_from_items(modeladmin, request, queryset):
    """On a content item list (registered by ``briefings.admin.DerivedAdmin``): new questions are drafts."""
    report = generate_questions(items=list(queryset.prefetch_related(None)), user=request.user)
    _report_generation(modeladmin, request, report)


@admin.action(
    permissions=["generate_questions"], description=_("Generate questions again from the selected questions' items")
)
def generate_from_question_items(modeladmin, request, queryset):
    """Regenerate what the selected questions are made from (an editor's changes are kept), and add what is new."""
    sources = QuestionSource.objects.filter(question__in=queryset).select_related(*QuestionSource.ITEM_FIELDS.values())
    items = {(type(source.item), source.item.pk): source.item for source in sources}
    report = generate_questions(items=list(items.values()), user=request.user)
    _report_generation(modeladmin, request, report)


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    # The history table in whole words, without simple_history's inline style (which the CSP refuses).
    object_history_list_template = "admin/history_list.html"
    form = QuestionAdminForm
    list_display = (
        "__str__",
        "qtype",
        "topic",
        "kind",
        "difficulty",
        "status",
        "open_flags",
        "analysis_flags",
        "class_leech",
    )
    list_filter = (
        "status",
        "qtype",
        "topic",
        "kind",
        "difficulty",
        "sections",
        OpenFlagFilter,
        ItemFlagFilter,
        ClassLeechFilter,
    )
    search_fields = ("prompt", "statement", "explanation", "options__text", "=citations__anchor")
    actions = [publish_selected, unpublish_selected, generate_from_question_items]
    autocomplete_fields = ("sections", "citations")
    readonly_fields = (
        "status",
        "open_flags",
        "cited_paragraphs",
        "item_statistics",
        "preview",
        "created_at",
        "updated_at",
    )
    inlines = [AnswerOptionInline, QuestionSourceInline, ReviewFlagInline]
    fieldsets = (
        (None, {"fields": ("qtype", "prompt", "statement", "explanation", "topic", "kind", "difficulty", "status")}),
        (_("Numeric answer"), {"fields": ("numeric_answer", "tolerance", "unit"), "classes": ("collapse",)}),
        (_("Source in the article"), {"fields": ("sections", "citations", "cited_paragraphs", "item_statistics")}),
        (_("As a student sees it"), {"fields": ("preview",)}),
        (_("Record"), {"fields": ("open_flags", "created_at", "updated_at")}),
    )

    def has_generate_questions_permission(self, request):
        return has_generate_questions_permission(request)

    def get_changelist_instance(self, request):
        # PostgreSQL cannot compare text with a NUL character: a search or filter holding one would be
        # a database error (500). Django answers IncorrectLookupParameters with the unfiltered list.
        if any("\x00" in part for key, values in request.GET.lists() for part in (key, *values)):
            raise IncorrectLookupParameters(_("A filter or search contained a NUL character."))
        changelist = super().get_changelist_instance(request)
        flags, leeches = item_flags(request), class_leech_flags(request)
        for question in changelist.result_list:
            question.item_flags = flags.get(question.pk, {})
            question.class_leech_found = leeches.get(question.pk)
        return changelist

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_flag_count=Count("review_flags", filter=Q(review_flags__resolved_at__isnull=True)))
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "citations":
            kwargs["queryset"] = Paragraph.objects.select_related("section")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is QuestionSource:
            # A new or changed source starts from the item as it is now.
            for source_form in formset.forms:
                instance = source_form.instance
                if source_form.has_changed() and instance.item is not None:
                    instance.item_fingerprint = instance.item.content_fingerprint()
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("open review flags"), ordering="open_flag_count")
    def open_flags(self, obj):
        return getattr(obj, "open_flag_count", None) if obj.pk else 0

    @admin.display(description=_("item analysis flags"))
    def analysis_flags(self, obj):
        found = getattr(obj, "item_flags", {})
        if not found:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{} ({})",
            ((Flag(flag).label, ", ".join(quizzes)) for flag, quizzes in found.items()),
        )

    @admin.display(description=_("class leech"))
    def class_leech(self, obj):
        """How many students of the classes keep failing the card, and the share of Again in their reviews of it."""
        found = getattr(obj, "class_leech_found", None)
        if found is None:
            return "—"
        return ngettext(
            "%(students)d student, %(again)s Again", "%(students)d students, %(again)s Again", found.students
        ) % {"students": found.students, "again": f"{(found.again_share or 0) * 100:.0f}%"}

    @admin.display(description=_("item analysis, per quiz"))
    def item_statistics(self, obj):
        """The question's statistics in each quiz it was in, over first attempts (a fixed number of queries)."""
        if obj.pk is None:
            return _("Statistics appear once students have taken a quiz with this question.")
        quizzes = AttemptQuestion.objects.filter(question=obj).values("attempt__quiz")
        rows = []
        for analysis in analyse(Attempt.objects.filter(quiz__in=quizzes)).values():
            for row in analysis.questions:
                if row.question.pk == obj.pk:
                    explained = [FLAG_EXPLANATIONS[flag] for flag in row.flags]
                    rows.append({"quiz": analysis.quiz, "row": row, "explained": explained})
        rows.sort(key=lambda found: found["quiz"].title)
        return format_html("{}", render_to_string("quizzes/includes/_item_statistics.html", {"rows": rows}))

    @admin.display(description=_("text of the cited paragraphs"))
    def cited_paragraphs(self, obj):
        if obj.pk is None:
            return _("Choose the paragraphs above; their text appears here once saved.")
        paragraphs = list(obj.citations.select_related("section"))
        if not paragraphs:
            return _("No paragraph cited yet.")
        return format_html_join(
            "",
            '<blockquote><p><strong><a href="{}">{}</a></strong> · <a href="{}">{}</a></p><p>{}</p></blockquote>',
            (
                (
                    paragraph.get_absolute_url(),
                    paragraph.label,
                    reverse("admin:briefings_paragraph_change", args=[paragraph.pk]),
                    _("correct the text"),
                    paragraph.text,
                )
                for paragraph in paragraphs
            ),
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj.pk is None:
            return _("Save the question to see it as a student will.")
        question = Question.objects.with_answer_key().get(pk=obj.pk)
        return format_html("{}", render_to_string("quizzes/includes/_question_preview.html", preview_context(question)))


def preview_context(question):
    """What the preview template shows: the question as asked, then what a student sees after answering."""
    options = list(question.options.all())
    context = {"question": question, "options": options, "types": QuestionType}
    if question.qtype == QuestionType.ORDERING:
        # Students get the items shuffled; the preview lists them alphabetically, never in the right order.
        context["shuffled"] = sorted(options, key=lambda option: (option.text.casefold(), option.pk))
        context["right_order"] = sorted(options, key=lambda option: (option.position, option.pk))
    if question.qtype == QuestionType.MATCHING:
        context["stems"] = [option for option in options if option.text]
        context["matches"] = sorted(question.matches(), key=str.casefold)
    if question.qtype == QuestionType.STATEMENT_KIND:
        citations = list(question.citations.all())
        context["paragraph"] = citations[0] if citations else None
    context["wrong_with_feedback"] = [option for option in options if not option.is_correct and option.feedback]
    context["is_draft"] = question.status != QuestionStatus.PUBLISHED
    return context


# -- Quizzes and attempts ----------------------------------------------------------------------------


class QuizQuestionFormSet(LabelledRowsFormSet):
    row_label = _("%(field)s, question %(number)s")
    new_row_label = _("%(field)s, new question")


class QuizRuleFormSet(LabelledRowsFormSet):
    row_label = _("%(field)s, rule %(number)s")
    new_row_label = _("%(field)s, new rule")


# Marks are short numbers: boxes as narrow as the admin's integer boxes, so the inlines fit the page.
NARROW_NUMBERS = {models.DecimalField: {"widget": AdminIntegerFieldWidget}}


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    formset = QuizQuestionFormSet
    formfield_overrides = NARROW_NUMBERS
    extra = 0
    autocomplete_fields = ("question",)
    fields = ("position", "question", "marks")
    verbose_name = _("question of the fixed list")
    verbose_name_plural = _("fixed list: these questions in every attempt (published ones only)")


class QuizRuleInline(admin.TabularInline):
    model = QuizRule
    formset = QuizRuleFormSet
    formfield_overrides = NARROW_NUMBERS
    extra = 0
    fields = ("position", "count", "topic", "section", "qtype", "marks")
    verbose_name = _("draw rule")
    verbose_name_plural = _("draw rules: each attempt draws this many published questions of a topic, section or type")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name != "section":
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        # The article's sections, in its order; no add, change or delete links (the importer makes them).
        return db_field.formfield(queryset=Section.objects.order_by("briefing_id", "number"))


REVIEW_FIELDS = tuple(
    f"review_{moment}_{what}" for moment in ReviewMoment.values for what in ("score", "answer", "feedback")
)


class AvailabilityFilter(admin.SimpleListFilter):
    """Open now (published, within its dates), not open yet, closed: by ``QuizQuerySet``'s rules."""

    title = _("availability")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return (
            ("open", _("Open now (published)")),
            ("not_yet", _("Not open yet")),
            ("closed", _("Closed")),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "open":
            return queryset.open_at(now)
        if self.value() == "not_yet":
            return queryset.not_open_yet_at(now)
        if self.value() == "closed":
            return queryset.closed_at(now)
        return queryset


class QuizAdminForm(forms.ModelForm):
    """The opening and closing times are two boxes each, which the field's one <label> names neither of."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            field = self.fields.get(name)
            boxes = getattr(field.widget, "widgets", None) if field is not None else None
            if boxes and len(boxes) == 2:
                boxes[0].attrs["aria-label"] = _("%(field)s: date") % {"field": field.label}
                boxes[1].attrs["aria-label"] = _("%(field)s: time") % {"field": field.label}


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    form = QuizAdminForm
    list_display = ("title", "status", "availability", "question_count", "attempts_allowed", "certainty_based")
    list_filter = ("status", AvailabilityFilter, "feedback_mode", "navigation", "certainty_based")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("draw_preview", "shipped")
    inlines = [QuizQuestionInline, QuizRuleInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "status", "shipped")}),
        (_("Timing"), {"fields": ("opens_at", "closes_at", "time_limit", "timeout_action", "grace_period")}),
        (_("Grade"), {"fields": ("attempts_allowed", "grading_method", "pass_mark", "certainty_based")}),
        (
            _("Layout and feedback"),
            {"fields": ("shuffle_questions", "shuffle_options", "navigation", "feedback_mode", "allow_retry")},
        ),
        (
            _("What the review shows, when"),
            {
                "fields": tuple(REVIEW_FIELDS[index : index + 3] for index in range(0, len(REVIEW_FIELDS), 3)),
                "description": _(
                    "During the attempt (immediate feedback only), right after it (two minutes), later while "
                    "the quiz is open, after it closes: the score, the right answer, the feedback."
                ),
            },
        ),
        (_("What an attempt may draw"), {"fields": ("draw_preview",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_question_counts()

    @admin.display(description=_("open now"))
    def availability(self, obj):
        now = timezone.now()
        if not obj.is_published():
            return _("No: a draft")
        if obj.opens_at is not None and now < obj.opens_at:
            return _("Not yet")
        if obj.closes_at is not None and now >= obj.closes_at:
            return _("Closed")
        return _("Yes")

    @admin.display(description=_("questions per attempt (at most)"), ordering="fixed_count")
    def question_count(self, obj):
        return obj.question_count

    @admin.display(description=_("shipped with Sahel Learn"))
    def shipped(self, obj):
        if obj.pk is None or obj.import_key is None:
            return _("No: made by an editor.")
        if obj.is_edited_since_import():
            return _("Yes, as “%(key)s”, and changed here since: a re-import leaves it as it is.") % {
                "key": obj.import_key
            }
        return _(
            "Yes, as “%(key)s” (quizzes/content/quizzes.yaml). Once you change it here, a re-import leaves it as it is."
        ) % {"key": obj.import_key}

    @admin.display(description=_("questions an attempt may draw"))
    def draw_preview(self, obj):
        if obj.pk is None:
            return _("Save the quiz to see the questions its attempts may draw.")
        pool = obj.draw_pool()
        left_out = obj.quiz_questions.exclude(question__in=Question.objects.usable()).count()
        rules = [
            {"rule": rule, "candidates": candidates, "draws": min(rule.count, len(candidates))}
            for rule, candidates in pool.rules
        ]
        context = {"quiz": obj, "pool": pool, "rules": rules, "left_out": left_out, "most": pool.most_questions()}
        return format_html("{}", render_to_string("quizzes/includes/_quiz_draw_preview.html", context))


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    fields = ("position", "question", "marks", "flagged")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Attempts are read here, never edited: they change only through the quiz workflows."""

    list_display = ("quiz", "user", "number", "state", "started_at", "submitted_at", "score", "max_score")
    list_filter = ("state", "quiz")
    search_fields = ("user__username", "quiz__title")
    list_select_related = ("quiz", "user")
    inlines = [AttemptQuestionInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Attempt._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# -- classes ----------------------------------------------------------------------------------------


class CohortMembershipInline(admin.TabularInline):
    model = CohortMembership
    extra = 0
    fields = ("student", "joined_at")
    raw_id_fields = ("student",)


class CohortTrainerInline(admin.TabularInline):
    model = CohortTrainer
    extra = 0
    fields = ("trainer", "is_owner", "added_at")
    raw_id_fields = ("trainer",)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Classes are made and run by their trainers on the site; here they can be looked into and corrected."""

    list_display = ("name", "term", "join_code", "joining_open", "student_count", "created_at")
    list_filter = ("joining_open",)
    search_fields = ("name", "term", "join_code", "trainers__username")
    readonly_fields = ("join_code", "created_by", "created_at")
    inlines = [CohortTrainerInline, CohortMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_student_counts()

    @admin.display(description=_("students"), ordering="student_count")
    def student_count(self, obj):
        return obj.student_count
