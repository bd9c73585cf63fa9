"""viewflow registers its own admin pages for every process and task; they list rows of every
county to anyone with Django's model permissions and let them be edited outside the
rectification service, so the site does not offer them. A problem's rounds and tasks are shown on
the problem's own pages, scoped to the reader."""

from django.contrib import admin
from viewflow.workflow.models import Process, Task

admin.site.unregister(Process)
admin.site.unregister(Task)
