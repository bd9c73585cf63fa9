"""A policy version that cases are pinned to never changes: a change is a new version, with its
source, made by a county office or above for its own region, and pinned cases keep theirs."""

import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from approvals import audit, policy_versions
from approvals.models import AuditEntry, Policy, PolicyInUse
from approvals.notices import running_notice
from approvals.system import system_user
from tests.factories import PolicyFactory, RoleAssignmentFactory, ToyCaseFactory
from tests.helpers import to_notice
from tests.test_audit import sql_update, verify


def county_prefix(county):
    return county.county.code[:6]


def new_version_url(policy):
    return reverse("admin:approvals_policy_new_version", args=[policy.pk])


def form_for(policy, **changes):
    return {
        "version": "toy-2025",
        "region_prefix": policy.region_prefix,
        "effective_from": "2020-01-01",
        "source": "县扶贫办〔2025〕3号",
        "values": '{"notice_days": 9}',
        **changes,
    }


def test_editing_a_version_in_use_is_refused_with_a_reason(county, people, policy):
    ToyCaseFactory(region=county.v11, creator=people.cadre)
    policy.values = {"notice_days": 1}
    with pytest.raises(PolicyInUse) as err:
        policy.save()
    assert err.value.messages == ["政策版本“toy-2024”已有案件按其办理，不能修改；请另存为新版本"]
    policy.refresh_from_db()
    assert policy.values == {"notice_days": 5}


def test_a_version_no_case_uses_may_still_be_corrected(policy):
    policy.values = {"notice_days": 6}
    policy.save()
    policy.refresh_from_db()
    assert policy.values == {"notice_days": 6}


def test_a_pinned_case_keeps_its_version_after_a_new_one(client, county, people, policy):
    pinned = ToyCaseFactory(region=county.v11, creator=people.cadre)
    assert pinned.policy == policy
    client.force_login(people.office)
    response = client.post(
        new_version_url(policy), form_for(policy, region_prefix=county_prefix(county))
    )
    assert response.status_code == 302
    v2 = Policy.objects.get(version="toy-2025")
    assert (v2.supersedes, v2.created_by) == (policy, people.office)
    assert v2.source == "县扶贫办〔2025〕3号"
    assert v2.values == {"notice_days": 9} and v2.region_prefix == county_prefix(county)
    to_notice(pinned, people)
    notice = running_notice(pinned)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=5)
    later = to_notice(ToyCaseFactory(region=county.v11, creator=people.cadre), people)
    assert later.policy == v2
    notice = running_notice(later)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=9)


def test_the_admin_shows_a_version_in_use_read_only(admin_client, county, people, policy):
    ToyCaseFactory(region=county.v11, creator=people.cadre)
    url = reverse("admin:approvals_policy_change", args=[policy.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="values"' not in page and "另存为新版本" in page
    admin_client.post(url, {**form_for(policy), "workflow": "toy", "version": "toy-2024"})
    policy.refresh_from_db()
    assert policy.values == {"notice_days": 5}


def test_only_county_offices_and_above_make_versions_and_only_for_their_region(
    client, county, people, policy
):
    for person in (people.cadre, people.reviewer, people.auditor):
        client.force_login(person)
        assert client.post(new_version_url(policy), form_for(policy)).status_code == 403
    client.force_login(people.approver)
    response = client.post(new_version_url(policy), form_for(policy))  # national: not theirs
    assert response.status_code == 200 and not Policy.objects.filter(version="toy-2025").exists()
    other = RoleAssignmentFactory(role="county_office", region=county.other_county).user
    client.force_login(other)
    response = client.post(
        new_version_url(policy), form_for(policy, region_prefix=county_prefix(county))
    )
    assert response.status_code == 200 and not Policy.objects.filter(version="toy-2025").exists()


def test_a_new_version_needs_its_source_and_a_name_of_its_own(admin_client, policy):
    PolicyFactory(workflow="toy", version="toy-2025")
    response = admin_client.post(new_version_url(policy), form_for(policy, source=""))
    form = response.context["form"]
    assert set(form.errors) == {"source", "version"}


# --- each version on its own audit chain ------------------------------------------------------


def entries_of(policy):
    return list(AuditEntry.objects.for_object(policy))


def make_version(client, policy, county, person):
    client.force_login(person)
    response = client.post(
        new_version_url(policy), form_for(policy, region_prefix=county_prefix(county))
    )
    assert response.status_code == 302
    return Policy.objects.get(version="toy-2025")


def test_a_new_version_is_the_first_entry_of_its_own_chain(client, county, people, policy):
    v2 = make_version(client, policy, county, people.office)
    (entry,) = entries_of(v2)
    assert (entry.action, entry.actor, entry.actor_role) == (
        "create",
        people.office,
        "county_office",
    )
    recorded = {c["field"]: c["new"] for c in entry.data["changes"]}
    assert recorded["values"] == '{"notice_days": 9}'
    assert recorded["source"] == "县扶贫办〔2025〕3号"
    assert recorded["supersedes"] == str(policy.pk)
    assert audit.verify_record(v2) is None


def test_a_national_version_has_entries_in_no_region_that_verify(policy):
    (entry,) = entries_of(policy)
    assert entry.region_id is None
    assert json.loads(audit.canonical(entry, "approvals.policy", ""))["region"] == ""
    code, out = verify()
    assert code == 0, out


def test_a_correction_through_the_admin_records_the_old_and_new_value(admin_client, policy):
    url = reverse("admin:approvals_policy_change", args=[policy.pk])
    form = {**form_for(policy), "workflow": "toy", "version": policy.version}
    assert admin_client.post(url, {**form, "values": '{"notice_days": 6}'}).status_code == 302
    entry = entries_of(policy)[-1]
    assert (entry.action, entry.actor_role) == ("edit", "superuser")
    changes = {c["field"]: (c["old"], c["new"]) for c in entry.data["changes"]}
    assert changes["values"] == ('{"notice_days": 5}', '{"notice_days": 6}')
    policy.refresh_from_db()
    assert audit.verify_record(policy) is None
    page = admin_client.get(url).content.decode()
    assert 'id="timeline"' in page and "修改记录" in page and "超级用户" in page


def test_a_version_edited_behind_the_trail_is_reported(policy):
    sql_update(
        'UPDATE approvals_policy SET "values" = %s WHERE id = %s',
        ['{"notice_days": 1}', policy.pk],
    )
    code, out = verify()
    assert code == 1
    assert (
        f'BROKEN approvals.policy#{policy.pk}: values is {{"notice_days": 1}} but the trail' in out
    )


def test_versions_the_migrations_load_begin_their_chain_by_the_system_account(db):
    loaded = Policy.objects.filter(workflow="project_library").first()
    entry, relabelled = entries_of(loaded)
    assert (entry.action, entry.actor, entry.region_id) == ("start_chain", system_user(), None)
    assert entry.comment == ""  # the system account says nothing it was not told
    assert (relabelled.action, relabelled.actor) == ("edit", system_user())
    assert audit.verify_record(loaded) is None


def test_no_seeded_version_holding_local_values_is_called_national(db):
    assert not Policy.objects.filter(version__startswith="national").exists()
    loaded = Policy.objects.get(workflow="household_identification", version="local-default-2014")
    (rename,) = [
        change
        for entry in entries_of(loaded)
        for change in entry.data["changes"]
        if change["field"] == "version"
    ][1:]
    assert (rename["old"], rename["new"]) == ("national-2014", "local-default-2014")
    assert loaded.value_sources["first_notice_days"]["level"] == "county_default"
    assert audit.verify_record(loaded) is None


def _value_rows(page) -> str:
    return page.content.decode().split('id="policy-provenance"')[1].split("</table>")[0]


def _row(rows: str, label: str) -> str:
    return rows.split(f"<td>{label}</td>")[1].split("</tr>")[0]


def test_the_policy_page_shows_each_values_level_and_source(admin_client):
    loaded = Policy.objects.get(workflow="household_exit", version="local-default-2016")
    rows = _value_rows(admin_client.get(reverse("admin:approvals_policy_change", args=[loaded.pk])))
    notice = _row(rows, "“村内公示”天数")
    assert "<td>7</td>" in notice and "县级默认值（可由县调整）" in notice
    assert "未规定天数" in notice
    blockers = _row(rows, "不得退出情形（是否适用）")
    assert "省级规定" in blockers and "湖南省2017年" in blockers


def test_the_policy_page_names_every_value_and_shows_switches_item_by_item(admin_client):
    loaded = Policy.objects.get(workflow="household_exit", version="local-default-2016")
    url = reverse("admin:approvals_policy_change", args=[loaded.pk])
    page = admin_client.get(url)
    rows = _value_rows(page)
    assert "village_notice_days" not in rows and "exit_blockers" not in rows
    assert "<li>吃穿“两不愁”未解决：是</li>" in _row(rows, "不得退出情形（是否适用）")
    # Values nobody edits here read in the table only: no JSON under the form.
    assert '"food_clothing"' not in page.content.decode()
    english = _value_rows(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Situations barring exit (applied or not)" in english and ": Yes</li>" in english


def test_a_mapping_of_amounts_and_the_holiday_schedule_read_by_name(admin_client):
    monitoring = Policy.objects.filter(workflow="monitoring_inclusion").first()
    rows = _value_rows(
        admin_client.get(reverse("admin:approvals_policy_change", args=[monitoring.pk]))
    )
    assert "<li>2021：6000</li>" in _row(rows, "监测标准（元/人·年，按年度）")
    assert "<li>家庭成员中有现任村干部：否</li>" in _row(rows, "排除情形（是否适用）")
    assert "monitoring_lines" not in rows and "{" not in rows
    schedule = Policy.objects.filter(workflow="holiday_calendar").order_by("effective_from").last()
    rows = _value_rows(
        admin_client.get(reverse("admin:approvals_policy_change", args=[schedule.pk]))
    )
    assert "<li>" in _row(rows, "法定节假日") and "<td>调休上班日</td>" in rows
    assert "holidays" not in rows and "{" not in rows


def test_an_editable_version_keeps_its_json_in_the_form(admin_client, policy):
    page = admin_client.get(reverse("admin:approvals_policy_change", args=[policy.pk]))
    assert 'name="values"' in page.content.decode()
    assert "<td>“公示”天数</td>" in _value_rows(page)


def test_a_value_given_no_source_says_so_on_the_policy_page(admin_client, policy):
    page = admin_client.get(reverse("admin:approvals_policy_change", args=[policy.pk]))
    assert "未注明来源" in _value_rows(page)


def test_a_source_corrected_on_a_version_in_use_is_recorded_old_and_new(county, people, policy):
    ToyCaseFactory(region=county.v11, policy=policy)
    policy.value_sources = {"notice_days": {"level": "provincial", "source": "省文件"}}
    entry = policy_versions.correct(policy, people.office, "county_office")
    (change,) = entry.data["changes"]
    assert change["field"] == "value_sources" and "省文件" in change["new"]
    assert audit.verify_record(Policy.objects.get(pk=policy.pk)) is None


def test_auditors_read_a_versions_trail_in_the_inspector(client, county, people, policy):
    v2 = make_version(client, policy, county, people.office)
    client.force_login(people.auditor)
    search = client.get(reverse("admin:inspector"), {"workflow": "approvals.policy"})
    ct = ContentType.objects.get_for_model(Policy)
    entries = AuditEntry.objects.filter(content_type=ct)
    assert search.content.decode().count("政策版本 #") == entries.count()
    page = client.get(reverse("admin:inspector_object", args=[ct.pk, v2.pk])).content.decode()
    assert "县扶贫办〔2025〕3号" in page and "notice_days" in page
    assert "链条完好" in page or 'class="problem"' not in page


def test_a_version_erased_with_its_trail_is_named_by_a_checkpoint(policy, tmp_path):
    path = tmp_path / "cp.json.gz"
    call_command("audit_checkpoint", "--out", str(path), stdout=io.StringIO())
    ct = ContentType.objects.get_for_model(Policy)
    sql_update(
        "DELETE FROM approvals_auditentry WHERE content_type_id = %s AND object_id = %s",
        [ct.pk, policy.pk],
    )
    sql_update("DELETE FROM approvals_policy WHERE id = %s", [policy.pk])
    code, out = verify("--checkpoint", str(path))
    assert code == 1
    assert f"BROKEN approvals.policy#{policy.pk}: in the checkpoint of" in out


def test_a_version_cases_run_under_gets_its_sources_but_keeps_its_name(county, people, policy):
    case = ToyCaseFactory(region=county.v11, policy=policy)
    label = policy_versions.Label(
        "toy",
        "toy-2024",
        "local-default-2024",
        {"notice_days": policy_versions.sourced("county_default", "县规定")},
    )
    policy_versions.relabel(label)
    relabelled = Policy.objects.get(pk=policy.pk)
    assert relabelled.version == "toy-2024"
    assert relabelled.value_sources["notice_days"]["source"] == "县规定"
    assert audit.verify_record(relabelled) is None and audit.verify_record(case) is None
