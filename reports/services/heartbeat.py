"""A running export job's progress and sign of life, written from a connection of its own.

While `COPY … TO STDOUT` streams, the job's database connection is busy: a progress UPDATE
on it would wait for the COPY to finish, and the COPY would wait for Python to read — the
hang of issue 13. So the export only counts rows in memory (`JobHeartbeat.progress`), and a
small thread, which has its own Django connection (connections are per thread), writes
`rows_done` and `heartbeat_at` every `REPORTS_JOB_HEARTBEAT_SECONDS`. The heartbeat also
keeps going while openpyxl zips a large workbook, when no row callback runs.

A RUNNING job whose heartbeat is older than `REPORTS_JOB_STALE_SECONDS` lost its worker:
`export_jobs_recover` queues it again and `_claim` in `exports` lets the new run take it.
"""

import logging
import threading
from datetime import datetime

from django.db import DatabaseError, connections
from django.utils import timezone

from ..models import ExportJob

logger = logging.getLogger(__name__)


class JobHeartbeat:
    """Use as a context manager around the streaming; pass `progress` as the row callback."""

    def __init__(self, job_id: int, started_at: datetime, interval: float):
        self.job_id = job_id
        self.started_at = started_at
        self.interval = max(float(interval), 0.05)
        self.rows_done = 0
        self.beats = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"export-heartbeat-{job_id}", daemon=True
        )

    def progress(self, done: int) -> None:
        # Memory only: never touches the connection the rows stream on.
        self.rows_done = done

    def _beat(self) -> None:
        # Only this run's claim: if another worker took the job over, this one stops counting.
        ExportJob.objects.filter(
            pk=self.job_id, status=ExportJob.Status.RUNNING, started_at=self.started_at
        ).update(rows_done=self.rows_done, heartbeat_at=timezone.now())
        self.beats += 1

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self._beat()
                except DatabaseError:
                    logger.warning("heartbeat of export job %s failed", self.job_id, exc_info=True)
        finally:
            # This thread's connections only: the streaming connection is the caller's.
            connections.close_all()

    def __enter__(self) -> "JobHeartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
