from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:slug>.csv", views.export_csv, name="export_csv"),
    path("export/dashboard.xlsx", views.export_xlsx, name="export_xlsx"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/extract.csv", views.evaluation_extract, name="evaluation_extract"),
    path("evaluation/prsb.<str:fmt>", views.prsb_dataset, name="prsb_dataset"),
    path("report.pdf", views.report_pdf, name="report"),
    path("network/", views.network_index, name="network_index"),
    path("network/<slug:slug>/", views.network, name="network"),
    path("network/<slug:slug>/<slug:table>.csv", views.network_csv, name="network_csv"),
]
