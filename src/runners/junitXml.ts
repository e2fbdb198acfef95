import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { XMLParser as XMLParserClass } from 'fast-xml-parser';
import type { CaseStatus } from './types.ts';

/** One <testcase> of a JUnit XML report, with the <testsuite> names around it. */
export interface JUnitCase {
  name: string;
  classname: string;
  /** The `file` attribute (pytest, some reporters), as written. */
  file?: string;
  /** The `line` attribute, as written (pytest's xunit1 counts from 0). */
  line?: number;
  durationMs: number;
  /** Names of the enclosing <testsuite> elements, outermost first. */
  suites: string[];
  status: CaseStatus;
  /** `failure` (an assertion) or `error` (the test could not run: setup, collection, crash). */
  problem?: { kind: 'failure' | 'error'; message: string; text: string };
  /** For skipped cases: the <skipped type> (`todo` from node --test, `pytest.xfail`, ...). */
  skipType?: string;
}

type Node = Record<string, unknown>;

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name: string) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
};

/** fast-xml-parser, loaded when a JUnit file is first read (a Vitest batch never needs it). */
let loadedXml: { parser: XMLParserClass; validate: typeof import('fast-xml-parser').XMLValidator.validate } | undefined;
function xmlParser(): NonNullable<typeof loadedXml> {
  if (loadedXml === undefined) {
    const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
    loadedXml = { parser: new XMLParser(PARSER_OPTIONS), validate: (text, options) => XMLValidator.validate(text, options) };
  }
  return loadedXml;
}

/** Parse a JUnit XML report. Throws when the text is not well-formed XML (e.g. cut off by a crash). */
export function parseJUnit(xml: string): JUnitCase[] {
  const { parser, validate } = xmlParser();
  const valid = validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as Node;
  const cases: JUnitCase[] = [];
  const root = (doc['testsuites'] ?? doc) as Node;
  walk(root, [], cases);
  return cases;
}

/** The cases of the JUnit file at `file`; undefined when it is missing or not complete XML. */
export async function readJUnit(file: string): Promise<JUnitCase[] | undefined> {
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseJUnit(xml);
  } catch {
    return undefined;
  }
}

function walk(node: Node, suites: string[], out: JUnitCase[]): void {
  for (const tc of asNodes(node['testcase'])) out.push(caseOf(tc, suites));
  for (const suite of asNodes(node['testsuite'])) walk(suite, [...suites, attr(suite, 'name') ?? ''], out);
}

function caseOf(tc: Node, suites: string[]): JUnitCase {
  const file = attr(tc, 'file');
  const line = attr(tc, 'line');
  const base = {
    name: attr(tc, 'name') ?? '',
    classname: attr(tc, 'classname') ?? '',
    ...(file === undefined ? {} : { file }),
    ...(line === undefined || !/^\d+$/.test(line) ? {} : { line: Number(line) }),
    durationMs: Math.round(Number(attr(tc, 'time') ?? 0) * 1000) || 0,
    suites,
  };
  const failure = asNodes(tc['failure'])[0] ?? asNodes(tc['error'])[0];
  if (failure !== undefined) {
    const kind = asNodes(tc['failure']).length > 0 ? 'failure' : 'error';
    return { ...base, status: 'failed', problem: { kind, message: attr(failure, 'message') ?? '', text: textOf(failure).trim() } };
  }
  const skipped = asNodes(tc['skipped'])[0];
  if (skipped !== undefined) {
    const type = attr(skipped, 'type');
    return { ...base, status: type === 'todo' ? 'todo' : 'skipped', ...(type === undefined ? {} : { skipType: type }) };
  }
  return { ...base, status: 'passed' };
}

function asNodes(value: unknown): Node[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  // An empty element (<skipped/>) parses as '' : treat it as an element with no attributes.
  return list.map((v) => (typeof v === 'object' && v !== null ? (v as Node) : { '#text': String(v) }));
}

function attr(node: Node, name: string): string | undefined {
  const v = node[`@${name}`];
  return v === undefined ? undefined : String(v);
}

function textOf(node: Node): string {
  const t = node['#text'];
  return t === undefined ? '' : String(t);
}
