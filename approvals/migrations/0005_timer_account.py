"""The timers' account, made before anyone could take its name: no usable password, inactive,
no powers. An account that already bears the name is stripped of every way in and becomes it."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations


def create_timer_account(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    user, _created = User.objects.get_or_create(username=settings.APPROVALS_SYSTEM_USERNAME)
    user.password = make_password(None)
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_audit_keys_and_checkpoints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_timer_account, migrations.RunPython.noop)]
