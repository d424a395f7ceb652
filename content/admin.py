from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from content import articles
from content.models import Answer, Article, ArticleLink, HiddenArticleLink, Question


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "author_name", "status", "published_at", "suggested"]
    list_filter = ["status", "topics"]
    search_fields = ["title"]
    raw_id_fields = ["author"]
    readonly_fields = ["body_html", "word_count", "import_key", "suggested_topics"]
    actions = ["confirm_suggested_topics"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).prefetch_related("suggested_topics")

    @admin.display(description=_("suggested topics (to confirm)"))
    def suggested(self, article: Article) -> str:
        return ", ".join(t.name for t in article.suggested_topics.all())

    @admin.action(description=_("Confirm the suggested topics of the selected articles"))
    def confirm_suggested_topics(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        confirmed = sum(articles.confirm_suggested_topics(article=a) for a in queryset)
        self.message_user(
            request,
            ngettext(
                "Topics confirmed for %(count)d article.",
                "Topics confirmed for %(count)d articles.",
                confirmed,
            )
            % {"count": confirmed},
            messages.SUCCESS,
        )


@admin.register(ArticleLink)
class ArticleLinkAdmin(admin.ModelAdmin):
    """Why each article is shown: the shared topics and the article's words that matched."""

    list_display = ["specialist", "article", "score", "topics", "words"]
    raw_id_fields = ["specialist", "article"]
    readonly_fields = ["score", "topics", "words"]


@admin.register(HiddenArticleLink)
class HiddenArticleLinkAdmin(admin.ModelAdmin):
    list_display = ["specialist", "article", "hidden_at"]
    raw_id_fields = ["specialist", "article"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Held questions wait here for review; staff publish or hide them."""

    list_display = ["__str__", "status", "topic", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["asker"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "question", "specialist", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["question", "specialist"]
