"""Demo data that reads like a village's register: names fitting each person's recorded sex and
generation, varied household sizes and causes, and real-sounding project names."""

import random

from workflows.household import demo as household_demo
from workflows.household import demo_names
from workflows.project_library.demo import project_names


def given_names(sex):
    return {name for (s, _generation), names in demo_names.GIVEN.items() if s == sex
            for name in names.split()}  # fmt: skip


def test_every_members_name_fits_the_sex_their_id_number_records(county, people):
    homes = [household_demo.new_household(county.v11, n, people, size=None) for n in range(1, 9)]
    members = [m for home in homes for m in home.members.all()]
    assert {m.sex for m in members} == {"male", "female"}
    for member in members:
        assert member.name[1:] in given_names(member.sex), (member.name, member.sex)
    spouses = [m for m in members if m.relation == "spouse"]
    assert spouses and all(m.sex == "female" for m in spouses)
    assert len({home.members.count() for home in homes}) >= 3
    assert len({home.main_cause for home in homes}) >= 3
    assert len({home.head_name for home in homes}) == len(homes)


def test_a_named_head_keeps_his_name_and_the_family_its_four():
    family = demo_names.family(random.Random(1), 4, "王建国")
    assert family[0].name == "王建国" and family[0].sex == "male"
    assert [p.relation for p in family] == ["head", "spouse", "child", "child"]
    assert all(p.name.startswith("王") for p in family if p.relation == "child")


def test_the_same_seed_draws_the_same_household():
    def draw(seed):
        rng = random.Random(seed)
        return demo_names.family(rng, 6), demo_names.causes(rng)

    assert draw("620/1") == draw("620/1")
    assert draw("620/1") != draw("620/2")


def test_project_names_differ_and_name_the_village():
    names = project_names(random.Random(3), "城关村", 30)
    assert len(set(names)) == 30
    assert all(name.startswith("城关村") for name in names)
    assert names == project_names(random.Random(3), "城关村", 30)
