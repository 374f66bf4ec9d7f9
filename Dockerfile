# The Strata API image: `docker compose up` runs it against the `neo4j` service.
# Needs no Java or Maven: STRATA_NEO4J_URI points at an external Neo4j, so nothing local starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the package build needs (pyproject names README.md as the long description).
COPY pyproject.toml README.md ./
COPY api ./api
COPY cypher ./cypher
COPY graph ./graph
COPY ingest ./ingest
COPY query ./query
COPY strata ./strata
COPY LICENSE ./
RUN pip install . && rm -rf /src

RUN useradd --system --create-home --uid 10001 strata
USER strata
WORKDIR /home/strata

EXPOSE 8000
CMD ["strata", "serve", "--host", "0.0.0.0", "--port", "8000"]
