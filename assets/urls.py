from django.urls import path

from assets import views

app_name = "assets"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", views.health_matrix, name="health"),
    path("workloads/", views.workload_list, name="workloads"),
    path("workloads/new/", views.workload_new, name="workload_new"),
    path("workloads/<int:pk>/", views.workload_detail, name="workload_detail"),
    path("workloads/<int:pk>/stop/", views.workload_stop, name="workload_stop"),
]
