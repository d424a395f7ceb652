from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Specialist, Specialty

WORDS_PER_MINUTE = 220
# What an article card shows (content/_article_card.html): not the body, its HTML or its
# evidence, which are most of an article's bytes.
CARD_FIELDS = ("slug", "title", "summary", "word_count", "author_name", "author__name")


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.PUBLISHED)

    def for_cards(self) -> "ArticleQuerySet":
        return self.select_related("author").only(*CARD_FIELDS)


class Article(models.Model):
    """An article written by a specialist (or imported with the author's name as text)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(_("body (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # What the text is about, read when it changes (content.evidence), for linking.
    evidence = models.JSONField(default=dict, editable=False)
    author = models.ForeignKey(
        Specialist, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # Kept when the author has no profile here (imported articles).
    author_name = models.CharField(_("author's name"), max_length=120, blank=True)
    topics = models.ManyToManyField(Specialty, related_name="articles", blank=True)
    # Read from the text of an article without topics; the author or staff confirm them.
    suggested_topics = models.ManyToManyField(Specialty, related_name="+", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # Identifies an imported text so that importing it again updates nothing twice.
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="article_import_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:article", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def byline(self) -> str:
        return self.author.name if self.author_id and self.author else self.author_name

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


class Reference(models.Model):
    """One entry of an article's reference list, in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="reference_position"),
        ]

    def __str__(self) -> str:
        return f"reference {self.position} of article #{self.article_id}"

    @property
    def is_link(self) -> bool:
        return self.text.startswith(("http://", "https://")) and " " not in self.text


class ArticleLink(models.Model):
    """A published article shown as relevant on a profile; rebuilt by content.linking."""

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="article_links"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="profile_links")
    score = models.FloatField()
    # Why: the specialties profile and article share (slugs) and the article's words that
    # show it, for "Why this article?".
    topics = models.JSONField(default=list)
    words = models.JSONField(default=list)

    class Meta:
        ordering = ["specialist", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["specialist", "article"], name="article_link_unique"),
            models.CheckConstraint(condition=Q(score__gt=0), name="article_link_score_positive"),
        ]
        indexes = [models.Index(fields=["specialist", "-score"])]

    def __str__(self) -> str:
        return f"article #{self.article_id} on profile #{self.specialist_id}"


class ProfileLinkState(models.Model):
    """When a profile's relevant articles were last computed (to catch profile edits)."""

    specialist = models.OneToOneField(
        Specialist, on_delete=models.CASCADE, primary_key=True, related_name="link_state"
    )
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"links of profile #{self.specialist_id}"


class HiddenArticleLink(models.Model):
    """An article a specialist does not want shown on their profile; linking skips it."""

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="hidden_article_links"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    hidden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "article"], name="hidden_article_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"article #{self.article_id} hidden from profile #{self.specialist_id}"


class QuestionQuerySet(models.QuerySet["Question"]):
    def public(self) -> "QuestionQuerySet":
        return self.filter(status=Question.Status.PUBLISHED)


class Question(models.Model):
    """A public question. The asker's name is shown only when they chose so."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Held for review")
        HIDDEN = "hidden", _("Hidden by staff")

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    title = models.CharField(_("question"), max_length=200)
    details = models.TextField(_("details"), max_length=4000, blank=True)
    topic = models.ForeignKey(
        Specialty, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    show_name = models.BooleanField(_("show my first name with the question"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"question #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("content:question", kwargs={"pk": self.pk})


class AnswerQuerySet(models.QuerySet["Answer"]):
    def public(self) -> "AnswerQuerySet":
        return self.filter(
            status=Answer.Status.PUBLISHED,
            question__status=Question.Status.PUBLISHED,
            specialist__status=Specialist.Status.PUBLISHED,
        )


class Answer(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by staff")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(_("your answer (Markdown)"), max_length=8000)
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "specialist"], name="answer_one_per_specialist"
            ),
        ]

    def __str__(self) -> str:
        return f"answer #{self.pk}"
