"""Time at the edges: stored in UTC, shown and billed in Asia/Shanghai (DESIGN §2)."""

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def display_tz() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def local_now() -> dt.datetime:
    return timezone.now().astimezone(display_tz())


def local_today() -> dt.date:
    return local_now().date()


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in Asia/Shanghai, as aware datetimes."""
    tz = display_tz()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    days = calendar.monthrange(year, month)[1]
    return start, start + dt.timedelta(days=days)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def start_of_local_day(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=display_tz())
