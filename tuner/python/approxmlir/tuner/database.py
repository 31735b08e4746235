"""The results database: every evaluation, written as it finishes.

SQLite in WAL mode with a commit per evaluation, so a run killed at any point
(even `kill -9`) keeps everything it finished, and a new run of the same study
resumes from it without evaluating those configurations again.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import threading
import time
from typing import Iterator, Optional

from approxmlir.tuner.executors import Outcome

_SCHEMA = """
CREATE TABLE IF NOT EXISTS studies (
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE NOT NULL,
    space TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluations (
    id INTEGER PRIMARY KEY,
    study_id INTEGER NOT NULL REFERENCES studies(id),
    split TEXT NOT NULL,
    config_key TEXT NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    time_ms REAL,
    accuracy REAL,
    error TEXT,
    started REAL,
    finished REAL,
    workdir TEXT,
    log_path TEXT,
    scores TEXT,
    UNIQUE (study_id, split, config_key)
);
"""


@dataclasses.dataclass(frozen=True)
class Record:
    """One finished evaluation."""

    config_key: str
    config: dict
    split: str
    status: str
    time_ms: Optional[float]
    accuracy: Optional[float]
    error: Optional[str]
    started: Optional[float]
    finished: Optional[float]
    workdir: Optional[str]
    log_path: Optional[str]
    scores: Optional[tuple[float, ...]] = None  # one QoS score per input, when evaluate_fn gives them

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class ResultsDB:
    def __init__(self, path: os.PathLike | str):
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(evaluations)")}
        if "scores" not in columns:  # a database written before per-input scores
            self._db.execute("ALTER TABLE evaluations ADD COLUMN scores TEXT")

    def study(self, name: str, space_fingerprint: str) -> int:
        """The id of the study `name`, created if new. A study is tied to one
        search space: reusing its name for another space is an error."""
        with self._lock:
            row = self._db.execute("SELECT id, space FROM studies WHERE name = ?", (name,)).fetchone()
            if row is not None:
                if row[1] != space_fingerprint:
                    raise ValueError(
                        f"study {name!r} in {self.path} belongs to another search space "
                        f"({row[1]} != {space_fingerprint}); choose another study name or database"
                    )
                return row[0]
            cursor = self._db.execute(
                "INSERT INTO studies (name, space, created) VALUES (?, ?, ?)", (name, space_fingerprint, time.time())
            )
            return cursor.lastrowid

    def record(self, study_id: int, split: str, config_key: str, config: dict, outcome: Outcome) -> Record:
        r = Record(
            config_key,
            config,
            split,
            outcome.status,
            outcome.time_ms,
            outcome.accuracy,
            outcome.error,
            outcome.started,
            outcome.finished,
            outcome.workdir,
            outcome.log_path,
            outcome.scores,
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO evaluations (study_id, split, config_key, config, status, time_ms, "
                "accuracy, error, started, finished, workdir, log_path, scores) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    study_id,
                    r.split,
                    r.config_key,
                    json.dumps(r.config, sort_keys=True),
                    r.status,
                    r.time_ms,
                    r.accuracy,
                    r.error,
                    r.started,
                    r.finished,
                    r.workdir,
                    r.log_path,
                    None if r.scores is None else json.dumps(list(r.scores)),
                ),
            )
        return r

    def records(self, study_id: int, split: str = "tune") -> Iterator[Record]:
        with self._lock:
            rows = self._db.execute(
                "SELECT config_key, config, split, status, time_ms, accuracy, error, started, finished, workdir, "
                "log_path, scores FROM evaluations WHERE study_id = ? AND split = ? ORDER BY id",
                (study_id, split),
            ).fetchall()
        for row in rows:
            scores = None if row[11] is None else tuple(json.loads(row[11]))
            yield Record(row[0], json.loads(row[1]), *row[2:11], scores)

    def close(self) -> None:
        with self._lock:
            self._db.close()
