# The voting app's `vote` front end, in the few lines podsec's runtime tests need: a WSGI
# app served by Debian's gunicorn. Like the original (Flask on gunicorn, python:3.11-slim)
# gunicorn needs a writable temp dir (its worker heartbeat files), so with a read-only root
# and no emptyDir it crashes with "No usable temporary directory found in [...]".
import os
import socket

VOTES = {"a": 0, "b": 0}


def app(environ, start_response):
    if environ.get("REQUEST_METHOD") == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size).decode("utf-8", "replace")
        choice = body.partition("vote=")[2][:1]
        if choice in VOTES:
            VOTES[choice] += 1
    text = "vote: cats (a) %d, dogs (b) %d, served by %s uid %d\n" % (
        VOTES["a"], VOTES["b"], socket.gethostname(), os.getuid())
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text.encode()]
