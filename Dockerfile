FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir "uv>=0.9" && UV_PROJECT_ENVIRONMENT=/venv uv sync --frozen --no-dev
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=mcu_console.settings
COPY . .
RUN MCU_ENV=production DJANGO_SECRET_KEY=build-only-collectstatic python manage.py collectstatic --no-input
EXPOSE 8000
CMD ["gunicorn", "mcu_console.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
