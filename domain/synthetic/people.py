"""The people of a synthetic organisation: names, grades, departments, joining and leaving.

Employee ids follow joining order (`E1001` joined first). Joining dates spread over
the previous ten years, so some people join during the simulated window (newcomers).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_NAMES = (
    "Aisha", "Ben", "Carmen", "Dev", "Elena", "Farah", "George", "Hana", "Ivan", "Jade",
    "Kofi", "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amir", "Bea", "Chen", "Dana",
    "Emil", "Fatima", "Gustav", "Ines", "Jonas", "Kemi", "Luca", "Maya", "Noah", "Olga",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Bauer", "Costa", "Diallo", "Evans", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lopez", "Mensah", "Novak", "Okafor", "Patel", "Quist", "Rossi",
    "Silva", "Tanaka", "Usman", "Varga", "Wong", "Xu", "Yilmaz", "Zhang", "Andersen",
    "Brown", "Chowdhury", "Dubois", "Eriksson", "Ferreira", "Gupta", "Hughes", "Kim",
    "Larsen", "Murphy", "Nguyen", "Owusu", "Petrov",
)  # fmt: skip
DEPARTMENTS = ("Engineering", "Sales", "Finance", "Operations", "People", "Marketing", "Legal")
DEPARTMENT_WEIGHTS = (34, 20, 10, 16, 6, 9, 5)
LEVELS = (1, 2, 3, 4, 5, 6, 7)
LEVEL_WEIGHTS = (26, 24, 18, 13, 9, 6, 4)  # more juniors than seniors
LEAVING_REASONS = ("resigned", "relocated", "retired", "career break", "redundancy")
LEAVING_WEIGHTS = (60, 14, 10, 10, 6)
LEAVING_RATE_PER_YEAR = 0.045  # about 10% of people leave over a two-year window
HISTORY_DAYS = 3650  # joining dates spread over the previous ten years
FIRST_EMPLOYEE_NUMBER = 1001
SETTLING_DAYS = 30  # nobody leaves within their first month


@dataclass(frozen=True)
class SyntheticPerson:
    employee_id: str
    name: str
    email: str
    level: int
    department: str
    joined_on: date
    leaves_on: date | None = None
    leaving_reason: str | None = None


def make_people(
    rng: random.Random, count: int, window_start: date, today: date, years: float
) -> list[SyntheticPerson]:
    """`count` people who joined by `today`; some leave between `window_start` and `today`."""
    joined = sorted(today - timedelta(days=rng.randint(0, HISTORY_DAYS)) for _ in range(count))
    leaving_chance = min(0.5, LEAVING_RATE_PER_YEAR * years)
    handles: dict[str, int] = {}
    people = []
    for number, joined_on in enumerate(joined, start=FIRST_EMPLOYEE_NUMBER):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = f"{first}.{last}".lower()
        handles[handle] = handles.get(handle, 0) + 1
        suffix = str(handles[handle]) if handles[handle] > 1 else ""
        leaves_on, reason = None, None
        earliest = max(window_start, joined_on + timedelta(days=SETTLING_DAYS))
        if earliest <= today and rng.random() < leaving_chance:
            leaves_on = earliest + timedelta(days=rng.randint(0, (today - earliest).days))
            reason = rng.choices(LEAVING_REASONS, weights=LEAVING_WEIGHTS)[0]
        people.append(
            SyntheticPerson(
                employee_id=f"E{number}",
                name=f"{first} {last}",
                email=f"{handle}{suffix}@example.com",
                level=rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0],
                department=rng.choices(DEPARTMENTS, weights=DEPARTMENT_WEIGHTS)[0],
                joined_on=joined_on,
                leaves_on=leaves_on,
                leaving_reason=reason,
            )
        )
    return people
