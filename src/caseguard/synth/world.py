"""The fixed parts of a synthetic force: staff, teams, areas and exploiting networks.

Everything is invented. Sizes grow slowly with the number of cases so that a
million-case bundle still has a bounded world (memory stays flat).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

Row = dict[str, str | None]


@cache
def data(name: str) -> Any:
    text = resources.files("caseguard.synth").joinpath(f"data/{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@dataclass
class Team:
    name: str
    area: str
    officers: list[str] = field(default_factory=list)
    supervisors: list[str] = field(default_factory=list)


CHILDREN_PER_NETWORK = 6  # children drawn to each network, on average (few are linked)


@dataclass
class World:
    """Teams, staff and exploiting networks: small groups of one to three adults, each
    drawn on by a handful of children (as real ones are), never dozens."""

    teams: list[Team]
    network_count: int
    staff_rows: list[Row]

    def network(self, number: int) -> list[str]:
        """The adults (person ids) of network ``number``: one to three, made from the
        number alone, so no list of networks is kept."""
        size = 1 + zlib.crc32(f"network:{number}".encode()) % 3
        return [f"PN{number + 1:06d}-{m + 1}" for m in range(size)]

    def network_rows(self, rng: random.Random) -> Iterator[Row]:
        """The network adults' person rows, made as they are written (not kept)."""
        for number in range(self.network_count):
            for person_id in self.network(number):
                yield adult_row(rng, person_id, "adult linked to exploitation network")


def build_world(rng: random.Random, n_cases: int) -> World:
    names = data("names")
    team_count = max(4, min(120, n_cases // 1500))
    teams: list[Team] = []
    staff_rows: list[Row] = []
    for t in range(team_count):
        area = names["areas"][t % len(names["areas"])]
        team = Team(f"{names['teams'][t % len(names['teams'])]} {area}", area)
        for role, count in (("officer", 6), ("detective", 3), ("supervisor", 2), ("manager", 1)):
            for _ in range(count):
                staff_id = f"S{len(staff_rows) + 1:05d}"
                staff_rows.append({"staff_id": staff_id, "role": role, "team": team.name})
                if role in ("officer", "detective"):
                    team.officers.append(staff_id)
                else:
                    team.supervisors.append(staff_id)
        teams.append(team)
    return World(teams, max(3, n_cases // CHILDREN_PER_NETWORK), staff_rows)


def adult_row(rng: random.Random, person_id: str, description: str) -> Row:
    year = rng.randint(1975, 2005)
    return {
        "person_id": person_id,
        "date_of_birth": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "sex": rng.choices(["male", "female", "unknown"], [0.8, 0.15, 0.05])[0],
        "description": description,
    }
