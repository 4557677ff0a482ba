# incidentbot: one process, HTTP mode. SQLite by default (mount /data), or set DATABASE_URL to PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY incidentbot ./incidentbot
COPY migrations ./migrations
RUN pip install . && useradd --create-home --uid 10001 incidentbot && mkdir /data && chown incidentbot /data
COPY runbooks ./runbooks

USER incidentbot
WORKDIR /data
ENV DATABASE_URL=sqlite:////data/incidentbot.db
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz').status == 200 else 1)"
CMD ["incidentbot", "serve", "--host", "0.0.0.0", "--port", "3000"]
