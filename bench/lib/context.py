"""What the driver hands every scenario: the servers, the run's settings, and where the samples go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lib.cpu import QuietGate
from lib.servers import Server


@dataclass
class Context:
    servers: dict[str, Server]  # by key, in the order they are measured
    tmp: Path  # the run's temp dir (each spawn gets a workdir inside)
    app: str  # the app name every /health answers with
    pin: bool  # server on core 0, load generators and the harness's clients on core 1
    cfg: dict  # the mode's settings (MODES in bench.py, with the command line's overrides)
    gate: QuietGate
    raw: dict[str, dict[str, list]] = field(default_factory=dict)  # server -> metric -> samples
    notes: dict[str, str] = field(default_factory=dict)  # server -> why some of its cells are n/a
    failures: list[str] = field(default_factory=list)  # a scenario that broke on a server (fails --quick)

    def add(self, key: str, metric: str, value) -> None:
        self.raw.setdefault(key, {}).setdefault(metric, []).append(value)

    def note(self, key: str, why: str) -> None:
        old = self.notes.get(key)
        if not old:
            self.notes[key] = why
        elif why not in old:
            self.notes[key] = f"{old}; {why}"

    def fail(self, key: str, why: str) -> None:
        self.failures.append(f"{key}: {why}")
        self.note(key, f"failed: {why}")
