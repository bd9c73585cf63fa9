from django.core.management.base import BaseCommand

from roles.models import RoleAssignment, sync_region_permission


class Command(BaseCommand):
    help = (
        "Bring the django-guardian region permissions in line with the role assignments in force "
        "today (run daily: it revokes what expired and grants what started)."
    )

    def handle(self, *args, **options):
        seen = set()
        assignments = RoleAssignment.objects.select_related("user", "region").order_by("pk")
        for assignment in assignments.iterator():
            key = (assignment.user_id, assignment.role, assignment.region_id)
            if key not in seen:
                seen.add(key)
                sync_region_permission(assignment.user, assignment.role, assignment.region)
        self.stdout.write(f"synced {len(seen)} permissions")
