"""The parts demo households are made of, so that they read like a village's register: names that
fit each person's sex and generation, families of different sizes and shapes, and varied causes.

Everything is drawn from a ``random.Random`` the caller seeds, so the same seed gives the same
household on every run (the demo is idempotent, and tests can name what they will find).
"""

import dataclasses
import datetime
import random

from .choices import Cause, Relation

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈彭吕苏蒋蔡贾丁魏薛"
)
# Given names by sex and by generation: people born before 1980, and their children.
GIVEN = {
    ("male", "older"): "建国 建军 志强 国华 福生 长顺 永明 德明 春生 立新 振华 保平 双喜 有福",
    ("male", "younger"): "俊杰 文斌 海涛 子豪 浩然 宇航 家乐 天佑 志鹏 博文 明轩 小军",
    ("female", "older"): "秀英 桂兰 玉兰 春梅 淑珍 凤英 翠芬 彩霞 金花 兰芳 桂香 秀珍",
    ("female", "younger"): "丽娟 海燕 红霞 小花 雨涵 欣怡 梓涵 思琪 佳怡 美玲 雅婷 晓燕",
}
YOUNGER_FROM = 1980
# The youngest a demo member may be: born before the year their household is assessed.
LAST_BORN = 2017
# How many people a household has, as often as a village's register has them.
SIZES = (1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6)
# Main causes as often as they are recorded (illness and lack of skills lead); other causes drawn
# from the rest of the list.
MAIN_CAUSES = (
    *[Cause.ILLNESS] * 4, *[Cause.SKILLS] * 3, *[Cause.LABOUR] * 2, *[Cause.CAPITAL] * 2,
    Cause.DISABILITY, Cause.SCHOOLING, Cause.DISASTER, Cause.LAND, Cause.WATER, Cause.TRANSPORT,
    Cause.MOTIVATION,
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    relation: str
    sex: str
    born: datetime.date


def given_name(rng: random.Random, sex: str, born: datetime.date) -> str:
    generation = "younger" if born.year >= YOUNGER_FROM else "older"
    return rng.choice(GIVEN[sex, generation].split())


def _born(rng: random.Random, first: int, last: int) -> datetime.date:
    start = datetime.date(first, 1, 1)
    days = (datetime.date(last, 12, 31) - start).days
    return start + datetime.timedelta(days=rng.randrange(days))


def family(rng: random.Random, size: int, head: str = "") -> list[Person]:
    """A household of ``size``, head first: the head (a man when ``head`` names him, else drawn,
    now and then a widowed woman), then a spouse, children, a parent and a grandchild as the
    size allows. Children carry the head's surname; a spouse has a surname of their own."""
    head_sex = "male" if head or rng.random() < 0.85 else "female"
    head_born = _born(rng, 1952, 1980)
    surname = head[0] if head else rng.choice(SURNAMES)
    head = head or surname + given_name(rng, head_sex, head_born)
    people = [Person(head, Relation.HEAD, head_sex, head_born)]
    plan = [Relation.SPOUSE] if head_sex == "male" else []
    plan += [Relation.CHILD] * 3 + [Relation.PARENT, Relation.GRANDCHILD]
    for relation in plan[: size - 1]:
        if relation == Relation.SPOUSE:
            sex, born = "female", _born(rng, head_born.year - 3, head_born.year + 4)
            name = rng.choice(SURNAMES) + given_name(rng, sex, born)
        else:
            sex = rng.choice(("male", "female"))
            first = {
                Relation.CHILD: head_born.year + 20,
                Relation.PARENT: head_born.year - 30,
                Relation.GRANDCHILD: head_born.year + 42,
            }[relation]
            first = min(first, LAST_BORN - 3)
            born = _born(rng, first, min(first + 12, LAST_BORN))
            name = surname + given_name(rng, sex, born)
        people.append(Person(name, relation, sex, born))
    return people


def causes(rng: random.Random) -> tuple[str, list[str]]:
    """A main cause and none to two others, none of them the main one."""
    main = rng.choice(MAIN_CAUSES)
    others = rng.sample([c for c in Cause.values if c != main], rng.choice((0, 1, 1, 2)))
    return main, sorted(others)
