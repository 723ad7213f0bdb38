from django.urls import path

from casework import views

app_name = "casework"

CASE = "cases/<uuid:case_id>/"

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path(CASE, views.case_detail, name="case-detail"),
    path(f"{CASE}edit/", views.case_edit, name="case-edit"),
    path(f"{CASE}assignment/", views.case_assign, name="case-assign"),
    path(f"{CASE}history/", views.case_history, name="case-history"),
    *[
        path(f"{CASE}{section}/add/", views.part_add, {"section": section}, name=f"{section}-add")
        for section in views.PART_SECTIONS
    ],
    path(f"{CASE}persons/<uuid:person_id>/edit/", views.person_edit, name="person-edit"),
    path(f"{CASE}notes/<uuid:note_id>/amend/", views.note_amend, name="note-amend"),
    path(f"{CASE}needs/<uuid:need_id>/status/", views.need_status, name="need-status"),
    path(f"{CASE}tasks/<uuid:task_id>/done/", views.task_done, name="task-done"),
    path(f"{CASE}consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
]
