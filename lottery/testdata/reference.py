#!/usr/bin/env python3
"""Reference implementation of the kuji lottery, written from SPEC.md alone.

Standard library only. For each draw record given on the command line it
reads the input, the seed material and the kind, entry and slot of each
event -- nothing else -- recomputes every other field as SPEC.md defines it,
and prints one JSON object per record:

    {"file": ..., "computed": {...the recomputed record fields...},
     "mismatches": ["field: recomputed X, record has Y", ...]}

It exits non-zero if any record differs from its recomputation.

Usage: reference.py RECORD.json [RECORD.json ...]
"""

import hashlib
import json
import sys

FORMAT = "kuji-draw-record/v1"


def u32(x):
    if not 0 <= x < 2**32:
        raise ValueError("u32 out of range: %r" % x)
    return x.to_bytes(4, "big")


def b(s):
    return s.encode("utf-8")


def lp(s):
    """str(s) of SPEC section 1: u32 length prefix, then the bytes."""
    raw = b(s) if isinstance(s, str) else s
    return u32(len(raw)) + raw


def sha256(m):
    return hashlib.sha256(m).digest()


# --- section 2: input ------------------------------------------------------

def effective_max_wins(cfg):
    w = cfg.get("max_wins", 0)
    return w if w >= 1 else 1


def canonical(inp):
    slots = sorted(inp.get("slots") or [], key=lambda s: b(s["id"]))
    entries = sorted(inp.get("entries") or [], key=lambda e: b(e["id"]))
    slot_pos = {s["id"]: k for k, s in enumerate(slots)}
    entry_pos = {e["id"]: k for k, e in enumerate(entries)}
    pools = set()
    for s in slots:
        for c, seats in (s.get("reserved") or {}).items():
            if seats > 0:
                pools.add(c)
    return slots, entries, slot_pos, entry_pos, pools


# --- section 3: input digest ----------------------------------------------

def input_digest(inp):
    cfg = inp["config"]
    slots, entries, slot_pos, _, _ = canonical(inp)
    m = b("kuji-lottery/v1 input") + b"\x00"
    m += u32(cfg["max_prefs"]) + u32(cfg["max_group_size"]) + u32(effective_max_wins(cfg))
    m += u32(len(slots))
    for s in slots:
        m += lp(s["id"]) + u32(s["capacity"])
        cats = sorted(((c, n) for c, n in (s.get("reserved") or {}).items() if n > 0), key=lambda cn: b(cn[0]))
        m += u32(len(cats))
        for c, n in cats:
            m += lp(c) + u32(n)
    m += u32(len(entries))
    for e in entries:
        m += lp(e["id"]) + u32(e["size"]) + u32(e["weight"]) + u32(e.get("tier", 0)) + lp(e.get("category", ""))
        m += u32(len(e["prefs"]))
        for p in e["prefs"]:
            m += u32(slot_pos[p])
    return sha256(m)


# --- section 4: seed ---------------------------------------------------------

def key_string(sources):
    out = ""
    for src in sources:
        vals = []
        for v in src["values"]:
            if not v or not all("0" <= ch <= "9" for ch in v):
                raise ValueError("bad source value %r" % v)
            vals.append(int(v))
        for v in sorted(vals):
            out += str(v) + "."
        out += "/"
    return out


def seed_of(digest, ks, secret):
    return sha256(b("kuji-lottery/v1 seed") + b"\x00" + digest + lp(ks) + u32(len(secret)) + secret)


# --- section 5: keys and order ------------------------------------------------

TICKET_TAG = b("kuji-lottery/v1 ticket").ljust(32, b"\x00")


def entry_key(seed, entry_id, weight):
    return min(sha256(TICKET_TAG + seed + lp(entry_id) + u32(t)) for t in range(weight))


def priority_order(entries, seed):
    keys = {e["id"]: entry_key(seed, e["id"], e["weight"]) for e in entries}
    order = sorted(entries, key=lambda e: (e.get("tier", 0), keys[e["id"]], b(e["id"])))
    return order, keys


# --- sections 6 and 7: allocation and waitlists --------------------------------

def allocate(inp, order):
    W = effective_max_wins(inp["config"])
    slots, _, _, _, pools = canonical(inp)
    general = {}
    reserved = {}
    for s in slots:
        res = {c: n for c, n in (s.get("reserved") or {}).items() if n > 0}
        general[s["id"]] = s["capacity"] - sum(res.values())
        for c in pools:
            reserved[(s["id"], c)] = res.get(c, 0)
    count = {e["id"]: 0 for e in order}
    won = {e["id"]: set() for e in order}
    wins = []

    def serve(e, rnd, pool):
        for p in e["prefs"]:
            if p in won[e["id"]]:
                continue
            if pool is None:
                if general[p] >= e["size"]:
                    general[p] -= e["size"]
                    break
            elif reserved[(p, pool)] >= e["size"]:
                reserved[(p, pool)] -= e["size"]
                break
        else:
            return
        won[e["id"]].add(p)
        count[e["id"]] += 1
        wins.append({"entry": e["id"], "slot": p, "pool": pool or "", "round": rnd})

    for rnd in range(1, W + 1):
        for e in order:
            c = e.get("category", "")
            if c in pools and count[e["id"]] < W:
                serve(e, rnd, c)
    for (s, c), n in reserved.items():
        general[s] += n
    for rnd in range(1, W + 1):
        for e in order:
            if count[e["id"]] < W:
                serve(e, rnd, None)

    waitlists = {s["id"]: [] for s in slots}
    for e in order:
        if count[e["id"]] < W:
            for p in e["prefs"]:
                if p not in won[e["id"]]:
                    waitlists[p].append(e["id"])
    return wins, [{"slot": s["id"], "entries": waitlists[s["id"]]} for s in slots]


# --- section 8: result digest ------------------------------------------------

def result_digest(inp, digest, seed, order, wins, waitlists):
    _, _, slot_pos, entry_pos, _ = canonical(inp)
    m = b("kuji-lottery/v1 result") + b"\x00" + digest + seed
    m += u32(len(order)) + b"".join(u32(entry_pos[e["id"]]) for e in order)
    m += u32(len(wins))
    for w in wins:
        m += u32(entry_pos[w["entry"]]) + u32(slot_pos[w["slot"]]) + lp(w["pool"]) + u32(w["round"])
    m += u32(len(waitlists))
    for wl in waitlists:
        m += u32(len(wl["entries"])) + b"".join(u32(entry_pos[x]) for x in wl["entries"])
    return sha256(m)


# --- section 9: promotion ------------------------------------------------------

def replay(inp, wins, waitlists, events):
    W = effective_max_wins(inp["config"])
    _, entries, _, _, _ = canonical(inp)
    by_id = {e["id"]: e for e in entries}
    cap = {s["id"]: s["capacity"] for s in inp.get("slots") or []}
    holdings = {}  # (entry, slot) -> pool
    count = {e["id"]: 0 for e in entries}
    free = dict(cap)
    for w in wins:
        holdings[(w["entry"], w["slot"])] = w["pool"]
        count[w["entry"]] += 1
        free[w["slot"]] -= by_id[w["entry"]]["size"]
    wait = {wl["slot"]: list(wl["entries"]) for wl in waitlists}
    marked = {s: set() for s in wait}
    out = []
    for ev in events:
        e, s = ev["entry"], ev["slot"]
        if (e, s) not in holdings:
            raise ValueError("event frees a seat not held: %r" % ev)
        pool = holdings.pop((e, s))
        count[e] -= 1
        promoted = []

        def take(seats, pool_name, ok):
            for x in wait[s]:
                if x in marked[s] or count[x] >= W or not ok(x):
                    continue
                if by_id[x]["size"] <= seats:
                    return x
            return None

        if pool:
            r = by_id[e]["size"]
            while True:
                x = take(r, pool, lambda x: by_id[x].get("category", "") == pool)
                if x is None:
                    break
                marked[s].add(x)
                r -= by_id[x]["size"]
                count[x] += 1
                holdings[(x, s)] = pool
                promoted.append({"entry": x, "slot": s, "pool": pool, "round": 0})
            free[s] += r
        else:
            free[s] += by_id[e]["size"]
        while True:
            x = take(free[s], "", lambda x: True)
            if x is None:
                break
            marked[s].add(x)
            free[s] -= by_id[x]["size"]
            count[x] += 1
            holdings[(x, s)] = ""
            promoted.append({"entry": x, "slot": s, "pool": "", "round": 0})
        out.append({"kind": ev["kind"], "entry": e, "slot": s, "promoted": promoted})
    return out


# --- section 11: recompute a record ------------------------------------------------

def recompute(rec):
    if rec.get("format") != FORMAT:
        raise ValueError("format %r" % rec.get("format"))
    inp = rec["input"]
    sm = rec["seed_material"]
    secret = bytes.fromhex(sm.get("secret", ""))
    if secret and hashlib.sha256(secret).hexdigest() != sm.get("secret_commitment"):
        raise ValueError("secret does not match its commitment")
    digest = input_digest(inp)
    ks = key_string(sm.get("sources") or [])
    seed = seed_of(digest, ks, secret)
    _, entries, _, _, _ = canonical(inp)
    order, keys = priority_order(entries, seed)
    wins, waitlists = allocate(inp, order)
    events = replay(inp, wins, waitlists, [{"kind": ev["kind"], "entry": ev["entry"], "slot": ev["slot"]} for ev in rec.get("events") or []])
    return {
        "input_digest": digest.hex(),
        "key_string": ks,
        "seed": seed.hex(),
        "order": [{"entry": e["id"], "key": keys[e["id"]].hex()} for e in order],
        "wins": wins,
        "waitlists": waitlists,
        "result_digest": result_digest(inp, digest, seed, order, wins, waitlists).hex(),
        "events": events,
    }


def normalise_wins(ws):
    return [{"entry": w["entry"], "slot": w["slot"], "pool": w.get("pool", ""), "round": w["round"]} for w in ws or []]


def compare(rec, got):
    diffs = []
    for field in ("input_digest", "key_string", "seed", "order", "waitlists", "result_digest"):
        if rec.get(field) != got[field]:
            diffs.append(field)
    if normalise_wins(rec.get("wins")) != got["wins"]:
        diffs.append("wins")
    recorded = [{"kind": ev["kind"], "entry": ev["entry"], "slot": ev["slot"], "promoted": normalise_wins(ev.get("promoted"))}
                for ev in rec.get("events") or []]
    if recorded != got["events"]:
        diffs.append("events")
    return diffs


def main(paths):
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            rec = json.load(f)
        got = recompute(rec)
        diffs = compare(rec, got)
        failed = failed or bool(diffs)
        print(json.dumps({"file": path, "computed": got, "mismatches": diffs}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
