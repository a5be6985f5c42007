from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.bills, name="bills"),
    path("usage/", views.usage, name="usage"),
    path("<str:period>/", views.bill_detail, name="bill"),
    path("<str:period>/bill.<str:fmt>", views.bill_export, name="export"),
    path("<str:period>/lines/<int:line_id>/", views.line_detail, name="line"),
]
