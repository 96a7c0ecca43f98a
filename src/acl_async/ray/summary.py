"""The end-of-run summary: pictures, pictures/s, each actor's share, failures."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RunSummary"]


@dataclass
class RunSummary:
    """What a :func:`~acl_async.ray.classify_dataset` run did."""

    pictures: int
    failures: int
    seconds: float
    per_actor: dict[str, int] = field(default_factory=dict)
    output: str = ""
    errors_output: str | None = None
    devices: int = 0

    @property
    def pictures_per_second(self) -> float:
        return self.pictures / self.seconds if self.seconds > 0 else 0.0

    def format(self) -> str:
        lines = [
            f"Pictures:   {self.pictures} classified, {self.failures} failed",
            f"Duration:   {self.seconds:.2f} s",
            f"Throughput: {self.pictures_per_second:.2f} pictures/s on {self.devices} actor(s)",
        ]
        total = sum(self.per_actor.values())
        for name, count in sorted(self.per_actor.items(), key=lambda kv: (-kv[1], kv[0])):
            share = 100.0 * count / total if total else 0.0
            lines.append(f"  {name}: {count} ({share:.1f}%)")
        lines.append(f"Results:    {self.output}")
        if self.errors_output is not None:
            lines.append(f"Errors:     {self.errors_output} ({self.failures})")
        return "\n".join(lines)
