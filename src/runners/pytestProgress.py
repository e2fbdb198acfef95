# The vmwatch pytest plugin: prints a progress line when pytest starts a test file and when it is
# done with it, so the host can give each file of a batch its own timeout. A file runs twice:
# once while it is collected (imported), once while its tests run. Lines:
#   [vmwatch] started "<path>"      [vmwatch] finished "<path>"
# Prepended to the cold script (pytest.ts) and to the warm bootstrap (warm/pytestWarm.py), which pass
# `plugins=[VmwatchProgress()]` to pytest.main.
import json as _vmwatch_json
import os as _vmwatch_os

import pytest as _vmwatch_pytest


class VmwatchProgress:
    def __init__(self):
        self.current = None
        # The real stdout, taken before pytest captures fd 1 around collection and each test.
        self.out = _vmwatch_os.dup(1)
        _vmwatch_os.set_inheritable(self.out, False)

    def _mark(self, kind, path):
        line = ("[vmwatch] %s %s\n" % (kind, _vmwatch_json.dumps(str(path)))).encode("utf-8")
        view = memoryview(line)
        while len(view) > 0:
            view = view[_vmwatch_os.write(self.out, view):]

    @_vmwatch_pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector):
        module = isinstance(collector, _vmwatch_pytest.Module)
        if module:
            self._mark("started", collector.path)
        try:
            yield
        finally:
            if module:
                self._mark("finished", collector.path)

    @_vmwatch_pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        if self.current != item.path:
            if self.current is not None:
                self._mark("finished", self.current)
            self.current = item.path
            self._mark("started", item.path)
        try:
            yield
        finally:
            if nextitem is None or nextitem.path != item.path:
                self._mark("finished", item.path)
                self.current = None
