from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config import paging
from content import articles, linking, questions, related
from content.forms import (
    AnswerForm,
    ArticleFilterForm,
    ArticleForm,
    QuestionFilterForm,
    QuestionForm,
)
from content.models import Answer, Article, Question
from directory.access import ASK_QUESTION, AuthenticatedHttpRequest, login_prompt_required
from directory.models import Specialist

PAGE_SIZE = 12


def _own_specialist(request: AuthenticatedHttpRequest) -> Specialist:
    specialist = Specialist.objects.filter(owner=request.user).first()
    if specialist is None:
        raise PermissionDenied(_("Only specialists with a profile can write articles."))
    return specialist


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    queryset = Article.objects.published().select_related("author").prefetch_related("topics")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            queryset = queryset.filter(
                Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query)
            )
        if topic := form.cleaned_data["topic"]:
            queryset = queryset.filter(topics=topic)
    page, page_links = paging.paginate(request, queryset, per_page=PAGE_SIZE)
    context = {"form": form, "page": page, "page_links": page_links}
    return render(request, "content/article_list.html", context)


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("author").prefetch_related("topics", "references"),
        slug=slug,
    )
    is_author = articles.is_author(article=article, user=request.user)
    if not article.is_published and not is_author:
        raise Http404
    topics = list(article.topics.all())
    author = related.shown_author(article)
    context = {
        "article": article,
        "author": author,
        "is_author": is_author,
        "topics": topics,
        "references": list(article.references.all()),
        # A summary taken from the body's first sentences would repeat them as the lead.
        "show_summary": bool(article.summary) and article.summary not in article.body,
        "related": related.articles_on(topics, article=article),
        "suggested": related.specialists_on(topics, author=author),
        "share_url": request.build_absolute_uri(article.get_absolute_url()),
    }
    return render(request, "content/article_detail.html", context)


@login_required
@require_safe
def my_articles(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    page, page_links = paging.paginate(
        request, specialist.articles.order_by("-updated_at"), per_page=PAGE_SIZE
    )
    context = {
        "page": page,
        "page_links": page_links,
        "links": linking.why_shown(specialist=specialist),
    }
    return render(request, "content/my_articles.html", context)


@login_required
@require_POST
def hide_relevant_article(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    specialist = _own_specialist(request)
    article = get_object_or_404(Article, slug=slug)
    if linking.hide_link(specialist=specialist, article_id=article.pk):
        messages.success(request, _("That article no longer appears on your profile."))
    else:
        messages.info(request, _("That article was not shown on your profile."))
    return redirect("content:my_articles")


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    specialist = _own_specialist(request)
    form = ArticleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            article = articles.create_article(author=specialist, text=form.to_text())
            messages.success(request, _("Your draft is saved. Publish it when it is ready."))
            return redirect(article)
        return render(request, "content/article_form.html", {"form": form}, status=400)
    return render(request, "content/article_form.html", {"form": form})


def _own_article(request: AuthenticatedHttpRequest, slug: str) -> Article:
    return get_object_or_404(Article, slug=slug, author__owner=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    article = _own_article(request, slug)
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article))
    if not article.topics.exists() and article.suggested_topics.exists():
        form.show_suggestions()
    context = {"form": form, "article": article}
    if request.method == "POST":
        if form.is_valid():
            articles.update_article(article=article, text=form.to_text())
            messages.success(request, _("Your changes are saved."))
            return redirect(article)
        return render(request, "content/article_form.html", context, status=400)
    return render(request, "content/article_form.html", context)


@login_required
@require_POST
def article_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    article = _own_article(request, slug)
    if request.POST.get("action") == "unpublish":
        articles.unpublish_article(article=article)
        messages.success(request, _("The article is a draft again and no longer public."))
        return redirect(article)
    try:
        articles.publish_article(article=article)
    except articles.ArticleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your article is published."))
    return redirect(article)


@login_required
@require_http_methods(["GET", "POST"])
def article_delete(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    article = _own_article(request, slug)
    if request.method == "POST":
        articles.delete_article(article=article)
        messages.success(request, _("The article is deleted."))
        return redirect("content:my_articles")
    return render(request, "content/article_confirm_delete.html", {"article": article})


@require_safe
def question_list(request: HttpRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET or None)
    queryset = Question.objects.public().select_related("topic", "asker")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            queryset = queryset.filter(Q(title__icontains=query) | Q(details__icontains=query))
        if topic := form.cleaned_data["topic"]:
            queryset = queryset.filter(topic=topic)
    queryset = queryset.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.public().only("pk", "question_id"))
    )
    page, page_links = paging.paginate(request, queryset, per_page=PAGE_SIZE)
    context = {"form": form, "page": page, "page_links": page_links}
    return render(request, "content/question_list.html", context)


def _visible_question(request: HttpRequest, pk: int) -> Question:
    question = get_object_or_404(Question.objects.select_related("topic", "asker"), pk=pk)
    user = request.user
    if question.status == Question.Status.PUBLISHED or user.is_staff:
        return question
    if question.status == Question.Status.HELD and question.asker_id == user.pk:
        return question
    raise Http404


@require_http_methods(["GET", "POST"])
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = _visible_question(request, pk)
    user = request.user
    specialist = (
        Specialist.objects.filter(owner_id=user.pk).first() if user.is_authenticated else None
    )
    allowed = questions.can_answer(question=question, by=specialist)
    form = AnswerForm(request.POST or None) if allowed else None
    if request.method == "POST":
        if form is None or specialist is None:
            raise PermissionDenied(questions.answer_refusal(question=question, by=specialist))
        if form.is_valid():
            try:
                questions.answer_question(
                    specialist=specialist,
                    question=question,
                    body=form.cleaned_data["body"],  # type: ignore[arg-type]
                )
            except questions.QuestionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you. Your answer is published."))
                return redirect(question)
    return _question_page(request, question, specialist, form=form)


def _question_page(
    request: HttpRequest,
    question: Question,
    specialist: Specialist | None,
    *,
    form: AnswerForm | None,
) -> HttpResponse:
    """The question with the answers this person may see; staff see hidden ones too."""
    answers = Answer.objects.filter(question=question).select_related("specialist")
    answer_list = list(answers if request.user.is_staff else answers.public())
    own_answer = next(
        (a for a in answer_list if specialist and a.specialist_id == specialist.pk), None
    )
    context = {
        "question": question,
        "answers": answer_list,
        "form": form,
        "can_answer": form is not None,
        "own_answer": own_answer,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "content/question_detail.html", context, status=status)


@login_prompt_required(ASK_QUESTION)
@require_http_methods(["GET", "POST"])
def question_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                question = questions.ask_question(asker=request.user, **form.cleaned_data)
            except questions.QuestionError as error:
                form.add_error(None, str(error))
            else:
                if question.status == Question.Status.HELD:
                    return redirect(question)  # the page shows crisis resources first
                messages.success(
                    request, _("Your question is published. We will e-mail you answers.")
                )
                return redirect(question)
        return render(request, "content/question_form.html", {"form": form}, status=400)
    return render(request, "content/question_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(
        Answer.objects.select_related("question"), pk=pk, specialist__owner=request.user
    )
    form = AnswerForm(request.POST or None, initial={"body": answer.body})
    context = {"form": form, "answer": answer}
    if request.method == "POST":
        if form.is_valid():
            questions.edit_answer(answer=answer, body=form.cleaned_data["body"])
            messages.success(request, _("Your answer is updated."))
            return redirect(answer.question)
        return render(request, "content/answer_form.html", context, status=400)
    return render(request, "content/answer_form.html", context)


@staff_member_required
@require_POST
def moderate_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk)
    status = request.POST.get("status", "")
    if status not in Question.Status.values:
        return HttpResponse(_("Unknown status."), status=400)
    questions.set_question_status(question=question, status=Question.Status(status))
    messages.success(
        request, _("The question is now: %(status)s.") % {"status": question.get_status_display()}
    )
    return redirect(question)


@staff_member_required
@require_POST
def moderate_answer(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    status = request.POST.get("status", "")
    if status not in Answer.Status.values:
        return HttpResponse(_("Unknown status."), status=400)
    questions.set_answer_status(answer=answer, status=Answer.Status(status))
    messages.success(
        request, _("The answer is now: %(status)s.") % {"status": answer.get_status_display()}
    )
    return redirect(answer.question)
