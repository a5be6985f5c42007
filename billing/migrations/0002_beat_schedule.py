"""The bill run on the 1st at 02:00 Asia/Shanghai, and the hourly metering of the current month (issue 7)."""

from django.db import migrations

BILL_RUN = ("billing: bill the previous month", "billing.bill_previous_month")
HOURLY = ("billing: meter the current month", "billing.meter_current_month")


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_month="1", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="*", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(name=BILL_RUN[0], defaults={"task": BILL_RUN[1], "crontab": monthly})
    PeriodicTask.objects.get_or_create(name=HOURLY[0], defaults={"task": HOURLY[1], "crontab": hourly})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[BILL_RUN[0], HOURLY[0]]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
