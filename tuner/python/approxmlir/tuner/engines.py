"""Search engines behind one interface: OpenTuner (default) and random search.

An engine proposes points of the search space and is told how each went.
OpenTuner runs in-process; its known side effects are contained: importing it
replaces `logging.Formatter` (restored here), its run manager would configure
the root logger and write `opentuner.log` into the current directory
(disabled), and its own database lives in the run's output directory.
"""

from __future__ import annotations

import abc
import argparse
import logging
import math
import os
import random
import warnings
from typing import Any, Optional

from approxmlir.tuner.space import SearchSpace

_LOG = logging.getLogger(__name__)

Token = Any  # what an engine needs back with the result of a proposal


class Engine(abc.ABC):
    """Proposes points; `propose` returns None when it has nothing more."""

    name: str

    @abc.abstractmethod
    def propose(self) -> Optional[tuple[Token, dict[str, Any]]]: ...

    @abc.abstractmethod
    def report(self, token: Token, time_ms: float, accuracy: float, ok: bool) -> None: ...

    def close(self) -> None:  # noqa: B027 (optional hook: most engines hold nothing to release)
        pass


class RandomEngine(Engine):
    """Uniform random points; small static spaces are enumerated without repeats."""

    name = "random"

    def __init__(self, space: SearchSpace, seed: int = 0):
        self._parameters = space.parameters()
        self._random = random.Random(seed)

    def propose(self) -> Optional[tuple[Token, dict[str, Any]]]:
        values = {}
        for parameter in self._parameters:
            if parameter.is_unit:
                values[parameter.name] = self._random.random()
            else:
                values[parameter.name] = self._random.choice(parameter.choices)
        return None, values

    def report(self, token: Token, time_ms: float, accuracy: float, ok: bool) -> None:
        pass


def _import_opentuner():
    """Imports OpenTuner without letting it change this process's logging."""
    formatter = logging.Formatter
    try:
        import opentuner
        from opentuner import tuningrunmain
    finally:
        logging.Formatter = formatter
    tuningrunmain.init_logging = lambda: None  # would add handlers and ./opentuner.log
    # OpenTuner 0.8.8 uses SQLAlchemy 1.x idioms; its deprecation warnings are
    # not actionable here.
    warnings.filterwarnings("ignore", module=r"opentuner(\.|$)")
    return opentuner


class OpenTunerEngine(Engine):
    """OpenTuner's ensemble search (AUC bandit over techniques) by default."""

    name = "opentuner"

    def __init__(
        self,
        space: SearchSpace,
        accuracy_threshold: float,
        workdir: os.PathLike,
        seed: int = 0,
        technique: Optional[str] = None,
    ):
        opentuner = _import_opentuner()
        from opentuner import ConfigurationManipulator, EnumParameter, FloatParameter
        from opentuner.api import TuningRunManager
        from opentuner.measurement.inputmanager import FixedInputManager
        from opentuner.measurement.interface import DefaultMeasurementInterface
        from opentuner.resultsdb.models import Result
        from opentuner.search.objective import ThresholdAccuracyMinimizeTime

        self._result_type = Result
        random.seed(seed)
        try:
            import numpy

            numpy.random.seed(seed)
        except ImportError:
            pass
        manipulator = ConfigurationManipulator()
        for parameter in space.parameters():
            if parameter.is_unit:
                manipulator.add_parameter(FloatParameter(parameter.name, 0.0, 1.0))
            else:
                manipulator.add_parameter(EnumParameter(parameter.name, list(parameter.choices)))
        args = argparse.ArgumentParser(parents=opentuner.argparsers()).parse_args([])
        os.makedirs(workdir, exist_ok=True)
        args.database = f"sqlite:///{os.path.join(os.fspath(workdir), 'opentuner.db')}"
        if technique:
            args.technique = [technique]
        interface = DefaultMeasurementInterface(
            args=args,
            manipulator=manipulator,
            project_name="approxmlir",
            program_name="tune",
            program_version=space.fingerprint(),
            objective=ThresholdAccuracyMinimizeTime(accuracy_threshold),
            input_manager=FixedInputManager(),  # needed whenever objective= is passed
        )
        handlers = list(logging.getLogger().handlers)
        self._manager = TuningRunManager(interface, args)
        for handler in logging.getLogger().handlers:
            if handler not in handlers:
                logging.getLogger().removeHandler(handler)

    def propose(self) -> Optional[tuple[Token, dict[str, Any]]]:
        desired = self._manager.get_next_desired_result()
        if desired is None:
            return None
        return desired, dict(desired.configuration.data)

    def report(self, token: Token, time_ms: float, accuracy: float, ok: bool) -> None:
        if ok:
            result = self._result_type(time=time_ms, accuracy=accuracy)
        else:
            result = self._result_type(state="ERROR", time=math.inf, accuracy=0.0)
        self._manager.report_result(token, result)

    def close(self) -> None:
        try:
            if self._manager.get_best_result() is not None:
                self._manager.finish()
            else:
                self._manager.session.close()
        except Exception:  # closing must not hide the tuning result
            _LOG.debug("closing OpenTuner failed", exc_info=True)


ENGINES = ("opentuner", "random")


def make_engine(
    name: str,
    space: SearchSpace,
    accuracy_threshold: float,
    workdir: os.PathLike,
    seed: int = 0,
    technique: Optional[str] = None,
) -> Engine:
    if name == "opentuner":
        return OpenTunerEngine(space, accuracy_threshold, workdir, seed, technique)
    if name == "random":
        return RandomEngine(space, seed)
    raise ValueError(f"unknown search engine {name!r} (choose from {', '.join(ENGINES)})")
