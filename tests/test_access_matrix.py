"""Every admin URL × every role × an object inside and one outside the jurisdiction.

The URLs come from the site's URL configuration, so a new view appears here by itself; a view
with no expectation below fails the test until someone decides who may see it — and every URL
that takes an object must answer 404 for an object outside the user's jurisdiction. A new
procedure is covered by itself: its cases come from its ``Procedure.factory``, and who may open
one from its workflow.
"""

import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from admin_site.api import urls as api_urls
from approvals.models import WorkflowCase
from approvals.procedures import procedures, workflow_models
from roles.catalogue import READ_ONLY_ROLES
from roles.models import Region
from tests.factories import (
    AccessAttemptFactory,
    AccessFailureLogFactory,
    AccessLogFactory,
    AccountOwnerFactory,
    ApiTokenFactory,
    CampaignFactory,
    EvidenceFactory,
    ExitCaseFactory,
    IdentificationCaseFactory,
    ImportJobFactory,
    NotificationFactory,
    PolicyFactory,
    PovertyLineFactory,
    ProjectApplicationFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
    VillagePopulationFactory,
)
from tests.household_setup import family
from workflows.household.models import Household
from workflows.project_library.attachments import attach

ROLES = [
    ("village_committee", "v11"),
    ("work_team", "v11"),
    ("township_reviewer", "t1"),
    ("county_office", "county"),
    ("county_approver", "county"),
    ("sector_department", "county"),
    ("auditor", "county"),
    ("county_admin", "county"),
]
INSPECTORS = {"auditor", "county_office", "county_approver"}
ACTING = {r for r, _ in ROLES} - {"auditor", "county_admin"}
PEOPLE_MODELS = {"auth_user", "roles_roleassignment"}
POLICY_MODELS = {"household_povertyline", "approvals_policy"}
POLICY_MAKERS = {"county_office", "county_approver"}
# Those who read a campaign's figures and downloads whole: roles over its county that name no
# unit (people acting for a unit read only its problems: tests/test_rectification_outputs.py).
CAMPAIGN_READERS = {
    "county_office",
    "county_approver",
    "sector_department",
    "auditor",
    "county_admin",
}
REGISTER_IMPORTERS = {"village_committee", "township_reviewer", "county_office"}
# Case models whose objects in the world below have a file kept by a step.
FILES_KEPT = {"project_library_projectapplication", "rectification_problem"}
SUPERUSER_ONLY = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
# Records of a county as a whole (its units, its rectification campaigns and their problems):
# read by the roles held over the county; a village's or a township's roles do not see them.
COUNTY_RECORDS = {"roles_unit", "rectification_campaign", "rectification_problem"}
COUNTY_ROLES = CAMPAIGN_READERS
# Records that belong to one person (their API tokens): nobody else's is confirmed to exist.
OWN_RECORDS = {"api_apitoken"}
# Models that belong to no region: one object, tested as the inside one.
NO_JURISDICTION = POLICY_MODELS | SUPERUSER_ONLY


def key_of(model) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}"


# Cases are opened in the admin, unless their procedure says not, by whoever may act first.
CASE_CREATORS = {
    key_of(p.model): set(p.workflow.creators()) - set(READ_ONLY_ROLES)
    for p in procedures()
    if getattr(p.admin, "addable", True)
}
CREATORS = {
    **CASE_CREATORS,
    "household_household": ACTING,
    "household_villagepopulation": ACTING,
    "roles_roleassignment": {"county_admin"},
    "auth_user": {"county_admin"},
    "roles_unit": {"county_admin"},
    "rectification_campaign": {"county_office"},
    # A problem is opened by someone acting for the campaign's office (a unit's member); the
    # roles here act for no unit.
    "rectification_problem": set(),
}
# Views that take no object and need no rule of their own here, and why.
EXEMPT = {
    "login": "the login page itself",
    "logout": "POST-only sign-out",
    "password_change": "a signed-in user's own password",
    "password_change_done": "a signed-in user's own password",
    "jsi18n": "the admin's JavaScript catalogue",
    "autocomplete": "answers from each ModelAdmin's scoped queryset (tests/test_people_admin.py)",
    "view_on_site": "no model here defines get_absolute_url",
    "index": "redirects to the queue",
    "auth_user_password_change": "covered by tests/test_people_admin.py",
}


def site_urls():
    names = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.append(pattern.name)

    walk(admin.site.get_urls())
    return sorted(set(names))


def expected(name: str, role: str, inside: bool) -> int:
    """The status a person with ``role`` gets from the URL ``name`` (GET)."""
    if name in ("queue", "dashboard", "ledgers") or name.startswith("ledger_"):
        return 200
    if name.startswith("campaign_"):
        return 200 if inside and role in CAMPAIGN_READERS else 404
    if name.startswith("rectification_campaign_import"):
        # The import page offers only the campaigns of the person's own office (others see an
        # empty choice, tests/test_rectification_import.py); confirming is POST-only, and an error
        # workbook of a file not kept in this session sends the person back to upload again.
        view = name.removeprefix("rectification_campaign_import")
        return {"_confirm": 405, "_errors": 302}.get(view, 200)
    if name.startswith("register_import"):
        # Importing registers is for the roles that keep them; a job is its importer's own, so
        # anyone else's is a 404 (confirming and resuming are POST-only).
        view = name.removeprefix("register_import")
        if view in ("", "_template"):
            return 200 if role in REGISTER_IMPORTERS else 403
        return 405 if view in ("_confirm", "_resume") else 404
    if name == "queue_bulk_result":
        return 302  # shown once after a bulk action; otherwise back to the queue
    if name.startswith("inspector"):
        if role not in INSPECTORS:
            return 403
        return 200 if inside or name != "inspector_object" else 404
    if name == "app_list":
        return 200
    if name == "api_tokens":
        return 200  # everyone's own API tokens (tests/test_api.py)
    if name == "api_token_revoke":
        return 405  # revoking is POST-only, on one's own tokens
    if name in ("inbox", "inbox_preferences"):
        return 200  # everyone's own notifications and preferences (tests/test_notifications.py)
    if name == "standins":
        return 200  # everyone's own stand-ins (tests/test_standin_pages.py)
    if name == "queue_filters":
        return 405  # saving or deleting one's own filters is POST-only (tests/test_queue_views.py)
    if name == "inbox_read":
        return 405  # marking read is POST-only, on one's own notifications
    if name == "inbox_open":
        return 404  # another's notification (following one's own: tests/test_notifications.py)
    views = "changelist|add|change|history|delete|act|claim|file|new_version|approval_form"
    match = re.fullmatch(rf"(\w+?_\w+?)_({views})", name)
    if not match:
        raise AssertionError(f"no expectation for the admin URL {name!r}: add one")
    model, view = match.groups()
    if model in SUPERUSER_ONLY:
        return 403
    if model in PEOPLE_MODELS and role != "county_admin":
        return 403 if view in ("changelist", "add") else 404  # nobody's record is confirmed
    if view == "changelist":
        return 200
    if model in OWN_RECORDS and view != "add":
        return 404
    if view == "add":
        return 200 if role in CREATORS.get(model, set()) else 403
    if not inside and model not in POLICY_MODELS:
        return 404
    if model in COUNTY_RECORDS and role not in COUNTY_ROLES:
        return 404
    if view == "act":
        # Actions are POST-only (what a POST may do: test_admin_pages): a GET of a case's act URL
        # leads to the case's page, a rectification problem's is refused.
        return 403 if model == "rectification_problem" else 302
    if view == "claim":
        return 403  # claims are POST-only; what a POST may do is tested in test_claim_pages
    if view == "new_version":  # 另存为新版本: county offices and approvers, for their region
        return 200 if role in POLICY_MAKERS else 403
    # The approval form (审批表) is printed by whoever reads the case: the final 200 below.
    if view == "file":  # whoever reads the case downloads its files; a file it has not is a 404
        return 200 if model in FILES_KEPT else 404
    if view == "delete":
        return 200 if model == "roles_roleassignment" else 403
    return 200


@pytest.fixture
def world(county, people):
    """One object of each registered model inside the county and one outside it."""
    outside_cadre = RoleAssignmentFactory(
        role="village_committee", region=county.other_village
    ).user
    home_in, home_out = family(county.v11, people.team), family(county.other_village, None)
    inside_user = AccountOwnerFactory(county=county.county).user  # an account the county made
    registered_in = family(county.v11, people.team, register_status="registered")
    registered_out = family(county.other_village, None, register_status="registered")
    objects = {
        "project_library_projectapplication": (
            ProjectApplicationFactory(region=county.v11, creator=people.cadre),
            ProjectApplicationFactory(region=county.other_village, creator=outside_cadre),
        ),
        "household_household": (home_in, home_out),
        "household_identificationcase": (
            IdentificationCaseFactory(household=home_in, opener=people.cadre),
            IdentificationCaseFactory(household=home_out, opener=outside_cadre),
        ),
        "household_exitcase": (
            ExitCaseFactory(household=registered_in, opener=people.cadre),
            ExitCaseFactory(household=registered_out, opener=outside_cadre),
        ),
        "household_villagepopulation": (
            VillagePopulationFactory(region=county.v11),
            VillagePopulationFactory(region=county.other_village),
        ),
        "household_povertyline": (PovertyLineFactory(), None),
        "approvals_policy": (PolicyFactory(), None),
        "axes_accessattempt": (AccessAttemptFactory(), None),
        "axes_accesslog": (AccessLogFactory(), None),
        "axes_accessfailurelog": (AccessFailureLogFactory(), None),
        "roles_region": (county.v11, county.other_village),
        "roles_roleassignment": (
            RoleAssignmentFactory(role="work_team", region=county.v12, user=inside_user),
            RoleAssignmentFactory(role="work_team", region=county.other_village),
        ),
    }
    objects["api_apitoken"] = (
        ApiTokenFactory(user=people.cadre),
        ApiTokenFactory(user=outside_cadre),
    )
    outside_user = RoleAssignmentFactory(role="work_team", region=county.other_village).user
    objects["auth_user"] = (inside_user, outside_user)
    campaigns = (
        CampaignFactory(county=county.county),
        CampaignFactory(county=county.other_county),
    )
    objects["rectification_campaign"] = campaigns
    objects["roles_unit"] = tuple(campaign.office for campaign in campaigns)
    evidence = [
        EvidenceFactory(unit_task__problem__campaign=campaign, unit_task__problem__units=[unit])
        for campaign, unit in zip(
            campaigns,
            (UnitFactory(region=county.county), UnitFactory(region=county.other_county)),
            strict=True,
        )
    ]
    objects["rectification_problem"] = tuple(e.problem for e in evidence)
    for procedure in procedures():
        if key_of(procedure.model) not in objects and procedure.factory is not None:
            objects[key_of(procedure.model)] = (
                procedure.factory(county.v11, people.cadre),
                procedure.factory(county.other_village, outside_cadre),
            )
    files = {
        project: attach(
            project, uploader, ContentFile(b"%PDF-1.4 plan", name="方案.pdf"), "plan"
        ).data["upload"]
        for project, uploader in zip(
            objects["project_library_projectapplication"],
            (people.cadre, outside_cadre),
            strict=True,
        )
    }
    files.update({e.problem: e.sha256 for e in evidence})
    jobs = (
        ImportJobFactory(created_by=people.office, region=county.county),
        ImportJobFactory(created_by=outside_cadre, region=county.other_county),
    )
    notification = NotificationFactory(
        user=people.cadre, case=objects["project_library_projectapplication"][0]
    )
    return SimpleNamespace(
        objects=objects, files=files, campaigns=campaigns, jobs=jobs, notification=notification
    )


def url_for(name, world, inside):
    if name in EXEMPT:
        return None
    if name == "app_list":
        return reverse("admin:app_list", args=["household"])
    if name == "inspector_object":
        case = world.objects["project_library_projectapplication"][0 if inside else 1]
        return reverse(
            name.join(["admin:", ""]), args=[ContentType.objects.get_for_model(case).pk, case.pk]
        )
    if name == "api_token_revoke":
        token = world.objects["api_apitoken"][0]
        return reverse(f"admin:{name}", args=[token.pk]) if inside else None
    if name == "inbox_open":
        return reverse(f"admin:{name}", args=[world.notification.pk]) if inside else None
    if name.startswith("campaign_"):
        return reverse(f"admin:{name}", args=[world.campaigns[0 if inside else 1].pk])
    if name == "register_import_template":
        return reverse(f"admin:{name}", args=["households"]) if inside else None
    if name.startswith("register_import_"):
        return reverse(f"admin:{name}", args=[world.jobs[0 if inside else 1].pk])
    if name == "rectification_campaign_import_errors":
        return reverse(f"admin:{name}", args=["0" * 64]) if inside else None
    match = re.fullmatch(
        r"(\w+?_\w+?)_(change|history|delete|act|claim|file|new_version|approval_form)", name
    )
    if match:
        model = match.group(1)
        if model not in world.objects:
            raise AssertionError(f"no object of {model} to test {name} with: add one to world")
        obj = world.objects[model][0 if inside else 1]
        if obj is None:
            assert not inside and model in NO_JURISDICTION, f"no object of {model} for {name}"
            return None
        if match.group(2) == "file":
            return reverse(f"admin:{name}", args=[obj.pk, world.files.get(obj, "0" * 64)])
        return reverse(f"admin:{name}", args=[obj.pk])
    return reverse(f"admin:{name}") if inside else None


@pytest.mark.parametrize(("role", "where"), ROLES)
def test_every_admin_url_for_every_role(client, county, people, world, role, where):
    user = RoleAssignmentFactory(role=role, region=getattr(county, where)).user
    client.force_login(user)
    checked = 0
    failures = []
    for name in site_urls():
        for inside in (True, False):
            url = url_for(name, world, inside)
            if url is None:
                continue
            status = client.get(url).status_code
            want = expected(name, role, inside)
            checked += 1
            if status != want:
                failures.append(
                    f"{role} {'inside' if inside else 'outside'} {name}: {status}, expected {want}"
                )
    assert not failures, "\n".join(failures)
    assert checked > 60


def test_people_without_a_role_and_strangers_are_sent_to_log_in(client, world):
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        for name in site_urls():
            url = url_for(name, world, True)
            if url is None:
                continue
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], name


def test_every_registered_model_has_objects_to_test_its_urls_with(world):
    registered = {key_of(m) for m in admin.site._registry}
    assert registered - world.objects.keys() == set()
    for name in site_urls():
        for inside in (True, False):
            url_for(name, world, inside)  # raises for an object URL it has nothing to test with


def test_every_view_of_the_site_has_an_expectation():
    for name in site_urls():
        if name not in EXEMPT:
            expected(name, "auditor", True)


# Where each role may write, by model: people and their roles are the county administrator's to
# write; everything else belongs to the roles that take steps (never auditors or administrators).
PEOPLE_WRITERS = {"county_admin"}
READ_ONLY = {"auditor", "county_admin"}
SCOPED_CHOICES = (Region, Household, WorkflowCase)


def write_prefixes_of(user, model_key):
    writers = PEOPLE_WRITERS if model_key in PEOPLE_MODELS | {"roles_unit"} else None
    return [
        a.region.prefix
        for a in user.role_assignments.select_related("region")
        if (a.role in writers if writers else a.role not in READ_ONLY)
    ]


def code_of(choice):
    return choice.code if isinstance(choice, Region) else choice.region.code


def scoped_choice_fields(response):
    """The region, household and case choices of an admin form page, with its inlines."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [*inline.formset.forms, inline.formset.empty_form]
    for form in forms:
        for name, field in form.fields.items():
            model = getattr(getattr(field, "queryset", None), "model", None)
            if model is not None and issubclass(model, SCOPED_CHOICES):
                yield f"{type(form).__name__}.{name}", field


def autocompleted(client, field):
    """What autocompletion offers for a form field, if it is autocompleted."""
    widget = getattr(field.widget, "widget", field.widget)  # inside the admin's "+" wrapper
    if not isinstance(widget, AutocompleteSelect):
        return []
    source = widget.field
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": source.model._meta.app_label,
            "model_name": source.model._meta.model_name,
            "field_name": source.name,
        },
    )
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    return field.queryset.model._default_manager.filter(pk__in=ids)


ACTORS = [*ROLES, ("auditor+village_committee", "county")]


@pytest.mark.parametrize(("role", "where"), ACTORS)
def test_every_form_offers_only_choices_where_the_actor_may_write(
    client, county, people, world, role, where
):
    if "+" in role:  # an auditor of the county who is also village committee of one village
        user = RoleAssignmentFactory(role="auditor", region=county.county).user
        RoleAssignmentFactory(user=user, role="village_committee", region=county.v11)
    else:
        user = RoleAssignmentFactory(role=role, region=getattr(county, where)).user
    client.force_login(user)
    walked, offered, failures = set(), 0, []
    for model in admin.site._registry:
        key = key_of(model)
        allowed = write_prefixes_of(user, key)
        inside = world.objects.get(key, (None, None))[0]
        pages = [reverse(f"admin:{key}_add")]
        if inside is not None:
            pages.append(reverse(f"admin:{key}_change", args=[inside.pk]))
        for url in pages:
            response = client.get(url)
            if response.status_code != 200 or "adminform" not in response.context:
                continue  # not shown, or a page of its own (a problem's, which offers no region)
            walked.add(key)
            for name, field in scoped_choice_fields(response):
                choices = [*field.queryset, *autocompleted(client, field)]
                offered += len(choices)
                failures += [
                    f"{url} {name}: {choice} ({code_of(choice)})"
                    for choice in choices
                    if not any(code_of(choice).startswith(p) for p in allowed)
                ]
    assert not failures, "outside the write scope:\n" + "\n".join(failures)
    if role != "county_admin" and role not in READ_ONLY:
        assert {"household_household", "household_villagepopulation"} <= walked
        assert offered > 0


# The API: every URL of /api/v1/ × every role × an object inside and one outside the
# jurisdiction, with the same rules as the admin's pages (GET; what a POST may do is tested in
# tests/test_api.py).
API_PUBLIC = {"notices", "schema", "docs"}
API_POST_ONLY = {"perform", "bulk"}


def api_urls_of():
    return sorted(pattern.name for pattern in api_urls.urlpatterns)


def api_url_for(name, world, inside) -> list[str]:
    """The URLs of ``name`` to test: one per procedure for those of a procedure."""
    if name in ("case", "perform"):
        return [
            reverse(
                f"api:{name}", args=[workflow, world.objects[key_of(model)][0 if inside else 1].pk]
            )
            for workflow, model in workflow_models().items()
        ]
    if name in ("cases", "bulk"):
        return [reverse(f"api:{name}", args=[w]) for w in workflow_models()] if inside else []
    if name == "household":
        home = world.objects["household_household"][0 if inside else 1]
        return [reverse("api:household", args=[home.pk])]
    if name == "not_found":  # anything else under /api/v1/
        return ["/api/v1/nothing-here/"] if inside else []
    if name in ("queue", "households", "audit", "audit_verify", *API_PUBLIC):
        return [reverse(f"api:{name}")] if inside else []
    raise AssertionError(f"no expectation for the API URL {name!r}: add one")


def api_expected(name: str, role: str, inside: bool) -> int:
    if name == "not_found":
        return 404
    if name in API_POST_ONLY:
        return 405
    if name.startswith("audit"):
        return 200 if role in INSPECTORS else 403
    if name in ("case", "household"):
        return 200 if inside else 404
    return 200


@pytest.mark.parametrize(("role", "where"), ROLES)
def test_every_api_url_for_every_role(client, county, people, world, role, where):
    client.force_login(RoleAssignmentFactory(role=role, region=getattr(county, where)).user)
    failures, checked = [], 0
    for name in api_urls_of():
        for inside in (True, False):
            for url in api_url_for(name, world, inside):
                status = client.get(url).status_code
                checked += 1
                if status != api_expected(name, role, inside):
                    failures.append(
                        f"{role} {'inside' if inside else 'outside'} {url}: {status}, "
                        f"expected {api_expected(name, role, inside)}"
                    )
    assert not failures, "\n".join(failures)
    assert checked > 30


def test_the_api_answers_strangers_only_with_its_public_parts(client, world):
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        for name in api_urls_of():
            for url in api_url_for(name, world, True):
                want = 200 if name in API_PUBLIC else 403 if user else 401
                want = 404 if name == "not_found" else want
                assert client.get(url).status_code == want, (user, url)
