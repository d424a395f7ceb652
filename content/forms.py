from django import forms
from django.utils.translation import gettext_lazy as _

from content.articles import ArticleText
from content.models import Article, Question
from directory.fields import PlainLineField
from directory.models import Specialty

MAX_REFERENCES = 60


class ArticleForm(forms.Form):
    title = PlainLineField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown in lists and when the article is shared."),
    )
    body = forms.CharField(
        label=_("Article"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: ## for headings, - for lists, **bold**, [text](https://link)."),
    )
    references = forms.CharField(
        label=_("References"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One reference per line."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Specialty.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @classmethod
    def initial_for(cls, article: Article) -> dict[str, object]:
        """The article as it is; without topics of its own, the ones read from its text are
        ticked for the author to confirm (they count only once saved)."""
        return {
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "references": "\n".join(r.text for r in article.references.all()),
            "topics": list(article.topics.all()) or list(article.suggested_topics.all()),
        }

    def show_suggestions(self) -> None:
        self.fields["topics"].help_text = _(
            "We ticked the topics your text is about. Untick any that do not fit, then save "
            "to confirm them."
        )

    def clean_references(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["references"].splitlines()]
        references = [line for line in lines if line]
        if len(references) > MAX_REFERENCES:
            raise forms.ValidationError(
                _("Please keep to %(max)d references.") % {"max": MAX_REFERENCES}
            )
        return references

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body.split()) < 20:
            raise forms.ValidationError(_("An article needs at least 20 words."))
        return body

    def to_text(self) -> ArticleText:
        data = self.cleaned_data
        return ArticleText(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            references=data["references"],
            topics=list(data["topics"]),
        )


class ArticleFilterForm(forms.Form):
    """Words and a topic: filters the articles, and the public questions."""

    q = forms.CharField(label=_("Search articles"), max_length=100, required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Specialty.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )


class QuestionForm(forms.Form):
    title = PlainLineField(
        label=_("Your question"),
        max_length=200,
        min_length=10,
        help_text=_("Please leave out names and anything that could identify you."),
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Specialty.objects.all(), required=False, empty_label=_("Other")
    )
    show_name = forms.BooleanField(
        label=_("Show my first name with the question (otherwise it is anonymous)"),
        required=False,
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        min_length=20,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is supported. Answers are public and shown on your profile."),
    )


class ModerationForm(forms.Form):
    status = forms.ChoiceField(choices=Question.Status.choices)


class QuestionFilterForm(ArticleFilterForm):
    q = forms.CharField(label=_("Search questions"), max_length=100, required=False)
