"""Sweep paid-but-undelivered orders every 5 minutes (issue 5: delivery is never silently dropped).

The task is `orders.deliver_pending` (orders/tasks.py); the schedule lives here because the contracts
app owns the contract-to-cash migrations.
"""

from django.db import migrations

TASK = "orders.deliver_pending"
NAME = "orders: deliver paid orders still waiting"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": every})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
