from django.urls import path

from privacy import views

urlpatterns = [
    path("account/data/", views.data, name="account_data"),
    path("account/data/first-step-data.json", views.download, name="account_data_download"),
    path("account/delete/", views.delete_account, name="account_delete"),
]
