#!/usr/bin/env python3
"""A Hugging Face-compatible hub on 127.0.0.1 for `medgemma pull`'s tests (stdlib only).

Serves the repositories under ROOT (ROOT/ORG/REPO/FILE...) the way the hub does:
  GET /api/models/ORG/REPO/tree/REV   the file list, each LFS file with lfs.oid (sha256)
  GET /api/models/ORG/REPO            the same as `siblings` (lfs.sha256)
  GET /ORG/REPO/resolve/REV/FILE      302 to /cdn/ORG/REPO/FILE with X-Linked-ETag / X-Linked-Size
  GET /cdn/ORG/REPO/FILE              the bytes, with Range (206), ETag, Accept-Ranges
and the faults a real hub or network produces, from ROOT/faults.json, keyed by
"ORG/REPO" (the repository's API and every file) or "ORG/REPO/FILE" (that file's resolve
and CDN requests):
  {"status": 401|403|404|429|500, "times": N}   answer that status N times (default: always;
                                                 counted again whenever faults.json changes);
                                                 429 carries "Retry-After: 1"
  {"gated": "TOKEN"}                             401 without a Bearer token, 403 with another
  {"drop": BYTES, "times": N}                    send BYTES of the body, then close
  {"badsha": true}                               publish a sha256 that is not the file's
  {"trickle": BYTES_PER_TENTH}                   send the body slowly
  {"cdn_host": "localhost"}                      (on "ORG/REPO") redirect to that host name,
                                                 as the hub's CDN is another host
Every request is appended to ROOT/requests.log as "METHOD PATH RANGE AUTH" (RANGE and AUTH
"-" when absent), for the tests to see what the client asked for. Expected hashes are
Python's hashlib, never the client's.

Usage: test_hub.py ROOT PORT
"""
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

ROOT, PORT = sys.argv[1], int(sys.argv[2])
LOCK = threading.Lock()
COUNTS = {}


LOADED = [None]


def faults():
    """The faults now asked for; rewriting faults.json starts their counts again."""
    path = os.path.join(ROOT, "faults.json")
    try:
        stamp = os.stat(path).st_mtime_ns, os.stat(path).st_size
        with open(path) as f:
            spec = json.load(f)
    except FileNotFoundError:
        return {}
    with LOCK:
        if LOADED[0] != (stamp, json.dumps(spec, sort_keys=True)):
            LOADED[0] = (stamp, json.dumps(spec, sort_keys=True))
            COUNTS.clear()
    return spec


def sha256(path, bad=False):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if bad:
        h.update(b"not the published file")
    return h.hexdigest()


def repo_files(repo):
    base = os.path.join(ROOT, repo)
    out = []
    for folder, _, names in os.walk(base):
        for name in sorted(names):
            full = os.path.join(folder, name)
            out.append(os.path.relpath(full, base))
    return sorted(out)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        line = "%s %s %s %s\n" % (self.command, self.path, self.headers.get("Range", "-").replace(" ", ""),
                                  (self.headers.get("Authorization") or "-").replace(" ", "_"))
        with LOCK:
            with open(os.path.join(ROOT, "requests.log"), "a") as f:
                f.write(line)

    def send_plain(self, status, text, extra=()):
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fault(self, key):
        """Answers a status fault for `key` and returns True, or returns its other settings."""
        spec = faults().get(key)
        if not spec:
            return False, {}
        if "gated" in spec:
            auth = self.headers.get("Authorization")
            if auth is None:
                self.send_plain(401, "Access to model %s is restricted. You must have access to it and be authenticated to access it. Please log in." % key)
                return True, spec
            if auth != "Bearer " + spec["gated"]:
                self.send_plain(403, "Access to model %s is restricted and you are not in the authorized list." % key)
                return True, spec
        if "status" in spec:
            with LOCK:
                n = COUNTS.get((key, "status"), 0)
                COUNTS[(key, "status")] = n + 1
            if n < spec.get("times", 1 << 30):
                status = spec["status"]
                extra = [("Retry-After", "1")] if status == 429 else []
                self.send_plain(status, "fault %d for %s" % (status, key), extra)
                return True, spec
        return False, spec

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.record()
        path = urllib.parse.unquote(urllib.parse.urlparse(self.path).path)
        parts = path.strip("/").split("/")
        try:
            if parts[:2] == ["api", "models"] and len(parts) >= 4:
                self.api(parts[2] + "/" + parts[3], parts[4:])
            elif len(parts) >= 5 and parts[2] == "resolve":
                self.resolve(parts[0] + "/" + parts[1], parts[3], "/".join(parts[4:]))
            elif parts[0] == "cdn" and len(parts) >= 4:
                self.cdn(parts[1] + "/" + parts[2], "/".join(parts[3:]))
            else:
                self.send_plain(404, "not found")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def api(self, repo, rest):
        if not os.path.isdir(os.path.join(ROOT, repo)):
            self.send_plain(404, "Repository not found")
            return
        done, _ = self.fault(repo)
        if done:
            return
        entries = []
        for name in repo_files(repo):
            full = os.path.join(ROOT, repo, name)
            bad = bool(faults().get(repo + "/" + name, {}).get("badsha"))
            digest, size = sha256(full, bad), os.path.getsize(full)
            entries.append((name, digest, size))
        if rest[:1] == ["tree"]:
            body = [{"type": "file", "oid": hashlib.sha1(d.encode()).hexdigest(), "size": s, "path": n,
                     "lfs": {"oid": d, "size": s, "pointerSize": 134}} for n, d, s in entries]
        else:
            body = {"id": repo, "sha": "0" * 40,
                    "siblings": [{"rfilename": n, "size": s, "lfs": {"sha256": d, "size": s, "pointerSize": 134}}
                                 for n, d, s in entries]}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def resolve(self, repo, revision, name):
        full = os.path.join(ROOT, repo, name)
        done, _ = self.fault(repo)
        if done:
            return
        if not os.path.isfile(full):
            self.send_plain(404, "Entry not found", [("X-Error-Code", "EntryNotFound")])
            return
        done, spec = self.fault(repo + "/" + name)
        if done:
            return
        digest = sha256(full, bool(spec.get("badsha")))
        self.send_response(302)
        host = faults().get(repo, {}).get("cdn_host")
        prefix = "http://%s:%d" % (host, PORT) if host else ""
        self.send_header("Location", "%s/cdn/%s/%s" % (prefix, repo, urllib.parse.quote(name)))
        self.send_header("X-Linked-ETag", '"%s"' % digest)
        self.send_header("X-Linked-Size", str(os.path.getsize(full)))
        self.send_header("ETag", '"%s"' % hashlib.sha1(digest.encode()).hexdigest())
        self.send_header("Content-Length", "0")
        self.end_headers()

    def cdn(self, repo, name):
        full = os.path.join(ROOT, repo, name)
        if not os.path.isfile(full):
            self.send_plain(404, "not found")
            return
        key = repo + "/" + name
        spec = faults().get(key, {})
        size = os.path.getsize(full)
        start, status = 0, 200
        header = self.headers.get("Range")
        if header and header.startswith("bytes="):
            first = header[6:].split("-")[0]
            start = int(first) if first else 0
            if start >= size:
                self.send_plain(416, "range not satisfiable", [("Content-Range", "bytes */%d" % size)])
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", '"%s"' % sha256(full))
        self.send_header("Content-Length", str(size - start))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        self.end_headers()
        if self.command == "HEAD":
            return
        with open(full, "rb") as f:
            f.seek(start)
            body = f.read()
        if "drop" in spec:
            with LOCK:
                n = COUNTS.get((key, "drop"), 0)
                COUNTS[(key, "drop")] = n + 1
            if n < spec.get("times", 1 << 30):
                self.wfile.write(body[:spec["drop"]])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
        if "trickle" in spec:
            step = spec["trickle"]
            for i in range(0, len(body), step):
                self.wfile.write(body[i:i + step])
                self.wfile.flush()
                time.sleep(0.1)
            return
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", PORT), Handler)
    print("ready", flush=True)
    server.serve_forever()
