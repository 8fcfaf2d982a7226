"""No two children (or adults) share a pseudonym (issue 9, point 6: "safely and uniquely").

Six characters of a keyed hash are about 729 million codes, so 200,000 ids hold a few
dozen pairs that share six: the first test finds them, and shows that every id then has
a pseudonym of its own, the rest keeping their six characters. The second runs a real
audit and report on a bundle whose two children share six characters under the key, and
the web workspace on a store of it: both children are told apart everywhere.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

from caseguard.report.pseudonyms import Pseudonymiser, _code, unique_lengths
from caseguard.store import Store
from caseguard.workspace.children import ChildIndex
from caseguard.workspace.labels import store_pseudonymiser
from tests.bundle.minimal import MINIMAL, write
from tests.security.hostile import run_cli

KEY = b"test-key"
# under KEY, these share their six characters (3AQJFG; CM22EP), found among 200,000 ids
TWINS = ("C118316", "C002023")
ADULT_TWINS = ("P112717", "P179477")


def test_two_hundred_thousand_ids_each_get_their_own_pseudonym() -> None:
    children = [f"C{i:06d}" for i in range(200_000)]
    persons = [f"P{i:06d}" for i in range(200_000)]
    six = Counter(_code(KEY, "child", c) for c in children)
    shared = {code for code, n in six.items() if n > 1}
    assert len(shared) > 10  # the collisions are real at this size
    pseudo = Pseudonymiser.for_ids(KEY, children, persons)
    labels = [pseudo.child(c) for c in children]
    adults = [pseudo.adult(p) for p in persons]
    assert len(set(labels)) == len(children) and len(set(adults)) == len(persons)
    assert len({pseudo.file_stem(c) for c in children}) == len(children)
    for child, label in zip(children, labels, strict=True):
        code = _code(KEY, "child", child)
        assert label.startswith(f"Child-{code}")  # a longer code starts with the six
        assert (len(label) > len("Child-") + 6) == (code in shared)
    assert pseudo.child(TWINS[0]) != pseudo.child(TWINS[1])
    shuffled = random.Random(3).sample(children, len(children))
    again = Pseudonymiser.for_ids(KEY, shuffled, persons)
    assert [again.child(c) for c in children] == labels  # the order of the ids is no matter


def test_unique_lengths_only_lengthens_what_collides() -> None:
    assert unique_lengths(KEY, "child", ["C1", "C2", "C3"]) == {}
    assert unique_lengths(KEY, "child", TWINS) == {("child", TWINS[0]): 8, ("child", TWINS[1]): 8}
    assert unique_lengths(KEY, "person", ADULT_TWINS).keys() == {("person", p) for p in ADULT_TWINS}
    assert _code(KEY, "child", TWINS[0]) == _code(KEY, "child", TWINS[1])


def _twin_bundle(root: Path) -> Path:
    """The minimal bundle with its children renamed to the twins, each with a case."""
    changes = {}
    for table, text in MINIMAL.items():
        text = re.sub(r"\bC1\b", TWINS[0], text)
        changes[table] = re.sub(r"\bC2\b", TWINS[1], text)
    changes["persons"] = changes["persons"] + f"{ADULT_TWINS[1]},1985-01-01,male,\n"
    changes["persons"] = changes["persons"].replace("P1,", f"{ADULT_TWINS[0]},")
    changes["case_persons"] = (
        "case_id,person_id,role,identified_at\n"
        f"K1,{ADULT_TWINS[0]},suspect,2024-03-02T12:00\nK2,{ADULT_TWINS[1]},suspect,\n"
    )
    changes["actions"] = changes["actions"].replace(",P1,", f",{ADULT_TWINS[0]},")
    changes["missing_episodes"] = changes["missing_episodes"].replace(",P1,", f",{ADULT_TWINS[0]},")
    return write(root / "bundle", changes)


def test_a_real_audit_and_the_web_tell_the_twins_apart(tmp_path: Path) -> None:
    bundle = _twin_bundle(tmp_path)
    key = tmp_path / "pseudonym.key"
    key.write_bytes(KEY + b"\n")
    key.chmod(0o600)
    out = tmp_path / "audit"
    done = run_cli("audit", bundle, "--out", out, "--key-file", key, "--workers", "1")
    assert done.code == 0, done.err
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "cases").glob("*.html")}
    pages |= {p.name: p.read_text(encoding="utf-8") for p in (out / "children").glob("*.html")}
    texts = "\n".join(pages.values()) + (out / "report.html").read_text(encoding="utf-8")
    pseudo = Pseudonymiser.for_ids(KEY, TWINS, ADULT_TWINS)
    first, second = (pseudo.child(c) for c in TWINS)
    assert first != second and len(first) == len("Child-") + 8
    assert re.search(rf"{first}(?![0-9A-Z])", texts) and re.search(rf"{second}(?![0-9A-Z])", texts)
    assert len(list((out / "children").glob("*.html"))) == 2
    adults = {pseudo.adult(p) for p in ADULT_TWINS}
    assert all(a in texts for a in adults) and len(adults) == 2

    db = tmp_path / "store.db"
    assert run_cli("load", bundle, "--db", db).code == 0
    with Store.open(str(db)) as store:
        web = store_pseudonymiser(store.engine, KEY)
        assert (web.child(TWINS[0]), web.child(TWINS[1])) == (first, second)
        index = ChildIndex(store.engine, KEY)
        assert index.child_id(first) == TWINS[0] and index.child_id(second) == TWINS[1]
