from django.urls import path

from catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.spec, name="spec"),
    path("inventory/", views.inventory, name="inventory"),
    path("sizing/", views.sizing_view, name="sizing"),
]
