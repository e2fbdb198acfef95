# Runs unittest test files one after another and appends one JSON line per finished file to the
# results file: {"file", "durationMs", "cases": [...], "error"?}. A file whose line is missing did
# not finish (the interpreter died). Usage: python3 -c <this> RESULTS NAMES_JSON FILE...
# NAMES_JSON: [] for all tests, else the case names to run ("TestClass › test_method").
# Around each file it prints `[vmwatch] started "<file>"` and `[vmwatch] finished "<file>"` (the
# host's per-file timeout).
import importlib, inspect, json, os, sys, time, traceback, unittest

SEP = ' \u203a '


def module_name(path):
    # tests/test_x.py -> tests.test_x, as `python -m unittest tests/test_x.py` does
    return os.path.normpath(path)[:-3].replace(os.sep, '.') if path.endswith('.py') else path


def case_name(test):
    method = getattr(test, '_testMethodName', None)
    return type(test).__name__ + SEP + method if method else str(test)


def case_line(test):
    try:
        return inspect.getsourcelines(getattr(type(test), test._testMethodName))[1]
    except Exception:
        return None


def failure_of(err, path):
    etype, value, tb = err
    text = ''.join(traceback.format_exception(etype, value, tb))
    message = ''.join(traceback.format_exception_only(etype, value)).strip()
    line = None
    target = os.path.abspath(path)
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == target:
            line = frame.lineno
    return {'message': message, 'stack': text, 'line': line}


class Recorder(unittest.TextTestResult):
    def __init__(self, path):
        super().__init__(unittest.runner._WritelnDecorator(sys.stderr), True, 2)
        self.path = path
        self.cases = []
        self.started = {}

    def startTest(self, test):
        self.started[id(test)] = time.monotonic()
        super().startTest(test)

    def record(self, test, status, err=None):
        began = self.started.get(id(test))
        case = {'name': case_name(test), 'status': status,
                'durationMs': round((time.monotonic() - began) * 1000) if began else 0}
        if err is not None:
            case['failure'] = failure_of(err, self.path)
            if case['failure']['line'] is None:
                case['failure']['line'] = case_line(test)
        self.cases.append(case)

    def addSuccess(self, test):
        super().addSuccess(test); self.record(test, 'passed')

    def addFailure(self, test, err):
        super().addFailure(test, err); self.record(test, 'failed', err)

    def addError(self, test, err):
        super().addError(test, err); self.record(test, 'failed', err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason); self.record(test, 'skipped')

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err); self.record(test, 'passed')

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.record(test, 'failed', (AssertionError, AssertionError('unexpected success'), None))

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.record(test, 'failed', err)


def flatten(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from flatten(item)
        else:
            yield item


def run_file(path, names):
    began = time.monotonic()
    record = {'file': path}
    try:
        module = importlib.import_module(module_name(path))
        suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    except Exception:
        record.update(cases=[], error=traceback.format_exc())
        sys.stderr.write('ERROR: %s could not be loaded\n%s\n' % (path, record['error']))
    else:
        if names:
            suite = unittest.TestSuite([t for t in flatten(suite) if case_name(t) in names])
        result = Recorder(path)
        suite.run(result)
        result.printErrors()
        record['cases'] = result.cases
    record['durationMs'] = round((time.monotonic() - began) * 1000)
    return record


# The real stdout, kept aside: a test may replace or close sys.stdout.
PROGRESS_FD = os.dup(1)


def progress(kind, path):
    try:
        sys.stdout.flush()  # what the file printed comes before its line
    except Exception:
        pass  # a test closed or replaced it
    view = memoryview(('[vmwatch] %s %s\n' % (kind, json.dumps(path))).encode('utf-8'))
    while len(view) > 0:
        view = view[os.write(PROGRESS_FD, view):]


def main():
    results, names, files = sys.argv[1], set(json.loads(sys.argv[2])), sys.argv[3:]
    sys.path.insert(0, os.getcwd())
    os.makedirs(os.path.dirname(results) or '.', exist_ok=True)
    failed = False
    for path in files:
        progress('started', path)
        record = run_file(path, names)
        failed = failed or 'error' in record or any(c['status'] == 'failed' for c in record['cases'])
        with open(results, 'a') as out:
            out.write(json.dumps(record) + '\n')
        progress('finished', path)
    sys.exit(1 if failed else 0)


main()
