"""The LLM service: memoized answers with their measured time, across processes."""

import concurrent.futures
import os
import time

import pytest

from approxbench.llm_service import AnswerCache, LLMService, LocalLLMs


class Counting:
    """A generator that records its calls and takes a known time."""

    def __init__(self, delay: float, tag: str):
        self.calls = []
        self.delay, self.tag = delay, tag

    def answer(self, question: str, passage: str) -> str:
        self.calls.append((question, passage))
        time.sleep(self.delay)
        return f"{self.tag}:{question[::-1]}"


def echo_variants(delay: float = 0.0):
    """Factory for the service tests (runs in the server process)."""
    return {"pro": Counting(delay, "pro"), "fast": Counting(delay / 4, "fast")}


def test_answers_are_memoized_with_their_measured_time(tmp_path):
    pro = Counting(0.05, "pro")
    llms = LocalLLMs({"pro": pro}, AnswerCache(tmp_path / "answers.sqlite"))
    first = llms.answer("pro", "abc", "p")
    assert (first.text, first.cached) == ("pro:cba", False)
    assert 0.05 <= first.seconds < 1.0
    again = llms.answer("pro", "abc", "p")
    assert (again.text, again.seconds, again.cached) == (first.text, first.seconds, True)
    assert pro.calls == [("abc", "p")]
    # Persistent: a new cache object on the same file knows the answer.
    reopened = LocalLLMs({"pro": pro}, AnswerCache(tmp_path / "answers.sqlite")).answer("pro", "abc", "p")
    assert reopened.cached and pro.calls == [("abc", "p")]


def test_variant_and_prompt_both_key_the_cache(tmp_path):
    cache = AnswerCache(tmp_path / "answers.sqlite")
    llms = LocalLLMs(echo_variants(), cache)
    assert llms.answer("pro", "x", "p").text == "pro:x"
    assert llms.answer("fast", "x", "p").text == "fast:x"
    assert llms.answer("pro", "y", "p").text == "pro:y"
    assert llms.answer("pro", "y", "another passage").text == "pro:y"
    assert len(cache) == 4
    with pytest.raises(ValueError, match="unknown model variant 'huge'"):
        llms.answer("huge", "x", "p")


def test_service_serves_forked_clients(tmp_path):
    with LLMService(f"{__name__}:echo_variants", tmp_path / "answers.sqlite",
                    factory_kwargs={"delay": 0.02}) as service:
        client = service.client()
        assert client.answer("fast", "hello", "p").text == "fast:olleh"
        pid = os.fork()
        if pid == 0:  # a forked evaluation, as the tuner runs them
            answer = client.answer("fast", "hello", "p")
            os._exit(0 if answer.cached and answer.text == "fast:olleh" else 1)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
        with pytest.raises(ValueError, match="unknown model variant"):
            client.answer("huge", "x", "p")


class WhoAnswers:
    """Replies with the id of the server process, slowly enough for requests to overlap."""

    def answer(self, question: str, passage: str) -> str:
        time.sleep(0.5)
        return str(os.getpid())


def pid_variants():
    return {"pro": WhoAnswers()}


def test_two_workers_answer_two_questions_at_once_and_clients_read_the_memo(tmp_path):
    service = LLMService(f"{__name__}:pid_variants", tmp_path / "answers.sqlite", workers=2)
    with service:
        client = service.client()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            replies = list(pool.map(lambda q: client.answer("pro", q, "p"), ["one", "two"]))
        assert len({r.text for r in replies}) == 2  # two server processes answered
        assert all(not r.cached and r.seconds >= 0.5 for r in replies)
    # The workers are gone: memoized answers still come back, from the client's own read of the memo.
    again = client.answer("pro", "one", "p")
    assert again.cached and again.text == replies[0].text
    with pytest.raises(ValueError, match="at least one worker"):
        LLMService(f"{__name__}:pid_variants", tmp_path / "answers.sqlite", workers=0)


def slow_loading_variants(log: str, seconds: float):
    """Records when this worker loaded its models: [start, end] as a line of `log`."""
    start = time.time()
    time.sleep(seconds)
    with open(log, "a") as f:
        f.write(f"{start} {time.time()}\n")
    return {"pro": WhoAnswers()}


def test_workers_load_their_models_side_by_side(tmp_path):
    log = tmp_path / "loads.txt"
    with LLMService(f"{__name__}:slow_loading_variants", tmp_path / "answers.sqlite", workers=2,
                    factory_kwargs={"log": str(log), "seconds": 2.0}):
        (_, first_end), (second_start, _) = sorted(
            tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert second_start < first_end  # the second worker did not wait for the first one to be ready


def failing_factory():
    raise FileNotFoundError("no model file at /nowhere.gguf")


def test_service_reports_why_it_cannot_start(tmp_path):
    with pytest.raises(RuntimeError, match="could not load its models: FileNotFoundError: no model file"):
        LLMService(f"{__name__}:failing_factory", tmp_path / "answers.sqlite")


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
