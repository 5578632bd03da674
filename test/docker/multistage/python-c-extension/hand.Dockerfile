# Hand-optimised: a venv without pip and setuptools, only the app file ships.
FROM local/python:3.11 AS build
RUN python3 -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /src
COPY requirements.txt ./
COPY vendor ./vendor
RUN pip install --no-cache-dir --no-index --no-compile -r requirements.txt \
 && pip uninstall -y pip setuptools \
 && find /opt/venv -name __pycache__ -prune -exec rm -rf {} +

FROM local/python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /srv/app
COPY app.py ./
CMD ["python", "app.py"]
