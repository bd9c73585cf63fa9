"""The project library from the villagers' meeting to the archive, on the engine."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from approvals import available_actions, perform, perform_bulk, queue_for
from approvals.exceptions import PermissionDenied, TransitionNotAllowed
from approvals.models import AuditEntry
from approvals.notices import file_objection, running_notice
from tests.factories import (
    PerformanceTargetFactory,
    PolicyFactory,
    ProjectApplicationFactory,
    ProjectAttachmentFactory,
    RoleAssignmentFactory,
)
from workflows.project_library.demo import MEETING, advance
from workflows.project_library.models import ProjectApplication
from workflows.roads import step

WORKFLOW = "project_library"


@pytest.fixture
def project(county, people):
    return ProjectApplicationFactory(region=county.v11, creator=people.cadre)


def reload(project):
    return ProjectApplication.objects.select_related("region", "policy").get(pk=project.pk)


def close(project, people):
    step(project, people, "close_notice", None)


def test_the_whole_road_from_the_village_to_the_archive(project, people):
    perform(project, "submit_for_deliberation", people.cadre)
    perform(project, "record_deliberation", people.cadre, data=MEETING)
    assert project.state == "village_notice"
    assert (project.attendees, project.votes_for) == (24, 21)
    close(project, people)
    assert project.state == "township_review"
    assert project in queue_for(people.reviewer, WORKFLOW)
    perform(project, "township_approve", people.reviewer, comment="材料齐全")
    close(project, people)
    assert project.state == "county_review"  # the national default has no county appraisal
    perform(project, "county_approve", people.approver)
    close(project, people)
    assert project.state == "in_library"
    for action, who in [
        ("include_in_plan", people.office),
        ("start_implementation", people.reviewer),
        ("report_completion", people.cadre),
        ("township_accept", people.reviewer),
        ("county_accept", people.office),
        ("publish_completion_notice", people.cadre),
    ]:
        perform(project, action, who)
    close(project, people)
    assert reload(project).state == "closed"
    trail = list(AuditEntry.objects.for_object(project))
    assert [e.to_state for e in trail] == [
        "draft", "deliberation", "village_notice", "township_review", "township_notice",
        "county_review", "county_notice", "in_library", "planned", "implementing", "completed",
        "township_accepted", "accepted", "completion_notice", "closed",
    ]  # fmt: skip
    assert trail[2].data["votes_for"] == 21
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")


def test_the_policy_adds_the_county_appraisal_and_shortens_notices(county, people):
    PolicyFactory(
        workflow=WORKFLOW,
        version="安徽-2024",
        region_prefix="62",
        effective_from=datetime.date(2024, 1, 1),
        values={
            "county_appraisal": True,
            "village_notice_days": 7,
            "township_notice_days": 7,
            "category_list": "2021",
        },
    )
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "village_notice")
    notice = running_notice(project)
    assert notice.ends_at - notice.opened_at == datetime.timedelta(days=7)
    advance(project, people, "county_appraisal")
    assert project in queue_for(people.sector, WORKFLOW)
    perform(project, "appraisal_pass", people.sector)
    assert project.state == "county_review"


@pytest.mark.parametrize(
    ("state", "action", "who", "lands_in"),
    [
        ("draft", "withdraw", "cadre", "withdrawn"),
        ("deliberation", "decline", "cadre", "withdrawn"),
        ("township_review", "return_for_revision", "reviewer", "draft"),
        ("township_review", "township_reject", "reviewer", "rejected"),
        ("county_review", "return_for_revision", "approver", "township_review"),
        ("county_review", "county_reject", "approver", "rejected"),
        ("in_library", "request_adjustment", "office", "adjusting"),
        ("planned", "request_adjustment", "office", "adjusting"),
        ("in_library", "remove_from_library", "office", "removed"),
        ("planned", "remove_from_library", "office", "removed"),
        ("completed", "reject_acceptance", "reviewer", "implementing"),
        ("township_accepted", "reject_acceptance", "office", "implementing"),
    ],
)
def test_every_return_and_reject_branch(project, people, state, action, who, lands_in):
    advance(project, people, state)
    perform(project, action, getattr(people, who), comment="理由")
    assert reload(project).state == lands_in


def test_the_county_appraisal_can_send_a_project_back_to_the_village(county, people):
    PolicyFactory(
        workflow=WORKFLOW,
        version="论证",
        effective_from=datetime.date(2024, 1, 1),
        values={"county_appraisal": True},
    )
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "county_appraisal")
    perform(project, "return_for_revision", people.office, comment="预算偏高")
    assert project.state == "draft"


@pytest.mark.parametrize(
    ("state", "action", "who"),
    [
        ("deliberation", "decline", "cadre"),
        ("township_review", "return_for_revision", "reviewer"),
        ("township_review", "township_reject", "reviewer"),
        ("county_review", "county_reject", "approver"),
        ("in_library", "request_adjustment", "office"),
        ("in_library", "remove_from_library", "office"),
        ("completed", "reject_acceptance", "reviewer"),
    ],
)
def test_returns_rejections_removals_and_adjustments_need_a_comment(
    project, people, state, action, who
):
    advance(project, people, state)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(project, action, getattr(people, who))
    assert err.value.reasons[0].endswith("必须填写意见")
    assert reload(project).state == state


def deliberate(project, people, **changes):
    perform(project, "submit_for_deliberation", people.cadre)
    with pytest.raises(TransitionNotAllowed) as err:
        perform(project, "record_deliberation", people.cadre, data={**MEETING, **changes})
    assert reload(project).state == "deliberation"
    return err.value.reasons


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"attendees": 19}, "实到19人，未达到应到代表30人的三分之二（20人）"),
        ({"votes_for": 12}, "赞成12票，未超过实到人数24人的半数"),
        ({"attendees": 31}, "实到人数不能超过应到代表人数"),
        ({"votes_for": 25}, "赞成票数不能超过实到人数"),
        ({"representatives_total": 0}, "应到代表人数不能为0"),
        ({"attendees": "二十"}, "实到人数必须是不小于0的整数"),
        ({"votes_for": -1}, "赞成票数必须是不小于0的整数"),
        ({"meeting_date": "3月1日"}, "请填写议事会议日期（格式：2024-03-01）"),
        ({"meeting_date": "2999-01-01"}, "议事会议日期不能晚于今天"),
        ({"minutes": "  "}, "请填写会议记录"),
    ],
)
def test_the_deliberation_is_refused_without_quorum_or_majority(project, people, changes, reason):
    assert reason in deliberate(project, people, **changes)


def test_twenty_of_thirty_is_exactly_two_thirds(project, people):
    perform(project, "submit_for_deliberation", people.cadre)
    perform(
        project,
        "record_deliberation",
        people.cadre,
        data={**MEETING, "attendees": 20, "votes_for": 11},
    )
    assert project.state == "village_notice"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"location": ""}, "请填写建设地点"),
        ({"benefit_mechanism": " "}, "请填写带贫减贫机制"),
        ({"planned_start": None}, "请填写计划开工时间"),
        (
            {
                "total_funds": Decimal("0"),
                "funds_central": Decimal("0"),
                "funds_provincial": Decimal("0"),
                "funds_county": Decimal("0"),
            },
            "请填写总投资",
        ),
        ({"funds_central": Decimal("70")}, "各来源资金合计110.00万元，与总投资120.00万元不一致"),
        ({"beneficiary_people": 0}, "请填写受益户数和受益人数"),
        ({"planned_end": datetime.date(2025, 1, 1)}, "计划完工时间不能早于计划开工时间"),
        ({"targets": 0}, "至少填写一项绩效目标，否则项目不能入库"),
    ],
)
def test_an_incomplete_record_cannot_leave_the_village(county, people, changes, reason):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre, **changes)
    assert reason in deliberate(project, people)


def test_the_record_is_checked_again_at_each_approval(project, people):
    advance(project, people, "township_review")
    project.performance_targets.all().delete()
    with pytest.raises(TransitionNotAllowed) as err:
        perform(project, "township_approve", people.reviewer)
    assert err.value.reasons == ["至少填写一项绩效目标，否则项目不能入库"]
    PerformanceTargetFactory(project=project)
    perform(project, "township_approve", people.reviewer)


def test_the_form_level_check_explains_what_is_wrong(county, people):
    project = ProjectApplicationFactory.build(
        region=county.v11,
        name="x",
        total_funds=Decimal("10"),
        funds_central=Decimal("5"),
        funds_provincial=Decimal("0"),
        funds_county=Decimal("0"),
        beneficiary_households=3,
        beneficiary_poor_households=5,
        planned_start=datetime.date(2025, 5, 1),
        planned_end=datetime.date(2025, 4, 1),
        category="rural_construction",
    )
    project.policy = PolicyFactory(
        workflow=WORKFLOW, version="旧", values={"category_list": "2018"}
    )
    with pytest.raises(ValidationError) as err:
        project.clean()
    assert set(err.value.message_dict) == {
        "total_funds", "planned_end", "beneficiary_poor_households", "category"
    }  # fmt: skip
    assert err.value.message_dict["total_funds"] == [
        "各来源资金合计5.00万元，与总投资10.00万元不一致"
    ]


@pytest.mark.parametrize(
    ("notice_state", "resolver", "upheld_to"),
    [
        ("village_notice", "cadre", "draft"),
        ("township_notice", "reviewer", "township_review"),
        ("county_notice", "approver", "county_review"),
        ("completion_notice", "office", "township_accepted"),
    ],
)
def test_objections_in_each_notice(county, people, notice_state, resolver, upheld_to):
    upheld = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre), people, notice_state
    )
    dismissed = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre), people, notice_state
    )
    for project, action in [(upheld, "uphold_objection"), (dismissed, "dismiss_objection")]:
        objection = file_objection(project, name="村民甲", text="受益户名单有误")
        assert running_notice(project).is_suspended
        assert project in queue_for(getattr(people, resolver), WORKFLOW)
        for outsider in (people.outsider, people.auditor):
            with pytest.raises(PermissionDenied):
                perform(project, action, outsider, comment="x", data={"objection": objection.pk})
        perform(
            project,
            action,
            getattr(people, resolver),
            comment="已核实",
            data={"objection": objection.pk},
        )
    assert reload(upheld).state == upheld_to
    assert reload(dismissed).state == notice_state
    assert not running_notice(dismissed).is_suspended


@pytest.mark.parametrize(
    ("state", "action", "who_region", "role"),
    [
        ("draft", "submit_for_deliberation", "v12", "village_committee"),
        ("township_review", "township_approve", "t2", "township_reviewer"),
        ("county_review", "county_approve", "other_county", "county_approver"),
        ("in_library", "include_in_plan", "other_county", "county_office"),
    ],
)
def test_nobody_acts_outside_their_jurisdiction(
    project, people, county, state, action, who_region, role
):
    advance(project, people, state)
    stranger = RoleAssignmentFactory(role=role, region=getattr(county, who_region)).user
    with pytest.raises(PermissionDenied):
        perform(project, action, stranger, comment="x")
    assert project not in queue_for(stranger, WORKFLOW)
    assert reload(project).state == state


def test_a_county_approver_approves_a_batch_and_sees_what_was_refused(county, people):
    ready = [
        advance(
            ProjectApplicationFactory(region=v, creator=None),
            people_for(v, people),
            "county_review",
        )
        for v in (county.v11, county.v12, county.v21)
    ]
    too_early = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre),
        people,
        "township_review",
    )
    gutted = advance(
        ProjectApplicationFactory(region=county.v11, creator=people.cadre), people, "county_review"
    )
    gutted.performance_targets.all().delete()
    foreign = ProjectApplicationFactory(region=county.other_village)
    batch = list(queue_for(people.approver, WORKFLOW))
    assert set(batch) == {*ready, gutted}
    result = perform_bulk(
        [*batch, too_early, foreign], "county_approve", people.approver, comment="同意"
    )
    assert {p for p, _ in result.done} == set(ready)
    refused = dict(result.refused)
    assert refused[gutted] == ["至少填写一项绩效目标，否则项目不能入库"]
    assert refused[too_early] == ["当前状态“乡镇审核”不能执行“审批通过”"]
    assert "县级审批" in refused[foreign][0]
    for project in ready:
        assert reload(project).state == "county_notice"
        assert AuditEntry.objects.for_object(project).filter(action="county_approve").count() == 1
    for project in (gutted, too_early):
        assert not AuditEntry.objects.for_object(project).filter(action="county_approve").exists()
    assert reload(gutted).state == "county_review"


def people_for(village, people):
    """The county's people, with a village cadre and a township reviewer for ``village``."""
    from types import SimpleNamespace

    cadre = RoleAssignmentFactory(role="village_committee", region=village).user
    reviewer = RoleAssignmentFactory(role="township_reviewer", region=village.parent).user
    return SimpleNamespace(**{**vars(people), "cadre": cadre, "reviewer": reviewer})


def test_attachments_keep_their_hash_in_the_audit_entry(project, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = ProjectAttachmentFactory(
        project=project, uploader=people.cadre, content=b"%PDF minutes"
    )
    entry = AuditEntry.objects.for_object(project).last()
    assert entry.action == "add_attachment"
    assert (entry.from_state, entry.to_state) == ("draft", "draft")
    assert entry.data["upload"] == attachment.sha256 == hashlib.sha256(b"%PDF minutes").hexdigest()
    assert entry.data["upload_name"] == "会议记录.pdf"
    assert attachment.file.read() == b"%PDF minutes"


def test_attachments_are_refused_where_the_step_does_not_allow_them(
    project, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    advance(project, people, "township_review")
    with pytest.raises(TransitionNotAllowed):
        ProjectAttachmentFactory(project=project, uploader=people.cadre)
    draft = ProjectApplicationFactory(region=project.region, creator=people.cadre)
    with pytest.raises(PermissionDenied):
        ProjectAttachmentFactory(project=draft, uploader=people.reviewer)


def test_the_reviewer_sees_every_action_and_why_some_are_greyed(project, people):
    advance(project, people, "township_review")
    actions = {a.name: a for a in available_actions(project, people.reviewer)}
    assert set(actions) == {"township_approve", "return_for_revision", "township_reject"}
    assert all(a.allowed for a in actions.values())
    cadre = {a.name: a for a in available_actions(project, people.cadre)}
    assert not any(a.allowed for a in cadre.values())


def test_seed_demo_holds_a_project_in_every_state(db):
    call_command("seed_demo", stdout=io.StringIO())
    states = set(ProjectApplication.objects.values_list("state", flat=True))
    assert states == set(ProjectApplication.workflow.states)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")
