"""Render and announce new orders' contracts every minute (issue 5: "notified when the contract is ready")."""

from django.db import migrations

TASK = "contracts.prepare_new"
NAME = "contracts: render and announce new contracts"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={"task": TASK, "interval": every})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_deliver_pending_schedule")]

    operations = [migrations.RunPython(schedule, unschedule)]
