"""The access matrix's rows for the Wagtail admin: every admin URL pattern, named one by one.

Wagtail's own pages, wagtail-localize's, and ours (viewsets, choosers, H5P, reports) are all
here, so a new admin URL fails `tests/test_access_matrix.py` until someone gives it a row.
Parameters default to University A's objects (`DEFAULT_KWARGS` in `tests/access_matrix.py`):
a row on an object proves that B's instructor and editor are refused it, while A's instructor
(or only platform staff) gets in. Every chooser's single-object steps ("chosen", "chosen
multiple", "select format") are asked for A's object. Listings and creation pages say who may
enter; that their rows hold only the viewer's own objects is checked on every answer by the
matrix's secrets check (A's titles never reach anyone outside A).

The helpers, from the most to the least open:

- `ADMIN_ENTRY`: anyone who may enter the admin (listings scoped to their universities).
- `admin(ok_roles)`: on an object of A, or a page only some may use.
- `STAFF_ONLY`: the platform's own settings (users, groups, sites, locales, workflows...).
- `NOT_FOUND`: the id names nothing here (no such object, or a page that is not that kind).
- `REFUSED`: every admin user is refused, even staff (nothing to act on in this state).
- `POST_ONLY`: a GET answers 405 before anything else (actions are proved by their views'
  own tests; the matrix only proves nobody reaches them by GET).
"""

from wagtail.models import Locale, Site

from tests.access_matrix import (
    ADMIN_USERS,
    DENIED,
    INVALID,
    OK,
    REDIRECT,
    admin,
)

A_AUTHORS = frozenset({"instructor_a", "staff"})
ADMIN_ENTRY = admin(ADMIN_USERS)
STAFF_ONLY = admin({"staff"})
NOT_FOUND = admin(set(), others=frozenset({DENIED}))
REFUSED = admin(set(), others=frozenset({DENIED}))
POST_ONLY = admin(set(), others=frozenset({INVALID}))


def on_a(ok_roles=A_AUTHORS, **kw):
    """A view on one of A's objects (given by `kwargs`/`query`, or `DEFAULT_KWARGS`)."""
    return admin(ok_roles, others=frozenset({DENIED, REDIRECT}), **kw)


def chosen_multiple(obj):
    """A chooser's "chosen multiple" step asked for A's object: it answers every admin user
    with a list, which must hold A's object for A's authors and nothing for anyone else (the
    secrets check proves the latter)."""
    return admin(ADMIN_USERS, query=lambda fx: {"id": [obj(fx).pk]})


def _draft(fx):
    return {"pk": fx.draft_lesson_a.pk}


def _ids(obj):
    return lambda fx: {"id": [obj(fx).pk]}


def _locale(fx):
    return {"pk": Locale.objects.get(language_code="ru").pk}


def _site(fx):
    return {"pk": Site.objects.get(is_default_site=True).pk}


def _user(fx):
    return {"pk": fx.users["instructor_a"].pk}


def _group(fx):
    return {"pk": fx.roles_a.instructors.pk}


def _workflow(fx):
    return {"pk": fx.roles_a.workflow.pk}


def _task(fx):
    return {"pk": fx.roles_a.approval_task.pk}


def _collection(fx):
    return {"pk": fx.collection_a.pk}


ADMIN_ROWS = {
    # --- Home, account, helpers ---------------------------------------------------------
    "wagtailadmin_home": ADMIN_ENTRY,
    "wagtailadmin_account": ADMIN_ENTRY,
    "wagtailadmin_dismissibles": ADMIN_ENTRY,
    "wagtailadmin_logout": POST_ONLY,
    "wagtailadmin_block_preview": NOT_FOUND,  # needs a block's id in its query
    "wagtailadmin_tag_autocomplete": ADMIN_ENTRY,
    "wagtailadmin_tag_model_autocomplete": NOT_FOUND,
    "wagtailadmin_editing_sessions:ping": POST_ONLY,
    "wagtailadmin_editing_sessions:release": POST_ONLY,
    # --- Admin API: pages by id, A's image and document by id (scoped by uploads) ---------
    "wagtailadmin_api:pages:listing": ADMIN_ENTRY,
    "wagtailadmin_api:pages:detail": on_a(kwargs=_draft),
    "wagtailadmin_api:pages:find": NOT_FOUND,
    "wagtailadmin_api:pages:action": POST_ONLY,
    "wagtailadmin_api:images:listing": ADMIN_ENTRY,
    "wagtailadmin_api:images:detail": on_a(kwargs=lambda fx: {"pk": fx.image_a.pk}),
    "wagtailadmin_api:images:find": NOT_FOUND,
    "wagtailadmin_api:documents:listing": ADMIN_ENTRY,
    "wagtailadmin_api:documents:detail": on_a(kwargs=lambda fx: {"pk": fx.document_a.pk}),
    "wagtailadmin_api:documents:find": NOT_FOUND,
    # --- Page explorer and A's draft lesson (or A's module as parent) ----------------------
    # Instructors and editors are sent to their own section; staff see the root.
    "wagtailadmin_explore_root": STAFF_ONLY
    | {"instructor_a": {REDIRECT}, "instructor_b": {REDIRECT}, "editor_b": {REDIRECT}},
    "wagtailadmin_explore_results": on_a(kwargs=lambda fx: {"parent_page_id": fx.course_a.pk}),
    "wagtailadmin_pages:add": on_a(kwargs=lambda fx: {"parent_page_id": fx.module_a.pk}),
    "wagtailadmin_pages:preview_on_add": on_a(kwargs=lambda fx: {"parent_page_id": fx.module_a.pk}),
    # "Create a page" for the base page type: staff are sent on to the root's add form.
    "wagtailadmin_pages:choose_parent": ADMIN_ENTRY | {"staff": {REDIRECT}},
    "wagtailadmin_pages:type_use": ADMIN_ENTRY,
    "wagtailadmin_pages:type_use_results": ADMIN_ENTRY,
    "wagtailadmin_pages:search": ADMIN_ENTRY,
    "wagtailadmin_pages:search_results": ADMIN_ENTRY,
    "wagtailadmin_pages:usage": on_a(),
    "wagtailadmin_pages:view_draft": on_a(),
    "wagtailadmin_pages:history_results": on_a(),
    "wagtailadmin_pages:revisions_view": on_a(),
    "wagtailadmin_pages:revisions_revert": on_a(),
    "wagtailadmin_pages:revisions_unschedule": on_a({"staff"}),
    "wagtailadmin_pages:revisions_compare": on_a(
        url=lambda fx: f"/admin/pages/{fx.draft_lesson_a.pk}/revisions/compare/earliest...latest/"
    ),
    # Everyone is sent on to the page's history, where the page's own rule applies.
    "wagtailadmin_pages:revisions_index": admin(set(), others=frozenset({REDIRECT})),
    # Wagtail shows the move's confirmation before checking it; our hook checks first.
    "wagtailadmin_pages:move_confirm": on_a(),
    "wagtailadmin_pages:set_page_position": POST_ONLY,
    "wagtailadmin_pages:set_privacy": on_a({"staff"}),
    "wagtailadmin_pages:lock": POST_ONLY,
    "wagtailadmin_pages:unlock": POST_ONLY,
    "wagtailadmin_pages:convert_alias": NOT_FOUND,  # A's draft is no alias
    "wagtailadmin_pages:workflow_history": on_a(),
    # The draft is in no workflow: nothing to show, and never its title to B.
    "wagtailadmin_pages:workflow_history_detail": NOT_FOUND,
    "wagtailadmin_pages:workflow_action": NOT_FOUND,
    "wagtailadmin_pages:collect_workflow_action_data": NOT_FOUND,
    # The modal says where the page stands in review: for those who may see the page only
    # (universities.admin_views answers first; the draft is in no workflow, so A's authors
    # get "no confirmation needed").
    "wagtailadmin_pages:confirm_workflow_cancellation": on_a(),
    "isolated_confirm_workflow_cancellation": on_a(),
    "wagtailadmin_pages:workflow_preview": REFUSED,
    "isolated_workflow_preview": REFUSED,
    # Deleting A's draft in bulk: the ids B's people may not see are dropped first
    # (universities.admin_views), leaving them nothing; A's instructor may delete it.
    "wagtail_bulk_action": admin(
        A_AUTHORS,
        others=frozenset({DENIED}),
        kwargs=lambda fx: {"app_label": "wagtailcore", "model_name": "page", "action": "delete"},
        query=_ids(lambda fx: fx.draft_lesson_a),
    ),
    "isolated_bulk_action": admin(
        A_AUTHORS,
        others=frozenset({DENIED}),
        kwargs=lambda fx: {"app_label": "wagtailcore", "model_name": "page", "action": "delete"},
        query=_ids(lambda fx: fx.draft_lesson_a),
    ),
    # "Select all" among the children of A's module: expanded to ids, then narrowed the same;
    # others may see A's published lessons listed as not theirs to delete, never the draft.
    "wagtail_bulk_action#select_all": admin(
        A_AUTHORS,
        others=frozenset({DENIED, OK}),
        kwargs=lambda fx: {"app_label": "wagtailcore", "model_name": "page", "action": "delete"},
        query=lambda fx: {"id": "all", "childOf": fx.draft_lesson_a.get_parent().pk},
    ),
    # The same for A's image (uploads plugs in its gate).
    "wagtail_bulk_action#image": admin(
        A_AUTHORS,
        others=frozenset({DENIED}),
        kwargs=lambda fx: {"app_label": "wagtailimages", "model_name": "image", "action": "delete"},
        query=_ids(lambda fx: fx.image_a),
    ),
    "wagtail_bulk_action#document": admin(
        A_AUTHORS,
        others=frozenset({DENIED}),
        kwargs=lambda fx: {
            "app_label": "wagtaildocs",
            "model_name": "document",
            "action": "delete",
        },
        query=_ids(lambda fx: fx.document_a),
    ),
    # --- Page chooser: its single-object step with A's draft --------------------------------
    "wagtailadmin_choose_page": ADMIN_ENTRY,
    "wagtailadmin_choose_page_child": ADMIN_ENTRY,
    "wagtailadmin_choose_page_search": ADMIN_ENTRY,
    "wagtailadmin_choose_page_chosen_multiple": chosen_multiple(lambda fx: fx.draft_lesson_a),
    "isolated_choose_page_chosen_multiple": chosen_multiple(lambda fx: fx.draft_lesson_a),
    "wagtailadmin_choose_page_external_link": ADMIN_ENTRY,
    "wagtailadmin_choose_page_email_link": ADMIN_ENTRY,
    "wagtailadmin_choose_page_phone_link": ADMIN_ENTRY,
    "wagtailadmin_choose_page_anchor_link": ADMIN_ENTRY,
    # --- Image and document choosers and pages on A's image and document ---------------------
    "wagtailimages_chooser:choose": ADMIN_ENTRY,
    "wagtailimages_chooser:choose_results": ADMIN_ENTRY,
    "wagtailimages_chooser:create": ADMIN_ENTRY,
    "wagtailimages_chooser:chosen_multiple": chosen_multiple(lambda fx: fx.image_a),
    "wagtailimages_chooser:select_format": on_a(),
    "wagtaildocs_chooser:choose": ADMIN_ENTRY,
    "wagtaildocs_chooser:choose_results": ADMIN_ENTRY,
    "wagtaildocs_chooser:create": ADMIN_ENTRY,
    "wagtaildocs_chooser:chosen_multiple": chosen_multiple(lambda fx: fx.document_a),
    "wagtailimages:index": ADMIN_ENTRY,
    "wagtailimages:index_results": ADMIN_ENTRY,
    "wagtailimages:add": ADMIN_ENTRY,
    "wagtailimages:add_multiple": ADMIN_ENTRY,
    "wagtailimages:preview": on_a(),
    "wagtailimages:image_usage": on_a(),
    "wagtailimages:url_generator": NOT_FOUND,  # switched off (WAGTAILIMAGES_... dynamic serve)
    "wagtailimages:url_generator_output": NOT_FOUND,
    "wagtailimages:edit_multiple": POST_ONLY,
    "wagtailimages:delete_multiple": POST_ONLY,
    "wagtailimages:create_multiple_from_uploaded_image": POST_ONLY,
    "wagtailimages:delete_upload_multiple": POST_ONLY,
    "wagtaildocs:index": ADMIN_ENTRY,
    "wagtaildocs:index_results": ADMIN_ENTRY,
    "wagtaildocs:add": ADMIN_ENTRY,
    "wagtaildocs:add_multiple": ADMIN_ENTRY,
    "wagtaildocs:document_usage": on_a(),
    "wagtaildocs:edit_multiple": POST_ONLY,
    "wagtaildocs:delete_multiple": POST_ONLY,
    "wagtaildocs:create_multiple_from_uploaded_document": POST_ONLY,
    "wagtaildocs:delete_upload_multiple": POST_ONLY,
    "wagtailembeds:chooser": ADMIN_ENTRY,
    "wagtailembeds:chooser_upload": ADMIN_ENTRY,
    # --- H5P: the uploader's pages and the chooser, with A's activity ----------------------
    "h5p_admin:index": ADMIN_ENTRY,
    "h5p_admin:upload": ADMIN_ENTRY,
    "h5p_content_chooser:choose": ADMIN_ENTRY,
    "h5p_content_chooser:choose_results": ADMIN_ENTRY,
    # Uploading from the chooser needs "add" on the model, which only staff hold.
    "h5p_content_chooser:create": STAFF_ONLY,
    # Another university's activity answers "not found", like a missing one.
    "h5p_content_chooser:chosen": admin(
        A_AUTHORS, others=frozenset({DENIED}), kwargs=lambda fx: {"pk": fx.h5p_a.pk}
    ),
    "h5p_content_chooser:chosen_multiple": chosen_multiple(lambda fx: fx.h5p_a),
    # A's activity: results for A's instructors, deletion for its authors, 404 to others.
    "h5p_admin:results": admin(
        A_AUTHORS, others=frozenset({DENIED}), kwargs=lambda fx: {"pk": fx.h5p_a.pk}
    ),
    "h5p_admin:results_csv": admin(
        A_AUTHORS, others=frozenset({DENIED}), kwargs=lambda fx: {"pk": fx.h5p_a.pk}
    ),
    "h5p_admin:content_delete": admin(
        A_AUTHORS, others=frozenset({DENIED}), kwargs=lambda fx: {"pk": fx.h5p_a.pk}
    ),
    "h5p_admin:content_replace": admin(
        A_AUTHORS, others=frozenset({DENIED}), kwargs=lambda fx: {"pk": fx.h5p_a.pk}
    ),
    # Libraries are the platform's: staff only.
    "h5p_admin:libraries": STAFF_ONLY,
    "h5p_admin:library_delete": on_a({"staff"}, kwargs=lambda fx: {"pk": fx.h5p_a.main_library_id}),
    "h5p_admin:library_update": STAFF_ONLY,
    # A held upload is its uploader's own: no token exists in the fixtures, so even staff get
    # 404 (the view's tests prove staff reach their own and nobody else's).
    "h5p_admin:library_update_confirm": NOT_FOUND,
    # --- Reports ---------------------------------------------------------------------------
    "wagtailadmin_reports:locked_pages": admin({"editor_b", "staff"}),
    "wagtailadmin_reports:locked_pages_results": admin({"editor_b", "staff"}),
    "wagtailadmin_reports:workflow": ADMIN_ENTRY,
    "wagtailadmin_reports:workflow_results": ADMIN_ENTRY,
    "wagtailadmin_reports:workflow_tasks": ADMIN_ENTRY,
    "wagtailadmin_reports:workflow_tasks_results": ADMIN_ENTRY,
    "wagtailadmin_reports:site_history": ADMIN_ENTRY,
    "wagtailadmin_reports:site_history_results": ADMIN_ENTRY,
    "wagtailadmin_reports:aging_pages": ADMIN_ENTRY,
    "wagtailadmin_reports:aging_pages_results": ADMIN_ENTRY,
    # Platform-wide counts and the page last edited anywhere (universities.admin_views).
    "wagtailadmin_reports:page_types_usage": STAFF_ONLY,
    "wagtailadmin_reports:page_types_usage_results": STAFF_ONLY,
    "isolated_page_types_usage": STAFF_ONLY,
    "isolated_page_types_usage_results": STAFF_ONLY,
    # --- Translations (wagtail-localize), on A's draft; no translation exists here ----------
    "wagtail_localize:javascript_catalog": ADMIN_ENTRY,
    "wagtail_localize:translations_report": ADMIN_ENTRY,
    "wagtail_localize:translations_report_results": ADMIN_ENTRY,
    "wagtail_localize:submit_page_translation": on_a({"staff"}),
    "wagtail_localize:convert_to_alias": REFUSED,
    "wagtail_localize:submit_snippet_translation": REFUSED,
    "wagtail_localize:update_translations": REFUSED,
    "wagtail_localize:download_pofile": NOT_FOUND,
    "wagtail_localize:preview_translation": NOT_FOUND,
    "wagtail_localize:snippets_api_listing": NOT_FOUND,
    "wagtail_localize:snippets_api_detail": NOT_FOUND,
    "wagtail_localize:edit_string_translation": POST_ONLY,
    "wagtail_localize:edit_override": POST_ONLY,
    "wagtail_localize:upload_pofile": POST_ONLY,
    "wagtail_localize:machine_translate": POST_ONLY,
    "wagtail_localize:stop_translation": POST_ONLY,
    "teaching_upload_pofile": POST_ONLY,
    # --- Forms, redirects, settings, snippets: nothing of the kind exists for non-staff -----
    "wagtailforms:index": ADMIN_ENTRY,
    "wagtailforms:index_results": ADMIN_ENTRY,
    "wagtailforms:list_submissions": NOT_FOUND,  # A's draft is no form page
    "wagtailforms:list_submissions_results": NOT_FOUND,
    "wagtailforms:delete_submissions": REFUSED,
    "wagtailredirects:index": STAFF_ONLY,
    "wagtailredirects:index_results": STAFF_ONLY,
    "wagtailredirects:add": STAFF_ONLY,
    "wagtailredirects:start_import": STAFF_ONLY,
    "wagtailredirects:process_import": REFUSED | {"staff": {INVALID}},
    "wagtailredirects:edit": NOT_FOUND,
    "wagtailredirects:delete": NOT_FOUND,
    "wagtailsettings:edit": NOT_FOUND,  # no settings models
    "wagtailsettings:preview_on_edit": NOT_FOUND,
    "wagtailsnippets:index": REFUSED,  # no snippet models
    # University sign-in (sso): a university's identity provider is the platform's business.
    "university_sign_in:index": STAFF_ONLY,
    "university_sign_in:index_results": STAFF_ONLY,
    "university_sign_in:add": STAFF_ONLY,
    "university_sign_in:edit": NOT_FOUND,
    "university_sign_in:delete": NOT_FOUND,
    # LTI platforms (lti): which partner LMS Ilm trusts is the platform's business.
    "lti_platforms:index": STAFF_ONLY,
    "lti_platforms:index_results": STAFF_ONLY,
    "lti_platforms:add": STAFF_ONLY,
    "lti_platforms:edit": NOT_FOUND,
    "lti_platforms:delete": NOT_FOUND,
    "lti_scores:index": STAFF_ONLY,
    "lti_scores:index_results": STAFF_ONLY,
    "lti_scores:add": STAFF_ONLY,
    "lti_scores:edit": NOT_FOUND,
    "lti_scores:delete": NOT_FOUND,
    "lti_scores:inspect": NOT_FOUND,
    "lti_platforms:copy": NOT_FOUND,
    "lti_platforms:history": NOT_FOUND,
    "lti_platforms:history_results": NOT_FOUND,
    "lti_platforms:usage": NOT_FOUND,
    "lti_scores:copy": NOT_FOUND,
    "lti_scores:history": NOT_FOUND,
    "lti_scores:history_results": NOT_FOUND,
    "lti_scores:usage": NOT_FOUND,
    # --- The platform's settings: platform staff only, asked with A's objects ---------------
    "wagtailadmin_collections:index": STAFF_ONLY,
    "wagtailadmin_collections:add": STAFF_ONLY,
    "wagtailadmin_collections:edit": on_a({"staff"}, kwargs=_collection),
    "wagtailadmin_collections:delete": on_a({"staff"}, kwargs=_collection),
    "wagtailadmin_collections:set_privacy": on_a({"staff"}),
    "wagtailadmin_workflows:index": STAFF_ONLY,
    "wagtailadmin_workflows:index_results": STAFF_ONLY,
    "wagtailadmin_workflows:add": STAFF_ONLY,
    "wagtailadmin_workflows:edit": on_a({"staff"}, kwargs=_workflow),
    "wagtailadmin_workflows:disable": on_a({"staff"}, kwargs=_workflow),
    "wagtailadmin_workflows:usage": on_a({"staff"}, kwargs=_workflow),
    "wagtailadmin_workflows:usage_results": on_a({"staff"}, kwargs=_workflow),
    "wagtailadmin_workflows:enable": POST_ONLY,
    "wagtailadmin_workflows:remove": POST_ONLY,
    "wagtailadmin_workflows:select_task_type": STAFF_ONLY | {"staff": {REDIRECT}},
    "wagtailadmin_workflows:add_task": on_a(
        {"staff"}, kwargs=lambda fx: {"app_label": "wagtailcore", "model_name": "groupapprovaltask"}
    ),
    "wagtailadmin_workflows:task_index": STAFF_ONLY,
    "wagtailadmin_workflows:task_index_results": STAFF_ONLY,
    "wagtailadmin_workflows:edit_task": on_a({"staff"}, kwargs=_task),
    "wagtailadmin_workflows:disable_task": on_a({"staff"}, kwargs=_task),
    "wagtailadmin_workflows:enable_task": POST_ONLY,
    # The task chooser (universities.admin_views): A's approval task, by id or in the list.
    "wagtailadmin_workflows:task_chooser": STAFF_ONLY,
    "wagtailadmin_workflows:task_chooser_results": STAFF_ONLY,
    "wagtailadmin_workflows:task_chooser_create": STAFF_ONLY,
    "wagtailadmin_workflows:task_chosen": on_a({"staff"}),
    "isolated_task_chooser": STAFF_ONLY,
    "isolated_task_chooser_results": STAFF_ONLY,
    "isolated_task_chooser_create": STAFF_ONLY,
    "isolated_task_chosen": on_a({"staff"}),
    "wagtaillocales:index": STAFF_ONLY,
    "wagtaillocales:index_results": STAFF_ONLY,
    "wagtaillocales:add": STAFF_ONLY,
    "wagtaillocales:edit": on_a({"staff"}, kwargs=_locale),
    "wagtaillocales:delete": on_a({"staff"}, kwargs=_locale),
    "wagtaillocales:history": on_a({"staff"}, kwargs=_locale),
    "wagtaillocales:history_results": on_a({"staff"}, kwargs=_locale),
    "wagtaillocales:usage": on_a({"staff"}, kwargs=_locale),
    "wagtaillocales:copy": on_a({"staff"}, kwargs=_locale),
    "wagtailsites:index": STAFF_ONLY,
    "wagtailsites:index_results": STAFF_ONLY,
    "wagtailsites:add": STAFF_ONLY,
    "wagtailsites:edit": on_a({"staff"}, kwargs=_site),
    "wagtailsites:delete": on_a({"staff"}, kwargs=_site),
    "wagtailsites:history": on_a({"staff"}, kwargs=_site),
    "wagtailsites:history_results": on_a({"staff"}, kwargs=_site),
    "wagtailsites:usage": on_a({"staff"}, kwargs=_site),
    "wagtailsites:copy": on_a({"staff"}, kwargs=_site),
    "wagtailusers_users:index": STAFF_ONLY,
    "wagtailusers_users:index_results": STAFF_ONLY,
    "wagtailusers_users:add": STAFF_ONLY,
    "wagtailusers_users:edit": on_a({"staff"}, kwargs=_user),
    "wagtailusers_users:delete": on_a({"staff"}, kwargs=_user),
    "wagtailusers_users:history": on_a({"staff"}, kwargs=_user),
    "wagtailusers_users:history_results": on_a({"staff"}, kwargs=_user),
    "wagtailusers_users:usage": on_a({"staff"}, kwargs=_user),
    "wagtailusers_users:copy": on_a({"staff"}, kwargs=_user),
    "wagtailusers_groups:index": STAFF_ONLY,
    "wagtailusers_groups:index_results": STAFF_ONLY,
    "wagtailusers_groups:add": STAFF_ONLY,
    "wagtailusers_groups:edit": on_a({"staff"}, kwargs=_group),
    "wagtailusers_groups:delete": on_a({"staff"}, kwargs=_group),
    "wagtailusers_groups:history": on_a({"staff"}, kwargs=_group),
    "wagtailusers_groups:history_results": on_a({"staff"}, kwargs=_group),
    "wagtailusers_groups:usage": on_a({"staff"}, kwargs=_group),
}
