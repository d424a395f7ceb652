from django.contrib import admin

from content.models import Answer, Article, ArticleLink, Question


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "author_name", "status", "published_at"]
    list_filter = ["status", "topics"]
    search_fields = ["title"]
    raw_id_fields = ["author"]
    readonly_fields = ["body_html", "word_count", "import_key"]


@admin.register(ArticleLink)
class ArticleLinkAdmin(admin.ModelAdmin):
    list_display = ["specialist", "article", "score"]
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
