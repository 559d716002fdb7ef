from django.urls import path

from . import views

app_name = "briefings"

urlpatterns = [
    path("", views.home, name="home"),
]
