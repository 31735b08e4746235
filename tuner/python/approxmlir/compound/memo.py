"""The model service's memo: (variant, question, context) -> (answer, measured seconds, confidence).

Persistent and process-safe (SQLite in WAL mode): a tuning run's evaluations,
in any process, and a later run on the same file share it. Every answer is
committed as soon as it is known, so a worker or evaluation that dies loses
nothing already answered.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pathlib
import sqlite3
import threading
from typing import Optional


@dataclasses.dataclass(frozen=True)
class Request:
    """What a model stage asks: `variant` (a model variant's name) about `question` given `context`."""

    variant: str
    question: str
    context: str = ""


@dataclasses.dataclass(frozen=True)
class Answer:
    text: str
    seconds: float  # of the generation when it really ran
    cached: bool
    confidence: Optional[float] = None  # as the generator reported it (generators.Generator), if it did


class AnswerMemo:
    """Request -> Answer, persistent (SQLite, WAL) and safe across threads and processes."""

    def __init__(self, path: os.PathLike):
        self.path = pathlib.Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=60.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, variant TEXT, question TEXT, "
            "passage TEXT, answer TEXT, seconds REAL, confidence REAL)"
        )
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(answers)")}
        if "confidence" not in columns:  # a memo written before answers had a confidence
            self._db.execute("ALTER TABLE answers ADD COLUMN confidence REAL")
        self._db.commit()
        self._lock = threading.Lock()

    @staticmethod
    def key(request: Request) -> str:
        text = f"{request.variant}\0{request.question}\0{request.context}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, request: Request) -> Optional[Answer]:
        with self._lock:
            row = self._db.execute(
                "SELECT answer, seconds, confidence FROM answers WHERE key = ?", (self.key(request),)
            ).fetchone()
        return Answer(row[0], row[1], True, row[2]) if row else None

    def put(self, request: Request, text: str, seconds: float, confidence: Optional[float] = None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (key, variant, question, passage, answer, seconds, confidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.key(request), request.variant, request.question, request.context, text, seconds, confidence),
            )
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]


# One connection per process and file: a connection must not cross a fork.
_OPEN: dict[int, dict[str, AnswerMemo]] = {}


def open_memo(path: os.PathLike) -> AnswerMemo:
    """This process's AnswerMemo on `path` (opened once per process)."""
    memos = _OPEN.setdefault(os.getpid(), {})
    key = os.fspath(path)
    if key not in memos:
        memos[key] = AnswerMemo(key)
    return memos[key]
