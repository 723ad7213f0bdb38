from django.urls import path

from sharing import views

app_name = "sharing"

CASE = "cases/<uuid:case_id>/"

urlpatterns = [
    path(f"{CASE}share/", views.share_start, name="share-start"),
    path(f"{CASE}shares/", views.shares_section, name="shares-section"),
    path(f"{CASE}shares/<uuid:share_id>/revoke/", views.share_revoke, name="share-revoke"),
    path(f"{CASE}disclosures/", views.disclosures, name="disclosures"),
    path(f"{CASE}disclosures.csv", views.disclosures_csv, name="disclosures-csv"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<uuid:share_id>/", views.approval_detail, name="approval-detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:record_id>/", views.record_detail, name="record-detail"),
    path("inbox/<uuid:record_id>/acknowledge/", views.record_acknowledge, name="record-acknowledge"),
    path("inbox/<uuid:record_id>/accept/", views.record_accept, name="record-accept"),
    path("inbox/<uuid:record_id>/decline/", views.record_decline, name="record-decline"),
    path("inbox/<uuid:record_id>/assign/", views.record_assign, name="record-assign"),
]
