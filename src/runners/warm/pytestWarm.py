# A warm pytest, run inside a machine as `python -c <this> <setup>` with cwd = the app folder. It
# imports pytest and the app's root conftest.py, then waits for one JSON line on stdin:
#   {"write": [{"path", "base64", "mode"}], "remove": [path], "env": {..}, "run": {"args": [..]},
#    "results": {"nonce", "dir", "maxBytes"}?}
# It applies the changes to the app folder (relative paths only, never through a link), runs
# pytest.main(args) as `python -m pytest args` would, prints the results folder as one frame
# (send_results), and exits with pytest's exit code. Exit 86:
# the changes were refused (nothing changed, nothing ran), e.g. they touch a module it has already
# imported; the caller then runs the batch the cold way. EOF without a message: exit 0.
import base64, json, os, stat, sys

REFUSED = 86
# As under `python -m pytest`: the app folder itself first on sys.path, not '' (which follows chdir).
if sys.path and sys.path[0] == "":
    sys.path[0] = os.getcwd()
setup = json.loads(sys.argv[1] if len(sys.argv) > 1 else "{}")
# The app folder: the results and artifacts folders are found from it, whatever a conftest does with the cwd.
app = os.path.realpath(os.getcwd())


def refuse(why):
    sys.stderr.write("vmwatch warm runner: %s\n" % why)
    sys.stderr.flush()
    os._exit(REFUSED)


# What is imported ahead leaves no .pyc behind: a cold batch after a refusal may get a same-size
# source with the same mtime second, and would load the stale bytecode.
write_bytecode = not sys.dont_write_bytecode
sys.dont_write_bytecode = True
import pytest  # noqa: E402  (the point: loaded before the batch)

if os.path.isfile("conftest.py") and not os.path.exists("__init__.py"):
    try:
        import conftest  # noqa: F401  pytest's prepend import mode finds this same module
    except BaseException:
        sys.modules.pop("conftest", None)  # pytest imports it again and reports the error itself

def loaded_app_files():
    """Files of the app folder this process has imported: a change to one makes it stale."""
    found = set()
    for mod in list(sys.modules.values()):
        f = getattr(mod, "__file__", None)
        if not f:
            continue
        f = os.path.realpath(f)
        if f.startswith(app + os.sep) and "site-packages" not in f and "dist-packages" not in f:
            found.add(os.path.relpath(f, app))
    return found


# What it imported from the app (the root conftest and its imports), for the host: a save to one
# of them restarts this runner. The host shows the machine as warm from the ready line on.
sys.stdout.write("vmwatch warm runner: loaded %s\n" % json.dumps(sorted(loaded_app_files())))
sys.stdout.write("vmwatch warm runner: ready\n")
sys.stdout.flush()


def plain_parents(rel):
    """Root-relative, no `..`, no empty parts: its parent folders, outermost first; None otherwise."""
    if not isinstance(rel, str) or rel == "" or os.path.isabs(rel):
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]


def parents(rel):
    found = plain_parents(rel)
    if found is None:
        refuse("not a plain relative path: %r" % (rel,))
    return found


def lstat_or_none(p):
    try:
        return os.lstat(p)
    except FileNotFoundError:
        return None


def check(message):
    loaded = loaded_app_files()
    for entry in [w["path"] for w in message["write"]] + message["remove"]:
        for d in parents(entry):
            st = lstat_or_none(d)
            if st is not None and not stat.S_ISDIR(st.st_mode):
                refuse("%s is not a folder (a link or a file)" % d)
        st = lstat_or_none(entry)
        if st is not None and stat.S_ISDIR(st.st_mode):
            refuse("%s is a folder" % entry)
        if entry in loaded:
            refuse("%s changed, and it was imported before the batch" % entry)


def apply(message):
    for rel in message["remove"]:
        if lstat_or_none(rel) is not None:
            os.unlink(rel)
    for w in message["write"]:
        rel = w["path"]
        for d in parents(rel):
            if lstat_or_none(d) is None:
                os.mkdir(d)
        st = lstat_or_none(rel)
        if st is not None and stat.S_ISLNK(st.st_mode):
            os.unlink(rel)
        mode = w.get("mode", 0o644)
        fd = os.open(rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
        try:
            os.write(fd, base64.b64decode(w["base64"]))
            os.fchmod(fd, mode)
        finally:
            os.close(fd)


def results_folder(request):
    """Every regular file of the results folder, or complete: False (anything else, or too much)."""
    folder = os.path.join(app, request["dir"])
    st = lstat_or_none(folder)
    if st is None:
        return {"complete": True, "files": {}}
    if not stat.S_ISDIR(st.st_mode):
        return {"complete": False}
    files, size = {}, 0
    for name in os.listdir(folder):
        fd = os.open(os.path.join(folder, name), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            size += (st.st_size + 2) // 3 * 4 + len(name) + 8
            if not stat.S_ISREG(st.st_mode) or size > request["maxBytes"]:
                return {"complete": False}
            with os.fdopen(os.dup(fd), "rb") as f:
                files[name] = base64.b64encode(f.read()).decode("ascii")
        finally:
            os.close(fd)
    return {"complete": True, "files": files}


def artifacts_absent(rel):
    """Nothing at the artifacts folder's path, and nothing above it but real folders (no link)."""
    above = plain_parents(rel)
    if above is None:
        return False
    try:
        for d in above:
            st = lstat_or_none(os.path.join(app, d))
            if st is not None and not stat.S_ISDIR(st.st_mode):
                return False
        return lstat_or_none(os.path.join(app, rel)) is None
    except OSError:
        return False


def send_results(request):
    """The results folder back in this output as one frame (the host's resultsFrame.ts)."""
    if not request:
        return
    try:
        folder = results_folder(request)
        if artifacts_absent(request.get("artifacts")):
            folder["artifacts"] = "absent"
        body = json.dumps(folder).encode("utf-8")
    except Exception:
        body = json.dumps({"complete": False}).encode("utf-8")
    sys.stdout.flush()
    frame = b"\nvmwatch warm runner: results %s %d\n" % (request["nonce"].encode("ascii"), len(body)) + body + b"\n"
    view = memoryview(frame)
    while len(view) > 0:
        view = view[os.write(1, view):]


text = sys.stdin.buffer.read().decode("utf-8").strip()
if text == "":
    os._exit(0)
message = json.loads(text)
check(message)
apply(message)
os.environ.update(message.get("env", {}))
sys.dont_write_bytecode = not write_bytecode
# VmwatchProgress: the progress plugin, prepended to this script (pytestProgress.py).
code = pytest.main(list(setup.get("args", [])) + list(message["run"]["args"]), plugins=[VmwatchProgress()])  # noqa: F821
send_results(message.get("results"))
sys.stdout.flush()
sys.stderr.flush()
os._exit(int(code))
