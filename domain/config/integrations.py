"""The `integrations` sections of the configuration: midstreamer, agentic-robotics and ruvector."""

from __future__ import annotations

import attrs


@attrs.frozen
class MidstreamerSettings:
    enabled: bool = False
    default_pipeline: str = "synthetic-data"


@attrs.frozen
class AgenticRoboticsSettings:
    enabled: bool = False


@attrs.frozen
class RuvectorSettings:
    enabled: bool = False
    db_path: str = "./data/vectors.db"


@attrs.frozen
class IntegrationsSettings:
    """The optional integrations; each needs its package installed as well as `enabled`."""

    midstreamer: MidstreamerSettings = attrs.field(factory=MidstreamerSettings)
    agentic_robotics: AgenticRoboticsSettings = attrs.field(factory=AgenticRoboticsSettings)
    ruvector: RuvectorSettings = attrs.field(factory=RuvectorSettings)
