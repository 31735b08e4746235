"""The model service: memoized answers with their measured time, across processes, surviving dead workers."""

import concurrent.futures
import os
import signal
import sqlite3
import time

import pytest

from approxmlir.compound import Answer, AnswerMemo, ModelService, ModelServiceError, Request
from approxmlir.compound.local_workers import LocalModels


class Counting:
    """A generator that records its calls and takes a known time."""

    def __init__(self, delay: float, tag: str):
        self.calls = []
        self.delay, self.tag = delay, tag

    def answer(self, question: str, context: str) -> str:
        self.calls.append((question, context))
        if question == "crash":  # a worker that dies (killed, out of memory) while answering
            os.kill(os.getpid(), signal.SIGKILL)
        if question.startswith("slow"):
            time.sleep(3.0)
        time.sleep(self.delay)
        return f"{self.tag}:{question[::-1]}"


class Confident(Counting):
    """A generator that also says how sure it is: the question's length as a log-probability."""

    def answer_with_confidence(self, question: str, context: str) -> tuple[str, float]:
        return self.answer(question, context), -0.25 * len(question)


def echo_variants(delay: float = 0.0):
    """The tests' model factory (runs in the workers)."""
    return {"pro": Counting(delay, "pro"), "fast": Counting(delay / 4, "fast"), "sure": Confident(0.0, "sure")}


def no_variants():
    return {}


def test_answers_are_memoized_with_their_measured_time(tmp_path):
    pro = Counting(0.05, "pro")
    models = LocalModels({"pro": pro}, AnswerMemo(tmp_path / "answers.sqlite"))
    first = models.answer(Request("pro", "abc", "p"))
    assert (first.text, first.cached) == ("pro:cba", False)
    assert 0.05 <= first.seconds < 1.0
    again = models.answer(Request("pro", "abc", "p"))
    assert (again.text, again.seconds, again.cached) == (first.text, first.seconds, True)
    assert pro.calls == [("abc", "p")]
    # Persistent: a new memo object on the same file knows the answer.
    reopened = LocalModels({"pro": pro}, AnswerMemo(tmp_path / "answers.sqlite")).answer(Request("pro", "abc", "p"))
    assert reopened.cached and pro.calls == [("abc", "p")]


def test_variant_question_and_context_all_key_the_memo(tmp_path):
    memo = AnswerMemo(tmp_path / "answers.sqlite")
    models = LocalModels(echo_variants(), memo)
    assert models.answer(Request("pro", "x", "p")).text == "pro:x"
    assert models.answer(Request("fast", "x", "p")).text == "fast:x"
    assert models.answer(Request("pro", "y", "p")).text == "pro:y"
    assert models.answer(Request("pro", "y", "another passage")).text == "pro:y"
    assert len(memo) == 4
    with pytest.raises(ValueError, match="unknown model variant 'huge'"):
        models.answer(Request("huge", "x", "p"))


def test_a_generator_s_confidence_is_memoized_with_its_answer(tmp_path):
    path = tmp_path / "answers.sqlite"
    models = LocalModels(echo_variants(), AnswerMemo(path))
    assert models.answer(Request("sure", "abcd", "p")).confidence == -1.0
    assert models.answer(Request("pro", "abcd", "p")).confidence is None  # it does not say
    reopened = LocalModels(echo_variants(), AnswerMemo(path))
    again = reopened.answer(Request("sure", "abcd", "p"))
    assert (again.text, again.confidence, again.cached) == ("sure:dcba", -1.0, True)


def test_a_memo_from_before_confidences_keeps_its_answers(tmp_path):
    path = tmp_path / "answers.sqlite"
    old = sqlite3.connect(str(path))
    old.execute(
        "CREATE TABLE answers (key TEXT PRIMARY KEY, variant TEXT, question TEXT, passage TEXT, answer TEXT, seconds REAL)"
    )
    request = Request("pro", "abc", "p")
    old.execute("INSERT INTO answers VALUES (?, 'pro', 'abc', 'p', 'old answer', 2.5)", (AnswerMemo.key(request),))
    old.commit()
    old.close()
    memo = AnswerMemo(path)
    assert memo.get(request) == Answer("old answer", 2.5, True, None)
    memo.put(Request("sure", "x", "p"), "sure:x", 0.1, -0.5)
    assert memo.get(Request("sure", "x", "p")).confidence == -0.5 and len(memo) == 2


def _ask_in_child(client, request):
    pid = os.fork()
    if pid == 0:  # a forked evaluation, as the tuner runs them
        os._exit(0 if client.answer(request).text == "fast:olleh" else 1)
    return os.waitpid(pid, 0)[1]


def test_local_service_serves_threads_and_forked_clients_in_parallel(tmp_path):
    with ModelService(
        f"{__name__}:echo_variants", tmp_path / "answers.sqlite", factory_kwargs={"delay": 0.4}, workers=2
    ) as service:
        client = service.client()
        assert _ask_in_child(client, Request("fast", "hello", "p")) == 0
        assert client.answer(Request("fast", "hello", "p")).cached  # the child's answer, from the memo
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(client.answer, [Request("pro", "a", "p"), Request("pro", "b", "p")]))
        assert [a.text for a in answers] == ["pro:a", "pro:b"]
        assert all(0.4 <= a.seconds < 1.5 for a in answers)
        assert client.answer(Request("sure", "ab", "p")).confidence == -0.5  # from a worker process
        assert time.perf_counter() - start < 0.75  # on two workers at once
        with pytest.raises(ValueError, match="unknown model variant"):
            client.answer(Request("huge", "x", "p"))


def test_a_killed_worker_is_restarted_and_its_request_retried(tmp_path):
    with ModelService(f"{__name__}:echo_variants", tmp_path / "answers.sqlite") as service:
        client = service.client()
        assert client.answer(Request("pro", "before", "p")).text == "pro:erofeb"
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(client.answer, Request("pro", "slow one", "p"))
            time.sleep(1.0)  # the worker is generating
            os.kill(service.workers.process(0).pid, signal.SIGKILL)
            reply = pending.result(timeout=60)
        assert (reply.text, reply.cached) == ("pro:eno wols", False)
        assert client.answer(Request("pro", "before", "p")).cached  # nothing memoized was lost
        assert len(AnswerMemo(tmp_path / "answers.sqlite")) == 2


def test_a_request_whose_worker_dies_twice_fails_and_the_service_goes_on(tmp_path):
    with ModelService(f"{__name__}:echo_variants", tmp_path / "answers.sqlite") as service:
        client = service.client()
        with pytest.raises(ModelServiceError, match="failed 2 times: its worker died"):
            client.answer(Request("pro", "crash", "p"))
        assert client.answer(Request("pro", "after", "p")).text == "pro:retfa"


def test_a_service_that_cannot_load_its_models_says_why(tmp_path):
    with pytest.raises(ModelServiceError, match="returned no model variants"):
        ModelService(f"{__name__}:no_variants", tmp_path / "answers.sqlite")
    with pytest.raises(ValueError, match="unknown model service backend"):
        ModelService(f"{__name__}:echo_variants", tmp_path / "answers.sqlite", backend="ray")
    with pytest.raises(ValueError, match="not 'module:function'"):
        ModelService("echo_variants", tmp_path / "answers.sqlite")


def test_dask_service_on_a_local_cluster(tmp_path):
    with ModelService(f"{__name__}:echo_variants", tmp_path / "answers.sqlite", backend="dask", workers=2) as service:
        assert service.workers.scheduler_address.startswith("tcp://127.0.0.1:")  # localhost only
        client = service.client()
        reply = client.answer(Request("pro", "abc", "p"))
        assert (reply.text, reply.cached) == ("pro:cba", False)
        assert client.answer(Request("pro", "abc", "p")).cached
        assert client.answer(Request("sure", "abc", "p")).confidence == -0.75
        assert _ask_in_child(client, Request("fast", "hello", "p")) == 0
        with pytest.raises(ValueError, match="unknown model variant"):
            client.answer(Request("huge", "x", "p"))
    assert len(AnswerMemo(tmp_path / "answers.sqlite")) == 3


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
