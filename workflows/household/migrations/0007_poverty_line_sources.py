"""Each poverty line names its source and says whether its figure has been checked against a
public text; the missing national lines (2014, 2017, 2018) and Gansu's 2018 line are added.

The national figures are the current-price values of the 2010 line of 2,300 yuan as the national
statistics office reported them; none has been checked against the original text here, so all
are unverified. Gansu's 2018 line is the 3,700 yuan a county text of 2018 states (seed 003).
A line already in the table keeps its amount; only an empty source is filled in.
"""

from decimal import Decimal

from django.db import migrations, models

NBS = "国家统计局按现行农村贫困标准（2010年不变价2300元）折算的当年标准"
NATIONAL = {
    2013: ("2736", NBS),
    2014: ("2800", NBS),
    2015: ("2855", NBS),
    2016: ("3026", "地方退出测算中使用的当年标准（约数）"),
    2017: ("2952", NBS),
    2018: ("2995", NBS),
    2019: ("3218", NBS),
    2020: ("4000", "各地脱贫攻坚收官之年通行的约数"),
}
GANSU_2018 = (
    "62",
    2018,
    "3700",
    "宕昌县委书记李平生《振奋精神 拼命冲刺 奋力发起脱贫攻坚集中攻势》，"
    "《党的建设》2018年第11期：“人均纯收入以3700元为标准”",
)


def add(apps, schema_editor):
    PovertyLine = apps.get_model("household", "PovertyLine")
    rows = [("", year, amount, source, False) for year, (amount, source) in NATIONAL.items()]
    prefix, year, amount, source = GANSU_2018
    rows.append((prefix, year, amount, source, True))
    for prefix, year, amount, source, verified in rows:
        line, created = PovertyLine.objects.get_or_create(
            year=year,
            region_prefix=prefix,
            defaults={"amount": Decimal(amount), "source": source, "verified": verified},
        )
        if not created and not line.source and line.amount == Decimal(amount):
            line.source, line.verified = source, verified
            line.save(update_fields=["source", "verified"])


def remove(apps, schema_editor):
    PovertyLine = apps.get_model("household", "PovertyLine")
    PovertyLine.objects.filter(region_prefix="", year__in=[2014, 2017, 2018]).delete()
    PovertyLine.objects.filter(region_prefix=GANSU_2018[0], year=GANSU_2018[1]).delete()


class Migration(migrations.Migration):
    dependencies = [("household", "0006_village_cadre_rule_off")]

    operations = [
        migrations.AddField(
            model_name="povertyline",
            name="source",
            field=models.TextField(
                blank=True, help_text="公布该标准的文件或出处", verbose_name="来源"
            ),
        ),
        migrations.AddField(
            model_name="povertyline",
            name="verified",
            field=models.BooleanField(
                default=False, help_text="已对照公开的原文核实该数额", verbose_name="已核实"
            ),
        ),
        migrations.RunPython(add, remove),
    ]
