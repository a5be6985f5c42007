from django.urls import path

from contracts import views

app_name = "contracts"
urlpatterns = [
    path("orders/<int:order_pk>/contract.pdf", views.contract_download, name="download"),
    path("orders/<int:order_pk>/next-step/", views.next_step, name="next_step"),
    path("notifications/", views.notification_list, name="notifications"),
]
