"""Calls run in worker processes under a CPU-time budget, stopped when they go over it.

A reader spends its time in C (libxml2 parsing and XPath) and in Python holding the GIL, so a
thread cannot be interrupted, and a slow page read in one stalls every other thread of the
process: the web server's requests, a fetch run's downloads. A worker process can be stopped
whenever it is. Workers are kept for the next call and replaced only when one is stopped, so
a call costs a round trip through a pipe (about a millisecond for a news page), not a process.

A worker is a fresh interpreter (`python -c`, with the caller's `sys.path`) that imports the
modules it will need, says it is ready, then reads pickled calls on stdin and writes pickled
answers to its original stdout, stdout itself going to stderr. Unlike `multiprocessing`'s
spawn, it never imports the caller's main script, which would run again in every script
without an `if __name__ == "__main__"` guard; unlike fork, it is safe in a threaded process
such as the web server.

The budget is CPU time, so a busy machine does not refuse a page that an idle one reads: the
worker arms `ITIMER_PROF` before each call, and that timer's signal, left to its default
action, ends the process even in the middle of C code. The caller stops the worker itself
after `WALL_FACTOR` times the budget in wall-clock time (a worker starved of CPU); a worker's
start (`START_SECONDS` at most) is not counted.
On platforms without these (Windows), calls run in the caller's process with no budget.
"""

from __future__ import annotations

import atexit
import importlib
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO, Any, TypeVar

T = TypeVar("T")

WALL_FACTOR = 3.0
START_SECONDS = 60.0
ISOLATED = os.name == "posix" and hasattr(signal, "setitimer")
_BOOT = (
    "import pickle, sys; path, modules = pickle.load(sys.stdin.buffer); sys.path[:] = path; "
    "from newsweave.ingest.budget import serve; serve(modules)"
)


class OverBudget(Exception):
    """The call used more than its CPU seconds; its worker was stopped."""


class WorkerDied(Exception):
    """The worker ended without an answer (killed for memory, say, or crashed), or did not
    start; the message says which ("ended (exit code -9)", "did not start")."""


def serve(modules: list[str]) -> None:
    """A worker: import `modules`, answer ("ready", None), then run each call read from stdin
    and answer ("ok", result) or ("error", exception). Ctrl-C is the caller's to handle (it
    stops its workers); the timer's signal must end the process, whatever a library set."""
    calls = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library prints must not get into the answers
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)
    for module in modules:
        importlib.import_module(module)
    answers.write(pickle.dumps(("ready", None)))
    answers.flush()
    while True:
        try:
            fn, args, seconds = pickle.load(calls)
        except EOFError:  # the caller is gone
            return
        answer: tuple[str, Any]
        signal.setitimer(signal.ITIMER_PROF, seconds)
        try:
            answer = ("ok", fn(*args))
        except Exception as exc:
            answer = ("error", exc)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
            if answer[0] == "error":
                pickle.loads(data)  # many exception classes pickle but do not unpickle
        except Exception as exc:
            failed = RuntimeError(f"{fn.__name__}: {answer[1]!r} (cannot be sent: {exc})")
            data = pickle.dumps(("error", failed), pickle.HIGHEST_PROTOCOL)
        answers.write(data)
        answers.flush()


class _Worker:
    def __init__(self, modules: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.calls: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        self.answers: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        self._send((sys.path, modules))
        try:
            started = self._answer(START_SECONDS) == ("ready", None)
        except (OverBudget, WorkerDied):
            started = False
        if not started:
            self.stop()
            raise WorkerDied("did not start")

    def _send(self, value: object) -> None:
        self.calls.write(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self.calls.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    def _answer(self, seconds: float) -> tuple[str, Any]:
        """The worker's answer; OverBudget when it has none after `seconds` or was stopped by
        its timer, WorkerDied when it ended otherwise."""
        ready, _, _ = select.select([self.answers], [], [], seconds)
        if not ready:
            raise OverBudget
        try:
            answer: tuple[str, Any] = pickle.load(self.answers)
        except (EOFError, pickle.UnpicklingError):
            code = self.process.wait()
            if code == -signal.SIGPROF:
                raise OverBudget from None
            raise WorkerDied(f"ended (exit code {code})") from None
        return answer

    def call(
        self, fn: Callable[..., Any], args: tuple[Any, ...], seconds: float
    ) -> tuple[str, Any]:
        """("ok", what `fn` returned) or ("error", what it raised); raising only when the
        worker is of no more use."""
        try:
            self._send((fn, args, seconds))
        except BrokenPipeError:
            raise WorkerDied(f"ended (exit code {self.process.wait()})") from None
        return self._answer(seconds * WALL_FACTOR)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.calls.close()
        self.answers.close()


class WorkerPool:
    """Up to `max_workers` worker processes, started when first needed and reused; each
    imports the `preload` modules as it starts, not while a call's budget runs.

    Thread-safe: concurrent callers get a worker each, or wait for one to be free (time spent
    waiting does not count against a call's budget)."""

    def __init__(self, max_workers: int | None = None, preload: tuple[str, ...] = ()) -> None:
        self._modules = list(preload)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_workers or os.cpu_count() or 1)
        atexit.register(self.close)

    def run(self, fn: Callable[..., T], *args: Any, seconds: float) -> T:
        """`fn(*args)` in a worker (both must pickle, `fn` by name), at most `seconds` of CPU.

        Raises OverBudget or WorkerDied (the worker is replaced), or what `fn` raised."""
        if not ISOLATED:
            return fn(*args)
        with self._slots:
            worker = self._take()
            try:
                status, value = worker.call(fn, args, seconds)
            except BaseException:  # over budget, dead, or Ctrl-C while it works
                worker.stop()
                raise
            self._keep(worker)
        if status == "error":
            raise value
        result: T = value
        return result

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.stop()
        return _Worker(self._modules)

    def _keep(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def close(self) -> None:
        """Stop the idle workers; those at work are stopped by their callers."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()
