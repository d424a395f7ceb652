from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("articles/", views.article_list, name="articles"),
    path("articles/mine/", views.my_articles, name="my_articles"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/edit/", views.article_edit, name="article_edit"),
    path("articles/<slug:slug>/publish/", views.article_publish, name="article_publish"),
    path("articles/<slug:slug>/delete/", views.article_delete, name="article_delete"),
    path("articles/<slug:slug>/hide/", views.hide_relevant_article, name="hide_relevant_article"),
    path("questions/", views.question_list, name="questions"),
    path("questions/new/", views.question_new, name="question_new"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/moderate/", views.moderate_question, name="moderate_question"),
    path("answers/<int:pk>/edit/", views.answer_edit, name="answer_edit"),
    path("answers/<int:pk>/moderate/", views.moderate_answer, name="moderate_answer"),
]
