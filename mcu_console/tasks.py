from celery import shared_task


@shared_task(name="mcu_console.echo")
def echo(value: str) -> str:
    """Round-trip probe for /healthz-style checks and the real-worker test."""
    return value
